/**
 * What a cell knows of its neighbours (reference 1.3): their links, and the capabilities
 * and capacities they report, from which ours are computed for our own parents.
 */
// @ts-nocheck

import { CellNotFound } from './cell-errors.js';
import type { Link } from './transport.js';

export type Side = 'parent' | 'child';

/** A cell's capabilities: name to values, e.g. `{ "hypervisor": ["kvm", "xen"], "os": ["linux"] }`. */
export type Capabilities = { [name: string]: string[] };

/** Free capacity of one resource, counted in MB and in whole instances of each flavor size. */
export interface CapacityUnits {
  total_mb: number;
  /** Flavor size in MB (as a string key) to the number of such instances that fit. */
  units_by_mb: { [mb: string]: number };
}

/** A cell's free capacity (its own plus its children's); `{}` when it has no usable hosts. */
export interface Capacities {
  /** Free RAM; units keyed by the flavor's `memory_mb`. */
  ram_free?: CapacityUnits;
  /** Free disk; units keyed by the flavor's `(root_gb + ephemeral_gb) * 1024`. */
  disk_free?: CapacityUnits;
}

export interface Neighbour {
  readonly name: string;
  readonly side: Side;
  readonly link: Link;
  capabilities: Capabilities;
  capacities: Capacities;
  /** When it last reported (ms since epoch); 0 = never. */
  lastSeen: number;
}

export interface NeighbourStateOptions {
  /** Our own capabilities, e.g. `{ hypervisor: ['kvm'] }`. */
  readonly capabilities?: Capabilities;
  /** Our own capacities, computed on demand (the cell service computes them from its hosts). */
  readonly capacities?: () => Capacities;
  /** A child silent for longer is mute: its capabilities are left out (default 300 s). */
  readonly muteChildIntervalMs?: number;
  readonly now?: () => number;
}

/** Parents, children, and what they told us. */
export class NeighbourState {
  readonly parents = new Map<string, Neighbour>();
  readonly children = new Map<string, Neighbour>();
  private readonly ourCapabilities: Capabilities;
  private readonly ourCapacities: () => Capacities;
  private readonly muteMs: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    options: NeighbourStateOptions = {},
  ) {
    this.ourCapabilities = normalizeCapabilities(options.capabilities ?? {});
    this.ourCapacities = options.capacities ?? (() => ({}));
    this.muteMs = options.muteChildIntervalMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  add(side: Side, name: string, link: Link): Neighbour {
    const n: Neighbour = { name, side, link, capabilities: {}, capacities: {}, lastSeen: 0 };
    (side === 'parent' ? this.parents : this.children).set(name, n);
    return n;
  }

  remove(name: string): void {
    this.parents.delete(name);
    this.children.delete(name);
  }

  /** A cell is at the top exactly when it has no parents. */
  isTop(): boolean {
    return this.parents.size === 0;
  }

  /** Children that have not reported within the mute interval. */
  muteChildren(): string[] {
    const cutoff = this.now() - this.muteMs;
    return [...this.children.values()].filter((c) => c.lastSeen < cutoff).map((c) => c.name);
  }

  isMute(child: Neighbour): boolean {
    return child.lastSeen < this.now() - this.muteMs;
  }

  /** Ours, plus the union of every child that is not mute. */
  getOurCapabilities(includeChildren = true): Capabilities {
    const sets = new Map<string, Set<string>>();
    const merge = (caps: Capabilities) => {
      for (const [k, values] of Object.entries(caps)) {
        const s = sets.get(k) ?? new Set<string>();
        for (const v of values) s.add(v);
        sets.set(k, s);
      }
    };
    merge(this.ourCapabilities);
    if (includeChildren) for (const c of this.children.values()) if (!this.isMute(c)) merge(c.capabilities);
    return Object.fromEntries([...sets].map(([k, s]) => [k, [...s].sort()]));
  }

  /** Ours, plus the numeric sum of every child's (mute children included, as in the reference). */
  getOurCapacities(includeChildren = true): Capacities {
    let total = structuredClone(this.ourCapacities()) as Record<string, unknown>;
    if (includeChildren) for (const c of this.children.values()) total = sumNumeric(total, c.capacities as Record<string, unknown>);
    return total as Capacities;
  }

  /** A child's report; false (and nothing stored) for a cell that is not our child. */
  updateCellCapabilities(name: string, capabilities: Capabilities): boolean {
    const c = this.children.get(name);
    if (!c) return false;
    c.capabilities = normalizeCapabilities(capabilities);
    c.lastSeen = this.now();
    return true;
  }

  updateCellCapacities(name: string, capacities: Capacities): boolean {
    const c = this.children.get(name);
    if (!c) return false;
    c.capacities = structuredClone(capacities);
    c.lastSeen = this.now();
    return true;
  }

  /** Ours when `cellName` is empty or ours, a child's when known, else CellNotFound. */
  getCapacities(cellName?: string): Capacities {
    if (!cellName || cellName === this.name) return this.getOurCapacities();
    const c = this.children.get(cellName);
    if (!c) throw new CellNotFound(cellName);
    return c.capacities;
  }
}

function normalizeCapabilities(caps: Capabilities): Capabilities {
  return Object.fromEntries(Object.entries(caps).map(([k, v]) => [k, [...new Set(v)].sort()]));
}

/** Adds numbers at the same place in two nested records; other values of `a` win. */
export function sumNumeric(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const mine = out[k];
    if (typeof v === 'number') out[k] = (typeof mine === 'number' ? mine : 0) + v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = sumNumeric(mine && typeof mine === 'object' ? (mine as Record<string, unknown>) : {}, v as Record<string, unknown>);
    } else if (!(k in out)) out[k] = v;
  }
  return out;
}
