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
  { file: 'src/dedupe.ts', line: 70, mutator: 'ConditionalExpression', original: 'sender !== undefined', replacement: 'true', reason: 'storing an undefined sender reads back as undefined, the same as storing none' },
  { file: 'src/dedupe.ts', line: 107, mutator: 'ConditionalExpression', original: 'head > 1024 && head * 2 > keys.length', replacement: 'true', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'ConditionalExpression', original: 'head > 1024 && head * 2 > keys.length', replacement: 'false', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'LogicalOperator', original: 'head > 1024 && head * 2 > keys.length', replacement: 'head > 1024 || head * 2 > keys.length', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'ConditionalExpression', original: 'head > 1024', replacement: 'true', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'EqualityOperator', original: 'head > 1024', replacement: 'head >= 1024', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'EqualityOperator', original: 'head > 1024', replacement: 'head <= 1024', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'ConditionalExpression', original: 'head * 2 > keys.length', replacement: 'true', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'EqualityOperator', original: 'head * 2 > keys.length', replacement: 'head * 2 >= keys.length', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'EqualityOperator', original: 'head * 2 > keys.length', replacement: 'head * 2 <= keys.length', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'ArithmeticOperator', original: 'head * 2', replacement: 'head / 2', reason: compaction },
  { file: 'src/dedupe.ts', line: 107, mutator: 'BlockStatement', original: 'this.keys = keys.slice(head);', replacement: '{}', reason: compaction },
  { file: 'src/dedupe.ts', line: 118, mutator: 'OptionalChaining', original: 'this.store?.expire', replacement: 'this.store.expire', reason: 'expireStore is only called with a store (the constructor returns first without one; expire() checks this.store)' },

  // codec.ts
  { file: 'src/codec.ts', line: 92, mutator: 'ConditionalExpression', original: 'text === undefined', replacement: 'true', reason: 'recomputing `name@version` gives the same text: the WeakMap is only a cache' },
  { file: 'src/codec.ts', line: 106, mutator: 'ConditionalExpression', original: 'text === undefined', replacement: 'false', reason: 'the regexp reads undefined as "undefined", which has no @ and does not match either' },
  { file: 'src/codec.ts', line: 149, mutator: 'ConditionalExpression', original: "value === null || typeof value !== 'object'", replacement: 'false', reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 149, mutator: 'LogicalOperator', original: "value === null || typeof value !== 'object'", replacement: "value === null && typeof value !== 'object'", reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 149, mutator: 'ConditionalExpression', original: 'value === null', replacement: 'false', reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 149, mutator: 'ConditionalExpression', original: "typeof value !== 'object'", replacement: 'false', reason: checkResultShortcut },
  { file: 'src/codec.ts', line: 179, mutator: 'LogicalOperator', original: "b.additionalItems && typeof b.additionalItems === 'object'", replacement: "b.additionalItems || typeof b.additionalItems === 'object'", reason: trueSchema('additionalItems: true') },
  { file: 'src/codec.ts', line: 179, mutator: 'ConditionalExpression', original: "typeof b.additionalItems === 'object'", replacement: 'true', reason: trueSchema('additionalItems: true') },
  { file: 'src/codec.ts', line: 180, mutator: 'ArrayDeclaration', original: '[]', replacement: '["Stryker was here"]', reason: trueSchema('a string') },
  { file: 'src/codec.ts', line: 181, mutator: 'LogicalOperator', original: "items && typeof items === 'object'", replacement: "items || typeof items === 'object'", reason: trueSchema('items: true') },
  { file: 'src/codec.ts', line: 181, mutator: 'ConditionalExpression', original: "typeof items === 'object'", replacement: 'true', reason: trueSchema('items: true') },
  { file: 'src/codec.ts', line: 182, mutator: 'ArrayDeclaration', original: '[]', replacement: '["Stryker was here"]', reason: trueSchema('a string') },
  { file: 'src/codec.ts', line: 188, mutator: 'ConditionalExpression', original: 's.length === 0', replacement: 'false', reason: 'strip with no schema keeps every value as it is (no branch admits anything), the same as keeping the item' },
  { file: 'src/codec.ts', line: 205, mutator: 'LogicalOperator', original: "more && typeof more === 'object'", replacement: "more || typeof more === 'object'", reason: trueSchema('additionalProperties: true') },
  { file: 'src/codec.ts', line: 205, mutator: 'ConditionalExpression', original: "typeof more === 'object'", replacement: 'true', reason: trueSchema('additionalProperties: true') },

  // local-call.ts, log-fields.ts, peer-checks.ts
  { file: 'src/local-call.ts', line: 62, mutator: 'ConditionalExpression', original: 'this.interceptors.length === 0', replacement: 'false', reason: 'a chain of no interceptors calls the handler with the same context and arguments: the direct call is a fast path' },
  { file: 'src/log-fields.ts', line: 22, mutator: 'ConditionalExpression', original: 'extra === undefined', replacement: 'false', reason: 'Object.assign(fields, undefined) leaves the fields as they are' },
  { file: 'src/peer-checks.ts', line: 21, mutator: 'ConditionalExpression', original: 'sep < 0', replacement: 'false', reason: 'with no separator sep is -1 and slice(sep + 1) is the whole path, as the guarded branch returns' },
];
