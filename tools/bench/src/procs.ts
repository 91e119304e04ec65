/** Spawning and driving cells processes (cells-proc.ts) over IPC; every one is closed at the end. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface CellsProc {
  readonly name: string;
  readonly pid: number;
  request<T = Record<string, unknown>>(op: string, args?: Record<string, unknown>): Promise<T>;
  /** CPU time (µs) this process has used so far. */
  cpu(): Promise<number>;
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Starts one cells process; resolves once it is ready for requests. */
export function startCellsProc(name: string): Promise<CellsProc> {
  const child = fork(path.join(here, 'cells-proc.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let seq = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(`${name}: ${m.error}`));
  });
  child.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`${name} exited (${code})`));
    waiting.clear();
  });
  const request = <T>(op: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...args, id, op });
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    waiting.set(0, {
      resolve: () => {
        clearTimeout(timer);
        resolve({
          name,
          pid: child.pid ?? 0,
          request,
          cpu: async () => (await request<{ us: number }>('cpu')).us,
          close: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise<void>((r) => child.once('exit', () => r()));
            await Promise.race([request('close').catch(() => undefined), new Promise((r) => setTimeout(r, 15_000))]);
            const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(kill);
          },
        });
      },
      reject,
    });
  });
}

/** Last resort (an error on the way): no cells process outlives the bench. */
export function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
}
