import fs from 'node:fs';

/**
 * Closed-loop load: `inflight` workers each await one call after another until the time is
 * up. Latencies go into a preallocated array, so measuring allocates nothing per call.
 */

export interface Sample {
  /** Calls completed per second. */
  readonly rate: number;
  /** Latency percentiles, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
  readonly errors: number;
}

const MAX_SAMPLES = 1 << 21;
const latencies = new Float64Array(MAX_SAMPLES);

/** Runs `call` with `inflight` calls outstanding for `ms`, after `warmMs` of unmeasured warm-up. */
export async function measure(call: () => Promise<unknown>, inflight: number, ms: number, warmMs = 0): Promise<Sample> {
  if (warmMs > 0) await drive(call, inflight, warmMs, false);
  return drive(call, inflight, ms, true);
}

async function drive(call: () => Promise<unknown>, inflight: number, ms: number, record: boolean): Promise<Sample> {
  let n = 0;
  let errors = 0;
  let firstError: unknown;
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      try {
        await call();
      } catch (e) {
        errors++;
        firstError ??= e;
        continue;
      }
      if (record && n < MAX_SAMPLES) latencies[n] = performance.now() - t0;
      n++;
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  const elapsed = performance.now() - start;
  if (errors > 0 && n === 0) throw firstError;
  if (errors > 0) process.stderr.write(`  (${errors} calls failed: ${(firstError as Error)?.message})\n`);
  if (!record) return { rate: 0, p50: 0, p99: 0, count: n, errors };
  const sorted = latencies.subarray(0, Math.min(n, MAX_SAMPLES)).sort();
  return { rate: (n / elapsed) * 1000, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), count: n, errors };
}

function pct(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** The local RabbitMQ's process (Erlang VM), if it runs on this machine: its CPU time is part of an AMQP call's cost. */
export function brokerPid(): number | undefined {
  try {
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'beam.smp') return Number(d);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

/** CPU time (µs) a process has used, from /proc (10 ms resolution). */
export function procCpuUs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return NaN;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
