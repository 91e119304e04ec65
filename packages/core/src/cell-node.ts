/**
 * A runner wired to the network: listens on its URLs and links to each neighbour through
 * the transport that the neighbour URL's scheme names, so one tree can mix transports.
 */
import { InvalidArgument } from './cell-errors.js';
import { MessageRunner, type RunnerOptions } from './runner.js';
import type { Link, ListenConfig, Listener, NeighbourConfig, Transport } from './transport.js';

export interface CellNodeOptions extends RunnerOptions {
  /** Transports available to this cell; each neighbour uses the one for its URL scheme. */
  readonly transports: readonly Transport[];
  /** Where this cell receives messages (one entry per transport it serves on). */
  readonly listen?: readonly Omit<ListenConfig, 'cell'>[];
  readonly parents?: readonly NeighbourConfig[];
  readonly children?: readonly NeighbourConfig[];
}

/** A running cell: its runner, listeners and links. */
export interface CellNode {
  readonly runner: MessageRunner;
  readonly listeners: readonly Listener[];
  /** Stops listening, fails open calls and closes links. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The transport serving a URL's scheme. */
export function transportFor(transports: readonly Transport[], url: string): Transport {
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
  const t = transports.find((x) => x.schemes.includes(scheme));
  if (!t) throw new InvalidArgument(`no transport for '${scheme}:' URLs (${url}); have ${transports.flatMap((x) => x.schemes).join(', ')}`);
  return t;
}

/**
 * @example
 * const node = await startCellNode({
 *   name: 'api-cell', handlers, transports: [net.transport()],
 *   listen: [{ url: 'memory://api-cell' }],
 *   children: [{ name: 'child-cell1', urls: ['memory://child-cell1'] }],
 * });
 */
export async function startCellNode(options: CellNodeOptions): Promise<CellNode> {
  const runner = new MessageRunner(options);
  const links: Link[] = [];
  const listeners: Listener[] = [];
  const close = async () => {
    await Promise.allSettled(listeners.map((l) => l.close()));
    runner.close();
    await Promise.allSettled(links.map((l) => l.close()));
  };
  try {
    for (const [side, list] of [['parent', options.parents ?? []], ['child', options.children ?? []]] as const) {
      for (const n of list) {
        const url = n.urls[0];
        if (!url) throw new InvalidArgument(`neighbour ${n.name} has no URL`);
        const link = transportFor(options.transports, url).connect(n, { cell: options.name });
        links.push(link);
        runner.addNeighbour(side, n.name, link);
      }
    }
    for (const l of options.listen ?? []) {
      listeners.push(await transportFor(options.transports, l.url).listen({ ...l, cell: options.name }, runner.receive));
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { runner, listeners, close, [Symbol.asyncDispose]: close };
}
