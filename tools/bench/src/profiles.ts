/**
 * The profiled variants of `npm run bench`: each runs in a process of its own (profile.ts,
 * inspector CPU profiles of the bench process and of the cells process), and its busy time
 * is split into categories (profile-categories.ts), per call. BENCHMARKS.md shows them next to
 * the floor or Moleculer they are compared with: where cellwire's extra time per call goes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { categorize, type CpuProfile } from './profile-categories.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export type ProfiledKind = 'memory' | 'http' | 'amqp';
export type ProfiledWhich = 'cw' | 'raw' | 'mol';

export interface ProfileResult {
  readonly kind: ProfiledKind;
  readonly which: ProfiledWhich;
  readonly inFlight: number;
  readonly rate: number;
  readonly count: number;
  /** CPU per call, unprofiled accounting (process.cpuUsage) while profiled. */
  readonly cpuMainUs: number;
  readonly cpuCellsUs: number | undefined;
  /** Profiled busy time per call, by category, in µs: the bench process, and the cells process. */
  readonly main: Readonly<Record<string, number>>;
  readonly cells: Readonly<Record<string, number>> | undefined;
}

/** The comparisons profiled: cellwire and what its target compares it with, at that target's in-flight count. */
export const PROFILED: readonly { readonly title: string; readonly kind: ProfiledKind; readonly inFlight: number; readonly against: ProfiledWhich }[] = [
  { title: 'memory, 1 in flight: cellwire and Moleculer', kind: 'memory', inFlight: 1, against: 'mol' },
  { title: 'memory, 64 in flight: cellwire and the JSON floor', kind: 'memory', inFlight: 64, against: 'raw' },
  { title: 'http, 64 in flight: cellwire and node:http + undici', kind: 'http', inFlight: 64, against: 'raw' },
  { title: 'amqp, 1 in flight: cellwire and direct reply-to', kind: 'amqp', inFlight: 1, against: 'raw' },
  { title: 'amqp, 64 in flight: cellwire and Moleculer', kind: 'amqp', inFlight: 64, against: 'mol' },
];

const SECONDS = 3;

function perCall(file: string, count: number): Record<string, number> {
  const { byCategory } = categorize(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  return Object.fromEntries([...byCategory].map(([k, ms]) => [k, (ms * 1000) / count]));
}

/** Profiles one variant in its own process. */
export function profileOne(kind: ProfiledKind, which: ProfiledWhich, inFlight: number): Promise<ProfileResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'profile.ts'), kind, which, String(SECONDS)], {
      env: { ...process.env, INFLIGHT: String(inFlight) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`profile ${kind} ${which} exited ${code}`));
      const base = `/tmp/prof-${kind}-${which}`;
      const s = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as { rate: number; count: number; cpuMainUs: number; cpuCellsUs?: number };
      const cellsFile = `${base}-cells.cpuprofile`;
      const hasCells = kind !== 'memory' && fs.existsSync(cellsFile);
      resolve({
        kind,
        which,
        inFlight,
        rate: s.rate,
        count: s.count,
        cpuMainUs: s.cpuMainUs,
        cpuCellsUs: s.cpuCellsUs,
        main: perCall(`${base}-main.cpuprofile`, s.count),
        cells: hasCells ? perCall(cellsFile, s.count) : undefined,
      });
    });
  });
}
