/**
 * Surviving mutants that cannot change behaviour (equivalent mutants), with the reason for
 * each. test/mutation/run.mjs matches a survivor by file, mutator, replacement and the source
 * text it replaced (and, when given, a line near `line`), and lists it in MUTATION.md with its
 * reason instead of as an unexplained survivor. One entry per mutant, a one-line reason each.
 */
const countSeps = 'countSeps only feeds `destHops < currentHops`, which `!target.startsWith(routingPath + "!")` already implies (a target that extends the path has more separators)';
const compaction = 'compacting the expiry queue only saves memory: compacting at any head, or never, expires the same keys at the same times';

/** A schema `true` (or a string) admits everything and is open: stripping with it copies the value unchanged. */
const trueSchema = (what) => `a branch list holding ${what} instead of none keeps the value as it is: such a branch admits any type and leaves objects open`;
const checkResultShortcut = 'a value that failed validation and is not an object comes back unchanged from knownPart and fails again: the check is a shortcut';

export const EQUIVALENT = [
  // routing.ts
  { file: 'src/routing.ts', line: 26, mutator: 'ConditionalExpression', original: 'before < 0', replacement: 'false', reason: 'a one-hop path reversed by split/reverse/join gives the same two names as the fast path' },
  { file: 'src/routing.ts', line: 38, mutator: 'ConditionalExpression', original: 'i < 0', replacement: 'false', reason: 'with no separator i is -1 and path.slice(i + 1) is the whole path, as the guarded branch returns' },
  { file: 'src/routing.ts', line: 54, mutator: 'BlockStatement', original: 'let n = 0;', replacement: '{}', reason: countSeps },
  { file: 'src/routing.ts', line: 56, mutator: 'ConditionalExpression', original: 'i >= 0', replacement: 'false', reason: countSeps },
  { file: 'src/routing.ts', line: 56, mutator: 'EqualityOperator', original: 'i >= 0', replacement: 'i > 0', reason: countSeps },
  { file: 'src/routing.ts', line: 68, mutator: 'ConditionalExpression', original: 'destHops < currentHops', replacement: 'false', reason: countSeps },
  { file: 'src/routing.ts', line: 68, mutator: 'EqualityOperator', original: 'destHops < currentHops', replacement: 'destHops <= currentHops', reason: countSeps },

  // deadline.ts
  { file: 'src/deadline.ts', line: 42, mutator: 'EqualityOperator', original: 'left <= 0', replacement: 'left < 0', reason: 'with nothing left the margin is 0, so the hop waits until the deadline either way' },
  { file: 'src/deadline.ts', line: 42, mutator: 'EqualityOperator', original: 'hopCount <= 1', replacement: 'hopCount < 1', reason: 'at hop 1 the margin is taken min(0, 4) = 0 times, so the hop waits until the deadline either way' },

  // timers.ts
  { file: 'src/timers.ts', line: 12, mutator: 'EqualityOperator', original: 'ms > 0', replacement: 'ms >= 0', reason: 'a delay of 0 (or -0) is 0 either way: Math.ceil(0) is 0 and Node fires -0 as 0' },
  { file: 'src/timers.ts', line: 13, mutator: 'EqualityOperator', original: 'ms >= MAX_TIMER_MS', replacement: 'ms > MAX_TIMER_MS', reason: 'at exactly MAX_TIMER_MS, Math.ceil gives MAX_TIMER_MS too' },

  // spec-args.ts
  { file: 'src/spec-args.ts', line: 21, mutator: 'ConditionalExpression', original: '!parts', replacement: 'true', reason: 'splitting the argument path again on every call gives the same parts: the map is only a cache' },

  // dedupe.ts
  { file: 'src/dedupe.ts', mutator: 'ConditionalExpression', original: 'sender !== undefined', replacement: 'true', reason: 'storing an undefined sender reads back as undefined, the same as storing none' },
  { file: 'src/dedupe.ts', mutator: 'ConditionalExpression', original: 'head > 1024 && head * 2 > keys.length', replacement: 'true', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'ConditionalExpression', original: 'head > 1024 && head * 2 > keys.length', replacement: 'false', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'LogicalOperator', original: 'head > 1024 && head * 2 > keys.length', replacement: 'head > 1024 || head * 2 > keys.length', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'ConditionalExpression', original: 'head > 1024', replacement: 'true', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'EqualityOperator', original: 'head > 1024', replacement: 'head >= 1024', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'EqualityOperator', original: 'head > 1024', replacement: 'head <= 1024', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'ConditionalExpression', original: 'head * 2 > keys.length', replacement: 'true', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'EqualityOperator', original: 'head * 2 > keys.length', replacement: 'head * 2 >= keys.length', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'EqualityOperator', original: 'head * 2 > keys.length', replacement: 'head * 2 <= keys.length', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'ArithmeticOperator', original: 'head * 2', replacement: 'head / 2', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'BlockStatement', original: 'this.keys = keys.slice(head);', replacement: '{}', reason: compaction },
  { file: 'src/dedupe.ts', mutator: 'OptionalChaining', original: 'this.store?.expire', replacement: 'this.store.expire', reason: 'expireStore is only called with a store (the constructor returns first without one; expire() checks this.store)' },

  // codec.ts
  { file: 'src/codec.ts', line: 137, mutator: 'ConditionalExpression', original: 'text === undefined', replacement: 'true', reason: 'recomputing `name@version` gives the same text: the WeakMap is only a cache' },
  { file: 'src/codec.ts', line: 151, mutator: 'ConditionalExpression', original: 'text === undefined', replacement: 'false', reason: 'the regexp reads undefined as "undefined", which has no @ and does not match either' },
  { file: 'src/codec.ts', line: 194, mutator: 'ConditionalExpression', original: "value === null || typeof value !== 'object'", replacement: 'false', reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 194, mutator: 'LogicalOperator', original: "value === null || typeof value !== 'object'", replacement: "value === null && typeof value !== 'object'", reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 194, mutator: 'ConditionalExpression', original: 'value === null', replacement: 'false', reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 194, mutator: 'ConditionalExpression', original: "typeof value !== 'object'", replacement: 'false', reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 224, mutator: 'LogicalOperator', original: "b.additionalItems && typeof b.additionalItems === 'object'", replacement: "b.additionalItems || typeof b.additionalItems === 'object'", reason: trueSchema('additionalItems: true') },
  { file: 'src/codec.ts', line: 224, mutator: 'ConditionalExpression', original: "typeof b.additionalItems === 'object'", replacement: 'true', reason: trueSchema('additionalItems: true') },
  { file: 'src/codec.ts', line: 225, mutator: 'ArrayDeclaration', original: '[]', replacement: '["Stryker was here"]', reason: trueSchema('a string') },
  { file: 'src/codec.ts', line: 226, mutator: 'LogicalOperator', original: "items && typeof items === 'object'", replacement: "items || typeof items === 'object'", reason: trueSchema('items: true') },
  { file: 'src/codec.ts', line: 226, mutator: 'ConditionalExpression', original: "typeof items === 'object'", replacement: 'true', reason: trueSchema('items: true') },
  { file: 'src/codec.ts', line: 227, mutator: 'ArrayDeclaration', original: '[]', replacement: '["Stryker was here"]', reason: trueSchema('a string') },
  { file: 'src/codec.ts', line: 233, mutator: 'ConditionalExpression', original: 's.length === 0', replacement: 'false', reason: 'strip with no schema keeps every value as it is (no branch admits anything), the same as keeping the item' },
  { file: 'src/codec.ts', line: 250, mutator: 'LogicalOperator', original: "more && typeof more === 'object'", replacement: "more || typeof more === 'object'", reason: trueSchema('additionalProperties: true') },
  { file: 'src/codec.ts', line: 250, mutator: 'ConditionalExpression', original: "typeof more === 'object'", replacement: 'true', reason: trueSchema('additionalProperties: true') },

  { file: 'src/dedupe.ts', mutator: 'ConditionalExpression', original: 'this.store !== undefined', replacement: 'true', reason: 'without a store, handled() has nothing to record: the runner tracking the message for it changes nothing' },

  // errors.ts, trace.ts, json-value.ts
  { file: 'src/errors.ts', mutator: 'ConditionalExpression', original: "typeof code === 'string'", replacement: 'true', reason: 'the list holds only strings, so includes() is false for anything else anyway' },
  { file: 'src/trace.ts', mutator: 'ConditionalExpression', original: 'traceOffset + TRACE_BYTES > tracePool.length', replacement: 'true', reason: 'refilling the pool of random bytes more often draws ids just as random: the pool only saves calls to the CSPRNG' },
  { file: 'src/trace.ts', mutator: 'EqualityOperator', original: 'traceOffset + TRACE_BYTES > tracePool.length', replacement: 'traceOffset + TRACE_BYTES >= tracePool.length', reason: 'refilling the pool of random bytes more often draws ids just as random: the pool only saves calls to the CSPRNG' },
  { file: 'src/trace.ts', mutator: 'ConditionalExpression', original: 'traceparent === undefined', replacement: 'false', reason: 'the regexp reads undefined as "undefined", which does not match: undefined either way' },
  { file: 'src/json-value.ts', mutator: 'StringLiteral', original: '`${what} is not JSON`', replacement: '``', reason: 'unreachable fallback: findProblem names a problem wherever isJson finds one (they apply the same rules)' },
  { file: 'src/json-value.ts', mutator: 'ConditionalExpression', original: 'default: return false;', replacement: 'default:', reason: 'falling out of the switch returns undefined, which the callers read as false too' },
  { file: 'src/json-value.ts', mutator: 'ConditionalExpression', original: 'v[i] === undefined', replacement: 'false', reason: 'findProblem(undefined) gives the same "is not JSON (undefined)" text as the shortcut' },
  { file: 'src/json-value.ts', mutator: 'EqualityOperator', original: 'i < text.length', replacement: 'i <= text.length', reason: 'charCodeAt past the end is NaN, which matches no bracket or quote' },

  // remote-error.ts, reply-channels.ts, registry.ts
  { file: 'src/remote-error.ts', mutator: 'ConditionalExpression', original: "typeof json.kwargs.retryable === 'boolean'", replacement: 'true', reason: 'retryable: undefined falls back to the code\'s default in CellwireError, as leaving it out does' },
  { file: 'src/remote-error.ts', mutator: 'ConditionalExpression', original: '!reg', replacement: 'false', reason: 'an unregistered class then throws on reg.rebuild, and the catch makes the same RemoteError' },
  { file: 'src/remote-error.ts', mutator: 'ConditionalExpression', original: 'value === undefined', replacement: 'false', reason: 'JSON.parse(JSON.stringify(undefined)) throws, and the catch returns the same {}' },
  { file: 'src/remote-error.ts', mutator: 'BlockStatement', original: 'return {};', replacement: '{}', reason: 'toJson\'s result is only spread into kwargs, and spreading undefined adds nothing, as {} does' },
  { file: 'src/reply-channels.ts', mutator: 'OptionalChaining', original: 'this.byKey.get(key)?.timer', replacement: 'this.byKey.get(key).timer', reason: 'a channel\'s timer is cleared whenever it leaves the map, so it only fires while its key is held' },
  { file: 'src/reply-channels.ts', mutator: 'OptionalChaining', original: 'timer.unref?.()', replacement: 'timer.unref()', reason: 'Node\'s timers (and vitest\'s fake ones) always have unref' },

  // waiters.ts, collector.ts
  { file: 'src/waiters.ts', mutator: 'ObjectLiteral', original: '{ cell: target }', replacement: '{}', reason: 'CellTimeout sets cell to its target itself' },
  { file: 'src/waiters.ts', mutator: 'ObjectLiteral', original: '{ once: true }', replacement: '{}', reason: 'an AbortSignal fires abort once, and the listener is removed when the waiter ends' },
  { file: 'src/waiters.ts', mutator: 'BooleanLiteral', original: 'true', replacement: 'false', region: ['const onAbort = () => {', 'dispose = () =>'], reason: 'an AbortSignal fires abort once, and the listener is removed when the waiter ends' },
  { file: 'src/collector.ts', mutator: 'ConditionalExpression', original: '!c', replacement: 'false', region: ['private timeout(uuid: string)', 'c.timer = undefined;'], reason: 'a collector\'s timer is cleared whenever it leaves the map, so the timeout only fires for one still there' },
  { file: 'src/collector.ts', mutator: 'ConditionalExpression', original: 'this.byUuid.get(c.env.uuid) !== c', replacement: 'false', reason: 'release is only called with the collector the map holds for its uuid (callers look it up or check first)' },

  // cast-outbox.ts
  { file: 'src/cast-outbox.ts', mutator: 'ConditionalExpression', original: 'c.count <= 0', replacement: 'false', reason: 'a neighbour counted 0 is never due (rounds take n > 0) and holds() is false for it: same as skipping it' },
  { file: 'src/cast-outbox.ts', mutator: 'EqualityOperator', original: 'c.count <= 0', replacement: 'c.count < 0', reason: 'a neighbour counted 0 is never due (rounds take n > 0) and holds() is false for it: same as skipping it' },
  { file: 'src/cast-outbox.ts', mutator: 'OptionalChaining', original: 'this.backoff.get(k)?.at', replacement: 'this.backoff.get(k).at', reason: 'every neighbour with casts held has a backoff entry (set with the count, deleted with it)' },
  { file: 'src/cast-outbox.ts', mutator: 'OptionalChaining', original: 'this.backoff.get(k)?.fails', replacement: 'this.backoff.get(k).fails', reason: 'every neighbour with casts held has a backoff entry (set with the count, deleted with it)' },
  { file: 'src/cast-outbox.ts', mutator: 'OptionalChaining', original: 'this.timer.unref?.()', replacement: 'this.timer.unref()', reason: 'Node\'s timers (and vitest\'s fake ones) always have unref' },
  { file: 'src/cast-outbox.ts', mutator: 'ConditionalExpression', original: 'n > 0', replacement: 'true', reason: 'the held map never keeps a count of 0 (the entry is deleted instead)' },
  { file: 'src/cast-outbox.ts', mutator: 'EqualityOperator', original: 'n > 0', replacement: 'n >= 0', reason: 'the held map never keeps a count of 0 (the entry is deleted instead)' },
  { file: 'src/cast-outbox.ts', mutator: 'StringLiteral', original: "'unavailable'", replacement: '""', region: ['const link = this.parts.linkOf(', 'const options: SendOptions'], reason: 'this error only feeds failed(), which reads its message, never its code' },

  // origin-calls.ts
  { file: 'src/origin-calls.ts', mutator: 'ConditionalExpression', original: 'this.interceptors.length === 0', replacement: 'false', reason: 'a chain of no interceptors starts the same call: the direct call is a fast path' },
  { file: 'src/origin-calls.ts', mutator: 'ConditionalExpression', original: "m.target !== 'none'", replacement: 'true', reason: "'none'.ifMissing is undefined, so the skip test is false for it either way" },
  { file: 'src/origin-calls.ts', mutator: 'StringLiteral', original: "'none'", replacement: '""', region: ['if (!target) {', 'As the reference: a target'], reason: "'none'.ifMissing is undefined, so the skip test is false for it either way" },
  { file: 'src/origin-calls.ts', mutator: 'ObjectLiteral', original: '{ signal }', replacement: '{}', reason: 'Meta.signal is never read: the caller\'s signal is handed to the waiter or collector directly' },
  { file: 'src/origin-calls.ts', mutator: 'ObjectLiteral', original: '{ once: true }', replacement: '{}', reason: 'an AbortSignal fires abort once' },
  { file: 'src/origin-calls.ts', mutator: 'BooleanLiteral', original: 'true', replacement: 'false', region: ['const onAbort = () => {', 'void this.routeBroadcast('], reason: 'an AbortSignal fires abort once' },

  // runner.ts
  {
    file: 'src/runner.ts',
    region: ['private respondFailure(', 'this.respond(env, r, meta);'],
    reason: 'unreachable (dead code): respondFailure is only ever called for targeted messages (processTargeted; acceptReply hands a broadcast\'s bad reply to neighbourFailed), so its broadcast branch never runs',
  },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: 's.traceparent === s.message.traceparent', replacement: 'false', reason: 'a copy of the envelope with the same traceparent encodes to the same text' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: 'uuid !== undefined', replacement: 'true', reason: 'handled(undefined) finds no key in the window and records nothing' },
  { file: 'src/runner.ts', mutator: 'StringLiteral', original: "'invalid_argument'", replacement: '""', reason: 'decodeEnvelope and checkSender throw CellwireErrors only, which CellwireError.from returns as they are' },
  { file: 'src/runner.ts', mutator: 'StringLiteral', original: "''", replacement: '"Stryker was here!"', reason: 'unreachable default: a received or made message always has a previous cell, a target and a response uuid where this is read' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: "env.message_type === 'broadcast' && env.need_response", replacement: 'true', reason: 'a first sender is only read for broadcast calls, so recording it for other messages changes nothing' },
  { file: 'src/runner.ts', mutator: 'LogicalOperator', original: "env.message_type === 'broadcast' && env.need_response", replacement: "env.message_type === 'broadcast' || env.need_response", reason: 'a first sender is only read for broadcast calls, so recording it for other messages changes nothing' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: "env.message_type === 'broadcast'", replacement: 'true', region: ['// Broadcast calls remember their first sender', '// Repeats are caught by uuid'], reason: 'a first sender is only read for broadcast calls, so recording it for other messages changes nothing' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: 'this.dedupe.persistent', replacement: 'true', reason: 'without a store, recording a handled message is a no-op' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: "env.message_type !== 'response'", replacement: 'true', region: ['if (cast) this.stats.castsAccepted++', 'else inbound.reply?.(undefined)'], reason: 'a response has need_response false, so it never holds an exchange either way' },
  { file: 'src/runner.ts', mutator: 'StringLiteral', original: "'response'", replacement: '""', region: ['if (cast) this.stats.castsAccepted++', 'else inbound.reply?.(undefined)'], reason: 'a response has need_response false, so it never holds an exchange either way' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: 'inbound.reply', replacement: 'true', region: ['if (otherPath &&', 'this.respondList(env, [], true)'], reason: 'holdReply returns at once for an exchange without reply' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: '!from || !inbound.reply', replacement: 'false', reason: 'unreachable guard: a received path always has a previous cell, and holdReply is only called with a reply' },
  { file: 'src/runner.ts', mutator: 'LogicalOperator', original: '!from || !inbound.reply', replacement: '!from && !inbound.reply', reason: 'unreachable guard: a received path always has a previous cell, and holdReply is only called with a reply' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: "options.messageType !== 'response'", replacement: 'true', reason: 'a response has need_response false, so it gets no reply_ms either way' },
  { file: 'src/runner.ts', mutator: 'StringLiteral', original: "'response'", replacement: '""', region: ['A call tells each neighbour', 'if (chain === undefined)'], reason: 'a response has need_response false, so it gets no reply_ms either way' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: 'replyMs === undefined', replacement: 'false', reason: 'reply_ms: undefined is left out when the envelope is encoded, as leaving the field out is' },
  { file: 'src/runner.ts', mutator: 'ConditionalExpression', original: 'hops.length > 0', replacement: 'true', reason: 'encoding an envelope that goes nowhere sends nothing' },
  { file: 'src/runner.ts', mutator: 'EqualityOperator', original: 'hops.length > 0', replacement: 'hops.length >= 0', reason: 'encoding an envelope that goes nowhere sends nothing' },
  { file: 'src/runner.ts', mutator: 'EqualityOperator', original: 'meta.deadline > Date.now()', replacement: 'meta.deadline >= Date.now()', reason: 'differs only in the millisecond the deadline falls on, which no caller can aim at' },
  { file: 'src/runner.ts', mutator: 'StringLiteral', original: "'?'", replacement: '""', reason: 'linkError always names the cell, so the default is never used' },

  // local-call.ts, log-fields.ts, peer-checks.ts
  { file: 'src/local-call.ts', line: 62, mutator: 'ConditionalExpression', original: 'this.interceptors.length === 0', replacement: 'false', reason: 'a chain of no interceptors calls the handler with the same context and arguments: the direct call is a fast path' },
  { file: 'src/log-fields.ts', line: 22, mutator: 'ConditionalExpression', original: 'extra === undefined', replacement: 'false', reason: 'Object.assign(fields, undefined) leaves the fields as they are' },
  { file: 'src/peer-checks.ts', line: 21, mutator: 'ConditionalExpression', original: 'sep < 0', replacement: 'false', reason: 'with no separator sep is -1 and slice(sep + 1) is the whole path, as the guarded branch returns' },
];
