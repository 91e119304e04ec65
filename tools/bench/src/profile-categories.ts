/**
 * A CPU profile's busy time split into a few categories (self time; HMAC and validation
 * counted by their callers): what profile-top.ts prints with CATS=1 and what `npm run bench`
 * puts in BENCHMARKS.md for the profiled variants.
 */

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Rule = readonly [category: string, test: (chain: readonly ProfileNode[]) => boolean];

const fn = (c: readonly ProfileNode[]) => c[0]!.callFrame.functionName;
const url = (c: readonly ProfileNode[]) => c[0]!.callFrame.url;

/** First match wins; a sample's chain runs from its own frame up to the root. */
export const CATEGORY_RULES: readonly Rule[] = [
  ['idle', (c) => fn(c) === '(idle)'],
  ['HMAC (sign/verify)', (c) => c.some((n) => /^(signMessage|verifySignature|signReply|verifyReply|sign|verify)$/.test(n.callFrame.functionName) && /transport-(http|amqp)/.test(n.callFrame.url))],
  ['envelope JSON (encode/decode)', (c) => /^(encodeEnvelope|decodeEnvelope)$/.test(fn(c)) || (fn(c) === 'receive' && /transport-http/.test(url(c)))],
  ['envelope copies (memory)', (c) => /^(copyValue|copyEnvelope|copyJson)$/.test(fn(c))],
  ['raw JSON (floor)', (c) => /floors\.ts/.test(url(c))],
  ['socket writes (syscalls)', (c) => /^(writev|writeBuffer|writeUtf8String|writeLatin1String)$/.test(fn(c))],
  ['garbage collector', (c) => fn(c) === '(garbage collector)'],
  ['validators', (c) => /^validate\d+$/.test(fn(c)) || fn(c) === 'isJson'],
  ['cellwire runner (rest of core)', (c) => /core\/dist|core\/src/.test(url(c))],
  ['transport package (rest)', (c) => /transport-(http|amqp|memory)\/(dist|src)/.test(url(c))],
  ['undici / amqplib', (c) => /undici|amqplib/.test(url(c))],
  ['Moleculer', (c) => /moleculer|eventemitter2/.test(url(c))],
  ['node http / net / streams', (c) => /node:(_http|net|internal\/streams|internal\/stream_base|events|buffer|internal\/buffer)/.test(url(c))],
];

/** Milliseconds of busy time (idle left out) per category, and the busy total. */
export function categorize(profile: CpuProfile): { busyMs: number; byCategory: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const sums = new Map<string, number>();
  for (const [id, dt] of self) {
    const chain: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) chain.push(byId.get(cur)!);
    const cat = CATEGORY_RULES.find(([, f]) => f(chain))?.[0] ?? 'other';
    sums.set(cat, (sums.get(cat) ?? 0) + dt / 1000);
  }
  sums.delete('idle');
  const busyMs = [...sums.values()].reduce((a, b) => a + b, 0);
  return { busyMs, byCategory: sums };
}
