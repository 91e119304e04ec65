/**
 * A cell's own free capacity (reference 1.3), computed from its compute nodes whose
 * nova-compute service exists, is enabled and is up (not forced down: simulated hosts
 * have no heartbeat to miss, so "down" is an operator's `forced_down`).
 *
 * Per host (nodes of one host summed, as for n:1 drivers), for each flavor size:
 * `floor(max(0, free - total * reserve_percent / 100) / per_instance)` units, keyed by the
 * flavor's memory_mb for RAM and by `(root_gb + ephemeral_gb) * 1024` for disk. A size of
 * 0 counts 0 units. `{}` when the cell has no usable host.
 */
import type { Capacities, Flavor } from '@cellwire/schema';
import type { Store } from './store/index.js';

/** nova's default flavors. */
export const DEFAULT_FLAVORS: readonly Flavor[] = Object.freeze([
  { id: 1, flavorid: '1', name: 'm1.tiny', memory_mb: 512, vcpus: 1, root_gb: 1, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, disabled: false },
  { id: 2, flavorid: '2', name: 'm1.small', memory_mb: 2048, vcpus: 1, root_gb: 20, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, disabled: false },
  { id: 3, flavorid: '3', name: 'm1.medium', memory_mb: 4096, vcpus: 2, root_gb: 40, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, disabled: false },
  { id: 4, flavorid: '4', name: 'm1.large', memory_mb: 8192, vcpus: 4, root_gb: 80, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, disabled: false },
  { id: 5, flavorid: '5', name: 'm1.xlarge', memory_mb: 16384, vcpus: 8, root_gb: 160, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, disabled: false },
]);

/** The reference's `[cells] reserve_percent` default. */
export const DEFAULT_RESERVE_PERCENT = 10;

interface HostTotals {
  free_ram_mb: number;
  free_disk_mb: number;
  total_ram_mb: number;
  total_disk_mb: number;
}

function freeUnits(total: number, free: number, perInstance: number, reserveLevel: number): number {
  if (!perInstance) return 0;
  const usable = Math.max(0, free - total * reserveLevel);
  return Math.floor(usable / perInstance);
}

/** The usable hosts of a store with their summed free and total RAM and disk (MB). */
export function usableHostTotals(store: Store): Map<string, HostTotals> {
  const services = new Map(store.services.list({ binary: 'nova-compute' }).map((s) => [s.host, s]));
  const hosts = new Map<string, HostTotals>();
  for (const node of store.computeNodes.list()) {
    if (node.host === null) continue;
    const service = services.get(node.host);
    if (!service || service.disabled || service.forced_down) continue;
    const t = hosts.get(node.host) ?? { free_ram_mb: 0, free_disk_mb: 0, total_ram_mb: 0, total_disk_mb: 0 };
    t.free_ram_mb += Math.max(0, node.free_ram_mb);
    t.free_disk_mb += Math.max(0, node.free_disk_gb) * 1024;
    t.total_ram_mb += Math.max(0, node.memory_mb);
    t.total_disk_mb += Math.max(0, node.local_gb) * 1024;
    hosts.set(node.host, t);
  }
  return hosts;
}

export function computeCapacities(store: Store, options: { reservePercent?: number; flavors?: readonly Flavor[] } = {}): Capacities {
  const hosts = usableHostTotals(store);
  if (hosts.size === 0) return {};
  const reserveLevel = (options.reservePercent ?? DEFAULT_RESERVE_PERCENT) / 100;
  const flavors = options.flavors ?? DEFAULT_FLAVORS;
  const ramSlots = [...new Set(flavors.map((f) => f.memory_mb))];
  const diskSlots = [...new Set(flavors.map((f) => (f.root_gb + f.ephemeral_gb) * 1024))];
  const ramUnits: Record<string, number> = {};
  const diskUnits: Record<string, number> = {};
  let ramFree = 0;
  let diskFree = 0;
  for (const h of hosts.values()) {
    ramFree += h.free_ram_mb;
    diskFree += h.free_disk_mb;
    for (const slot of ramSlots) ramUnits[String(slot)] = (ramUnits[String(slot)] ?? 0) + freeUnits(h.total_ram_mb, h.free_ram_mb, slot, reserveLevel);
    for (const slot of diskSlots) diskUnits[String(slot)] = (diskUnits[String(slot)] ?? 0) + freeUnits(h.total_disk_mb, h.free_disk_mb, slot, reserveLevel);
  }
  return {
    ram_free: { total_mb: ramFree, units_by_mb: ramUnits },
    disk_free: { total_mb: diskFree, units_by_mb: diskUnits },
  };
}
