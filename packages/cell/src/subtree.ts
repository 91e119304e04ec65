/**
 * `GET /v1/tree`: the tree below a cell, read hop by hop, for the live page (`GET /ui`).
 *
 * Each cell answers with its own state and health, and asks each child reached over HTTP(S)
 * for that child's `/v1/tree` in turn, on the URL it already links to and signed with their
 * link secret (link-read.ts: the child needs no API token of its parent, and answers there
 * even when its API listens on an address of its own), so every cell is asked only by its own
 * parent, as messages travel. A child reached over memory or AMQP, or one that does not answer in time,
 * is drawn as its parent last heard from it: the capabilities and capacities it reported, when,
 * and whether it is mute; with the parent's link to it either way.
 *
 * The time allowed shrinks at each hop (`timeout_ms`, less a margin per hop), so a hung cell
 * deep down costs the page one slow branch, not the whole answer; `depth` stops a loop in a
 * miswired tree.
 */
import { readFileSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import type { Capabilities, Capacities } from '@cellwire/schema';
import type { TlsFiles } from './config.js';
import type { CellHealth, CellStateView, LinkHealth } from './service.js';

/** One cell of `GET /v1/tree`. */
export interface TreeCell {
  readonly name: string;
  /** Its path from the cell that was asked (`api-cell!child-cell1`). */
  readonly path: string;
  /** `self`: read from the cell itself; `parent`: as its parent last heard from it. */
  readonly source: 'self' | 'parent';
  /** Why a child reached over HTTP(S) could not be read itself. */
  readonly unreachable?: string;
  /** How its parent reaches it (absent at the root). */
  readonly transport?: 'memory' | 'http' | 'amqp';
  /** Where its HTTP API answers, when read from itself. */
  readonly api_url?: string | null;
  readonly ready?: boolean;
  readonly uptime_s?: number;
  /** Free capacity, its subtree included. */
  readonly capacities: Capacities;
  /** Its own hosts only, when read from itself. */
  readonly own_capacities?: Capacities;
  readonly capabilities: Capabilities;
  /** As its parent sees it: silent for longer than the parent's `mute_child_interval_s`. */
  readonly mute: boolean;
  /** When its parent last heard from it (ISO time), or null; absent at the root. */
  readonly last_seen?: string | null;
  /** Its parent's link to it (absent at the root). */
  readonly link?: LinkHealth;
  /** Its own children that it considers mute, when read from itself. */
  readonly mute_children?: readonly string[];
  /** Calls, aggregations and reply channels still open there, when read from itself. */
  readonly pending?: number;
  readonly children: readonly TreeCell[];
}

export interface SubtreeDeps {
  state(): CellStateView;
  health(): CellHealth;
  /** TLS files of each child reached over https, by name. */
  readonly childTls?: ReadonlyMap<string, TlsFiles>;
  /** The headers that make a read of `child` a cell-to-cell one (link-read.ts `linkReadHeaders`). */
  readHeaders?(child: string, method: string, pathAndQuery: string): Record<string, string>;
}

export interface TreeQuery {
  /** Time left for the whole answer (default 2000 ms, at most 30 s). */
  readonly timeoutMs?: number;
  /** Hops above this cell in the request (default 0). */
  readonly depth?: number;
}

/** Most hops a tree request goes down. */
export const MAX_TREE_DEPTH = 16;
/** What a hop keeps for itself out of the time it was given. */
const HOP_MARGIN_MS = 150;
const DEFAULT_TIMEOUT_MS = 2000;

/**
 * Reads trees below a cell; `close()` releases the connections it keeps to https children.
 *
 * @example
 * const trees = new SubtreeReader({ state, health });
 * const root = await trees.read({ timeoutMs: 2000 });
 */
export class SubtreeReader {
  private readonly agents = new Map<string, Dispatcher>();

  constructor(private readonly deps: SubtreeDeps) {}

  async read(query: TreeQuery = {}): Promise<TreeCell> {
    const started = Date.now();
    const timeoutMs = Math.min(Math.max(query.timeoutMs ?? DEFAULT_TIMEOUT_MS, 0), 30_000);
    const depth = query.depth ?? 0;
    const state = this.deps.state();
    const health = this.deps.health();
    const linkOf = new Map(health.links.filter((l) => l.side === 'child').map((l) => [l.name, l]));
    const children = await Promise.all(
      state.children.map(async (child): Promise<TreeCell> => {
        const link = linkOf.get(child.name);
        const reported: TreeCell = {
          name: child.name,
          path: `${state.name}!${child.name}`,
          source: 'parent',
          transport: child.transport,
          capacities: child.capacities,
          capabilities: child.capabilities,
          mute: child.mute ?? false,
          last_seen: child.last_seen,
          ...(link ? { link } : {}),
          children: [],
        };
        const url = child.urls[0];
        if (child.transport !== 'http' || !url) return reported;
        const left = timeoutMs - (Date.now() - started) - HOP_MARGIN_MS;
        if (depth + 1 > MAX_TREE_DEPTH) return { ...reported, unreachable: `not asked: deeper than ${MAX_TREE_DEPTH} hops` };
        if (left < 50) return { ...reported, unreachable: 'not asked: no time left' };
        try {
          const sub = await this.fetchTree(child.name, url, left, depth + 1);
          if (sub.name !== child.name) return { ...reported, unreachable: `${url} is cell ${sub.name}, not ${child.name}` };
          // The child's own view, with what only its parent knows about it.
          return { ...sub, path: reported.path, transport: child.transport, mute: reported.mute, last_seen: child.last_seen, ...(link ? { link } : {}), children: prefix(sub.children, state.name) };
        } catch (e) {
          return { ...reported, unreachable: (e as Error).message };
        }
      }),
    );
    return {
      name: state.name,
      path: state.name,
      source: 'self',
      api_url: state.api_url,
      ready: health.ready,
      uptime_s: health.uptime_s,
      capacities: state.capacities,
      own_capacities: state.own_capacities,
      capabilities: state.capabilities,
      mute: false,
      mute_children: state.mute_children,
      pending: health.runner.pending,
      children,
    };
  }

  private async fetchTree(name: string, base: string, timeoutMs: number, depth: number): Promise<TreeCell> {
    const url = `${base.replace(/\/+$/, '')}/v1/tree?timeout_ms=${Math.floor(timeoutMs)}&depth=${depth}`;
    const dispatcher = this.agentFor(name);
    const target = new URL(url);
    const headers = this.deps.readHeaders?.(name, 'GET', `${target.pathname}${target.search}`) ?? {};
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs), ...(dispatcher ? { dispatcher } : {}) });
    } catch (e) {
      const err = e as Error & { cause?: { message?: string }; code?: string };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new Error(`no answer from ${base} within ${Math.floor(timeoutMs)} ms`);
      throw new Error(`cannot reach ${base}: ${err.cause?.message ?? err.message}`);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      let why = '';
      try {
        const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
        if (typeof message === 'string') why = `: ${message.slice(0, 200)}`;
      } catch {
        // Not our JSON error: the status says enough.
      }
      throw new Error(`${base}/v1/tree answered HTTP ${res.statusCode}${why}`);
    }
    try {
      return JSON.parse(text) as TreeCell;
    } catch {
      throw new Error(`${base}/v1/tree did not answer JSON`);
    }
  }

  /** A dispatcher with the link's TLS files for an https child, else the default one. */
  private agentFor(name: string): Dispatcher | undefined {
    const tls = this.deps.childTls?.get(name);
    if (!tls) return undefined;
    let agent = this.agents.get(name);
    if (!agent) {
      const read = (f: string | undefined) => (f === undefined ? undefined : readFileSync(f, 'utf8'));
      agent = new Agent({ connect: { ...(tls.ca ? { ca: read(tls.ca) } : {}), ...(tls.cert ? { cert: read(tls.cert) } : {}), ...(tls.key ? { key: read(tls.key) } : {}) } });
      this.agents.set(name, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.allSettled(agents.map((a) => a.close()));
  }
}

/** A child's subtree, paths made relative to this cell. */
function prefix(cells: readonly TreeCell[], parent: string): TreeCell[] {
  return cells.map((c) => ({ ...c, path: `${parent}!${c.path}`, children: prefix(c.children, parent) }));
}
