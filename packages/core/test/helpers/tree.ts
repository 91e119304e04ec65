/**
 * A small tree of runners for core's own tests, wired by direct links: each link hands the
 * envelope text to the neighbour's `receive` on a later tick and carries its reply (or its
 * refusal) back, as the memory transport does (core cannot depend on that package; see the conformance suite
 * in test/ for the real transports).
 */
import { MessageRunner, silentLogger, type Inbound, type Link, type RunnerOptions, type SendOptions } from '../../src/index.js';
import { CellUnavailable } from '../../src/cell-errors.js';

export interface TestTree {
  readonly runners: Map<string, MessageRunner>;
  cell(name: string): MessageRunner;
  /** Stops delivering to a cell: sends to it fail with `unavailable`. */
  stop(name: string): void;
  /** Delivers what `make` returns instead of each reply that `name` sends back. */
  forgeReplies(name: string, make: (reply: string) => string): void;
  /** What the links delivered, in order, as [from, to, envelope]. */
  readonly log: [string, string, string][];
  close(): void;
}

/** `layout`: parent -> children. `options(cell)` adds runner options (services, interceptors, ...). */
export function testTree(layout: Record<string, string[]>, options: (cell: string) => Partial<RunnerOptions>): TestTree {
  const runners = runnersOf(layout, options);
  const stopped = new Set<string>();
  const forgers = new Map<string, (reply: string) => string>();
  const log: [string, string, string][] = [];
  const link = (from: string, to: string): Link => ({
    cell: to,
    close: async () => undefined,
    send: (data: string, opts: SendOptions) =>
      new Promise<string | undefined>((resolve, reject) => {
        setImmediate(() => {
          if (stopped.has(to)) return reject(new CellUnavailable(to, 'stopped'));
          log.push([from, to, data]);
          let replied = false;
          const inbound: Inbound = {
            data,
            from,
            // As the real transports do: a message the receiver refuses fails the send (HTTP 4xx).
            reject: (e) => {
              if (replied) return;
              replied = true;
              reject(e);
            },
            ...(opts.expectReply
              ? {
                  reply: (r: string | undefined) => {
                    if (replied) return;
                    replied = true;
                    const forge = forgers.get(to);
                    resolve(r !== undefined && forge ? forge(r) : r);
                  },
                }
              : {}),
          };
          void runners.get(to)!.receive(inbound).then(() => {
            if (!opts.expectReply) resolve(undefined);
          });
        });
      }),
  });
  wire(layout, runners, link);
  return {
    runners,
    log,
    cell: (name) => runners.get(name)!,
    stop: (name) => void stopped.add(name),
    forgeReplies: (name, make) => void forgers.set(name, make),
    close: () => {
      for (const r of runners.values()) r.close();
    },
  };
}

/** One quiet runner per cell of `layout` (parent -> children), with `options(cell)`. */
export function runnersOf(layout: Record<string, string[]>, options: (cell: string) => Partial<RunnerOptions>): Map<string, MessageRunner> {
  const names = new Set<string>([...Object.keys(layout), ...Object.values(layout).flat()]);
  return new Map([...names].map((n) => [n, new MessageRunner({ name: n, logger: silentLogger, ...options(n) })]));
}

/** Gives every parent and child of `layout` a link to the other, as `link(from, to)` makes it. */
export function wire(layout: Record<string, string[]>, runners: Map<string, MessageRunner>, link: (from: string, to: string) => Link): void {
  for (const [parent, children] of Object.entries(layout)) {
    for (const child of children) {
      runners.get(parent)!.addNeighbour('child', child, link(parent, child));
      runners.get(child)!.addNeighbour('parent', parent, link(child, parent));
    }
  }
}
