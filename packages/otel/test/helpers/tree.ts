/**
 * A small tree of runners wired by direct links, as core's own tests do: each link hands the
 * envelope text to the neighbour's `receive` on a later tick and carries its reply back, or,
 * with `replies: false`, offers none (every answer is then a response message). Cells serve
 * core's test service.
 */
import { CellUnavailable, MessageRunner, serve, silentLogger, type Inbound, type Link, type RunnerOptions, type SendOptions } from '@cellwire/core';
import { testHandlers } from '../../../core/test/helpers/handlers.js';
import { testService } from '../../../core/test/service/gen/index.js';

export { createClientForTest } from '../../../core/test/helpers/client.js';
export { testService };

export interface SmallTree {
  cell(name: string): MessageRunner;
  /** Sends to a stopped cell fail with `unavailable`. */
  stop(name: string): void;
  /** What each link carried, as [from, to, envelope text]. */
  readonly log: [string, string, string][];
  close(): void;
}

export function smallTree(layout: Record<string, string[]>, options: (cell: string) => Partial<RunnerOptions>, { replies = true } = {}): SmallTree {
  const names = new Set<string>([...Object.keys(layout), ...Object.values(layout).flat()]);
  const runners = new Map<string, MessageRunner>();
  const stopped = new Set<string>();
  const log: [string, string, string][] = [];
  for (const n of names) {
    runners.set(n, new MessageRunner({ name: n, logger: silentLogger, services: [serve(testService, testHandlers(n))], ...options(n) }));
  }
  const link = (from: string, to: string): Link => ({
    cell: to,
    close: async () => undefined,
    send: (data: string, opts: SendOptions) =>
      new Promise<string | undefined>((resolve, reject) => {
        setImmediate(() => {
          if (stopped.has(to)) return reject(new CellUnavailable(to, 'stopped'));
          log.push([from, to, data]);
          const offer = replies && opts.expectReply;
          const inbound: Inbound = { data, from, ...(offer ? { reply: (r: string | undefined) => resolve(r) } : {}) };
          void runners.get(to)!.receive(inbound).then(() => {
            if (!offer) resolve(undefined);
          });
        });
      }),
  });
  for (const [parent, children] of Object.entries(layout)) {
    for (const child of children) {
      runners.get(parent)!.addNeighbour('child', child, link(parent, child));
      runners.get(child)!.addNeighbour('parent', parent, link(child, parent));
    }
  }
  return {
    cell: (name) => runners.get(name)!,
    stop: (name) => void stopped.add(name),
    log,
    close: () => {
      for (const r of runners.values()) r.close();
    },
  };
}
