/**
 * Seeds a cell's hosts from its configuration: each host becomes a nova-compute service
 * and one compute node (its hypervisor), as if the host's nova-compute had started and
 * reported in. Idempotent: hosts already in the store keep their rows (and their state,
 * e.g. a host an operator disabled); only new hosts are added.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from './store/index.js';

/** One host of a cell's config (docs/cell-service.md, `hosts`). */
export interface HostConfig {
  name: string;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  /** Default `QEMU`. */
  hypervisor_type?: string;
  /** One integer, e.g. 2011000 for 2.11.0 (default 2011000). */
  hypervisor_version?: number;
  /** Seed the service disabled (default false). */
  disabled?: boolean;
}

/** nova's service version at stein-eol. */
export const SERVICE_VERSION = 35;

export function seedHosts(store: Store, hosts: HostConfig[], options: { now?: () => Date } = {}): void {
  const now = (options.now ?? (() => new Date()))().toISOString();
  store.transaction(() => {
    for (const h of hosts) {
      let service = store.services.getByComputeHost(h.name);
      if (!service) {
        service = store.services.create(
          {
            uuid: randomUUID(),
            host: h.name,
            binary: 'nova-compute',
            topic: 'compute',
            report_count: 0,
            disabled: h.disabled ?? false,
            disabled_reason: h.disabled ? 'disabled in the cell config' : null,
            forced_down: false,
            last_seen_up: now,
            version: SERVICE_VERSION,
            availability_zone: 'nova',
          },
          now,
        );
      }
      if (store.computeNodes.listByHost(h.name).length === 0) {
        store.computeNodes.create(
          {
            uuid: randomUUID(),
            host: h.name,
            hypervisor_hostname: h.name,
            hypervisor_type: h.hypervisor_type ?? 'QEMU',
            hypervisor_version: h.hypervisor_version ?? 2011000,
            vcpus: h.vcpus,
            memory_mb: h.memory_mb,
            local_gb: h.local_gb,
            vcpus_used: 0,
            memory_mb_used: 0,
            local_gb_used: 0,
            free_ram_mb: h.memory_mb,
            free_disk_gb: h.local_gb,
            current_workload: 0,
            running_vms: 0,
            disk_available_least: h.local_gb,
            service_id: service.id,
            cpu_info: JSON.stringify({ vendor: 'simulated', topology: { sockets: 1, cores: h.vcpus, threads: 1 } }),
            host_ip: null,
            cpu_allocation_ratio: 16,
            ram_allocation_ratio: 1.5,
            disk_allocation_ratio: 1,
            stats: {},
          },
          now,
        );
      }
      // A durable store may already hold instances on this host: count them in.
      store.computeNodes.refreshUsage(h.name, now);
    }
  });
}
