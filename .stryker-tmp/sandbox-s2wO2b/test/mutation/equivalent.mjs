/**
 * Surviving mutants that cannot change behaviour (equivalent mutants), with the reason for
 * each. test/mutation/run.mjs matches a survivor by file, mutator, replacement and the source
 * text it replaced (and, when given, a line near `line`), and lists it in MUTATION.md with its
 * reason instead of as an unexplained survivor. One entry per mutant, a one-line reason each.
 */
// @ts-nocheck

const countSeps = 'countSeps only feeds `destHops < currentHops`, which `!target.startsWith(routingPath + "!")` already implies (a target that extends the path has more separators)';
const compaction = 'compacting the expiry queue only saves memory: compacting at any head, or never, expires the same keys at the same times';

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
];
