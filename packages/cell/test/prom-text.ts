/**
 * A small strict parser of the Prometheus text exposition format (version 0.0.4), for tests:
 * prom-client has none and promtool is not installed. It refuses anything the format does
 * not allow (bad names, bad escapes, unknown types, samples outside their family, a family
 * split in two, duplicate series, histograms whose buckets are not cumulative or do not end
 * in `+Inf` = `_count`), and `renderPromText` writes a parse back in the same form, so a text
 * that round-trips is in canonical form.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  /** Labels in the order they were written. */
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  readonly timestamp?: number;
}

export interface Family {
  readonly name: string;
  help?: string;
  type?: MetricType;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

export class PromParseError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** The family a sample name belongs to, given the declared type of `family`. */
function belongs(sample: string, family: Family): boolean {
  if (sample === family.name) return family.type !== 'histogram';
  if (family.type === 'histogram') return [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`].includes(sample);
  if (family.type === 'summary') return [`${family.name}_sum`, `${family.name}_count`].includes(sample);
  return false;
}

function parseValue(s: string, line: number): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new PromParseError(line, `not a number: '${s}'`);
  return Number(s);
}

function unescapeHelp(s: string, line: number): string {
  return s.replace(/\\(.)?/g, (_, c: string | undefined) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new PromParseError(line, `bad escape in HELP: '\\${c ?? ''}'`);
  });
}

/** Parses a whole exposition; throws PromParseError naming the line. */
export function parsePromText(text: string): Family[] {
  if (text.length > 0 && !text.endsWith('\n')) throw new PromParseError(0, 'the text must end with a newline');
  const families: Family[] = [];
  const byName = new Map<string, Family>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: Family | undefined;
  const lines = text.split('\n');
  lines.pop();
  const family = (name: string, line: number): Family => {
    let f = byName.get(name);
    if (f && f !== current) throw new PromParseError(line, `family ${name} is split: its lines must be together`);
    if (!f) {
      if (closed.has(name)) throw new PromParseError(line, `family ${name} appears twice`);
      if (current) closed.add(current.name);
      f = { name, samples: [] };
      byName.set(name, f);
      families.push(f);
      current = f;
    }
    return f;
  };
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw === '') return; // empty lines are ignored (prom-client puts one between families)
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
      if (!m) {
        if (/^# (HELP|TYPE)\b/.test(raw)) throw new PromParseError(n, `malformed ${raw.slice(2, 6)} line`);
        return; // a comment
      }
      const [, kind, name, rest = ''] = m as unknown as [string, string, string, string?];
      if (!METRIC_NAME.test(name)) throw new PromParseError(n, `bad metric name '${name}'`);
      const f = family(name, n);
      if (f.samples.length > 0) throw new PromParseError(n, `${kind} of ${name} after its samples`);
      if (kind === 'HELP') {
        if (f.help !== undefined) throw new PromParseError(n, `second HELP for ${name}`);
        f.help = unescapeHelp(rest, n);
      } else {
        if (f.type !== undefined) throw new PromParseError(n, `second TYPE for ${name}`);
        if (!TYPES.includes(rest as MetricType)) throw new PromParseError(n, `unknown type '${rest}'`);
        f.type = rest as MetricType;
      }
      return;
    }
    const sample = parseSample(raw, n);
    const f = current && belongs(sample.name, current) ? current : family(sample.name, n);
    if (!belongs(sample.name, f) && !(f.type === undefined && sample.name === f.name)) {
      throw new PromParseError(n, `sample ${sample.name} does not belong to family ${f.name} (${f.type ?? 'untyped'})`);
    }
    f.type ??= 'untyped';
    const key = `${sample.name}{${[...sample.labels].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    if (seen.has(key)) throw new PromParseError(n, `duplicate series ${key}`);
    seen.add(key);
    f.samples.push(sample);
  });
  for (const f of families) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function parseSample(raw: string, n: number): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(raw);
  if (!m) throw new PromParseError(n, `bad sample line '${raw}'`);
  const name = m[1] as string;
  let i = name.length;
  const labels: [string, string][] = [];
  if (raw[i] === '{') {
    i++;
    while (raw[i] !== '}') {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(raw.slice(i));
      if (!lm) throw new PromParseError(n, `bad label at column ${i + 1}`);
      const label = lm[1] as string;
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new PromParseError(n, `bad label name '${label}'`);
      if (labels.some(([k]) => k === label)) throw new PromParseError(n, `label ${label} given twice`);
      i += lm[0].length;
      let value = '';
      for (;;) {
        const c = raw[i];
        if (c === undefined) throw new PromParseError(n, 'unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const e = raw[i + 1];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else throw new PromParseError(n, `bad escape '\\${e ?? ''}' in a label value`);
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++;
      labels.push([label, value]);
      if (raw[i] === ',') i++;
      else if (raw[i] !== '}') throw new PromParseError(n, `expected ',' or '}' at column ${i + 1}`);
    }
    i++;
  }
  if (raw[i] !== ' ') throw new PromParseError(n, `expected one space before the value at column ${i + 1}`);
  const parts = raw.slice(i + 1).split(' ');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new PromParseError(n, 'expected a value and an optional timestamp');
  const value = parseValue(parts[0] as string, n);
  const sample: Sample = { name, labels, value };
  if (parts[1] !== undefined) {
    if (!/^-?\d+$/.test(parts[1])) throw new PromParseError(n, `bad timestamp '${parts[1]}'`);
    return { ...sample, timestamp: Number(parts[1]) };
  }
  return sample;
}

/** Buckets per label set (without `le`): cumulative, ending at `+Inf` equal to `_count`, with a `_sum`. */
function checkHistogram(f: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  const keyOf = (s: Sample) => JSON.stringify(s.labels.filter(([k]) => k !== 'le').sort(([a], [b]) => a.localeCompare(b)));
  for (const s of f.samples) {
    const g = groups.get(keyOf(s)) ?? { buckets: [] };
    groups.set(keyOf(s), g);
    if (s.name.endsWith('_bucket')) {
      const le = s.labels.find(([k]) => k === 'le')?.[1];
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      g.buckets.push([parseValue(le, 0), s.value]);
    } else if (s.name.endsWith('_count')) g.count = s.value;
    else g.sum = s.value;
  }
  for (const [key, g] of groups) {
    if (g.count === undefined || g.sum === undefined) throw new Error(`${f.name}${key}: _count or _sum missing`);
    for (let i = 1; i < g.buckets.length; i++) {
      const [prevLe, prev] = g.buckets[i - 1] as [number, number];
      const [le, v] = g.buckets[i] as [number, number];
      if (!(le > prevLe)) throw new Error(`${f.name}${key}: buckets not in increasing le order`);
      if (v < prev) throw new Error(`${f.name}${key}: buckets not cumulative`);
    }
    const last = g.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (last[1] !== g.count) throw new Error(`${f.name}${key}: +Inf bucket ${last[1]} is not _count ${g.count}`);
  }
}

function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Writes families back as text, in the form prom-client writes (HELP, TYPE, samples; a blank line between families). */
export function renderPromText(families: readonly Family[]): string {
  if (families.length === 0) return '';
  const blocks = families.map((f) => {
    const lines: string[] = [];
    if (f.help !== undefined) lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    if (f.type !== undefined) lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = s.labels.length > 0 ? `{${s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      lines.push(`${s.name}${labels} ${formatValue(s.value)}${s.timestamp !== undefined ? ` ${s.timestamp}` : ''}`);
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** The value of the one sample named `name` whose labels include `labels`; throws unless exactly one matches. */
export function sampleValue(families: readonly Family[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  const matches = families
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels.some(([lk, lv]) => lk === k && lv === v)));
  if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return (matches[0] as Sample).value;
}

/** Every sample named `name`, as `{ labels, value }` with labels as an object. */
export function samplesOf(families: readonly Family[], name: string): { labels: Record<string, string>; value: number }[] {
  return families.flatMap((f) => f.samples).filter((s) => s.name === name).map((s) => ({ labels: Object.fromEntries(s.labels), value: s.value }));
}
