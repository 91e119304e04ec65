/**
 * Services and compute nodes: the hosts of a cell, their state and their resource usage.
 */
import type { ComputeNode, ComputeNodeStats, Service } from '@cellwire/schema';
import { columns, type StatementCache, Table } from './table.js';

export const SERVICE_COLUMNS = columns(`
  id:int uuid:text host:text binary:text topic:text? report_count:int disabled:bool
  disabled_reason:text? forced_down:bool last_seen_up:time? created_at:time? updated_at:time?
  version:int availability_zone:text? deleted_at:time? deleted:bool
`);

export const COMPUTE_NODE_COLUMNS = columns(`
  id:int uuid:text host:text? hypervisor_hostname:text hypervisor_type:text hypervisor_version:int
  vcpus:int memory_mb:int local_gb:int vcpus_used:int memory_mb_used:int local_gb_used:int
  free_ram_mb:int free_disk_gb:int current_workload:int running_vms:int disk_available_least:int?
  service_id:int? cpu_info:text host_ip:text? cpu_allocation_ratio:real? ram_allocation_ratio:real?
  disk_allocation_ratio:real? stats:json created_at:time? updated_at:time? deleted_at:time? deleted:bool
`);

export interface ServiceListFilters {
  /** true: disabled only; false: enabled only; null or absent: both. */
  disabled?: boolean | null;
  binary?: string;
  host?: string;
}

export class ServiceRepo {
  readonly table: Table<Service>;
  constructor(private readonly sql: StatementCache) {
    this.table = new Table(sql, 'services', SERVICE_COLUMNS);
  }

  create(service: Partial<Service> & { host: string; binary: string }, now: string = new Date().toISOString()): Service {
    const id = this.table.insert({ created_at: now, updated_at: now, ...service });
    return this.get(id) as Service;
  }

  /** A live service by id. */
  get(id: number): Service | undefined {
    return this.table.first('id = ? AND deleted = 0', id);
  }

  getByHostAndBinary(host: string, binary: string): Service | undefined {
    return this.table.first('host = ? AND "binary" = ? AND deleted = 0 ORDER BY id', host, binary);
  }

  /** The nova-compute service of a host. */
  getByComputeHost(host: string): Service | undefined {
    return this.getByHostAndBinary(host, 'nova-compute');
  }

  /** Live services, in id order. */
  list(filters: ServiceListFilters = {}): Service[] {
    const where = ['deleted = 0'];
    const params: unknown[] = [];
    if (filters.disabled !== undefined && filters.disabled !== null) {
      where.push('disabled = ?');
      params.push(filters.disabled ? 1 : 0);
    }
    if (filters.binary !== undefined) {
      where.push('"binary" = ?');
      params.push(filters.binary);
    }
    if (filters.host !== undefined) {
      where.push('host = ?');
      params.push(filters.host);
    }
    return this.table.where(`${where.join(' AND ')} ORDER BY id`, ...params);
  }

  update(id: number, changes: Partial<Service>, now: string = new Date().toISOString()): Service | undefined {
    this.table.updateById(id, { updated_at: now, ...changes });
    return this.get(id);
  }

  /**
   * Soft-deletes a service, and the compute nodes of its host when it is a nova-compute
   * service (nova's service_destroy). Returns whether there was a live service.
   */
  destroy(id: number, now: string = new Date().toISOString()): boolean {
    const s = this.get(id);
    if (!s) return false;
    this.sql.get('UPDATE services SET deleted = 1, deleted_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
    if (s.binary === 'nova-compute') {
      this.sql.get('UPDATE compute_nodes SET deleted = 1, deleted_at = ? WHERE host = ? AND deleted = 0').run(now, s.host);
    }
    return true;
  }
}

interface UsageRow {
  node: string | null;
  mem: number;
  cpu: number;
  disk: number;
  n: number;
  busy: number;
}

export class ComputeNodeRepo {
  readonly table: Table<ComputeNode>;
  constructor(private readonly sql: StatementCache) {
    this.table = new Table(sql, 'compute_nodes', COMPUTE_NODE_COLUMNS);
  }

  create(node: Partial<ComputeNode> & { uuid: string; hypervisor_hostname: string }, now: string = new Date().toISOString()): ComputeNode {
    const id = this.table.insert({ created_at: now, updated_at: now, ...node });
    return this.get(id) as ComputeNode;
  }

  get(id: number): ComputeNode | undefined {
    return this.table.first('id = ? AND deleted = 0', id);
  }

  getByUuid(uuid: string): ComputeNode | undefined {
    return this.table.first('uuid = ? AND deleted = 0', uuid);
  }

  /** Live nodes, in id order. */
  list(): ComputeNode[] {
    return this.table.where('deleted = 0 ORDER BY id');
  }

  listByHost(host: string): ComputeNode[] {
    return this.table.where('host = ? AND deleted = 0 ORDER BY id', host);
  }

  /** Nodes whose hypervisor_hostname contains `match` (nova's compute_node_search_by_hypervisor). */
  searchByHypervisor(match: string): ComputeNode[] {
    const escaped = match.replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.table.where(`deleted = 0 AND hypervisor_hostname LIKE ? ESCAPE '\\' ORDER BY id`, `%${escaped}%`);
  }

  update(id: number, changes: Partial<ComputeNode>, now: string = new Date().toISOString()): ComputeNode | undefined {
    this.table.updateById(id, { updated_at: now, ...changes });
    return this.get(id);
  }

  /**
   * Sums over the nodes whose nova-compute service is enabled and not deleted (nova's
   * compute_node_statistics).
   */
  statistics(): ComputeNodeStats {
    const row = this.sql
      .get<Record<string, number | null>>(
        `SELECT COUNT(*) AS count, SUM(vcpus) AS vcpus, SUM(memory_mb) AS memory_mb, SUM(local_gb) AS local_gb,
                SUM(vcpus_used) AS vcpus_used, SUM(memory_mb_used) AS memory_mb_used, SUM(local_gb_used) AS local_gb_used,
                SUM(free_ram_mb) AS free_ram_mb, SUM(free_disk_gb) AS free_disk_gb, SUM(current_workload) AS current_workload,
                SUM(running_vms) AS running_vms, SUM(disk_available_least) AS disk_available_least
           FROM compute_nodes cn
          WHERE cn.deleted = 0
            AND EXISTS (SELECT 1 FROM services s WHERE s.host = cn.host AND s."binary" = 'nova-compute' AND s.disabled = 0 AND s.deleted = 0)`,
      )
      .get() as Record<string, number | null>;
    const n = (k: string) => Number(row[k] ?? 0);
    return {
      count: n('count'),
      vcpus: n('vcpus'),
      memory_mb: n('memory_mb'),
      local_gb: n('local_gb'),
      vcpus_used: n('vcpus_used'),
      memory_mb_used: n('memory_mb_used'),
      local_gb_used: n('local_gb_used'),
      free_ram_mb: n('free_ram_mb'),
      free_disk_gb: n('free_disk_gb'),
      current_workload: n('current_workload'),
      running_vms: n('running_vms'),
      disk_available_least: n('disk_available_least'),
    };
  }

  /**
   * Recomputes the usage of a host's nodes from what is on them (the resource tracker):
   * the flavors of its live instances, plus the old flavor of instances resized away from
   * it and not yet confirmed or reverted. Instances without a node count on the first node.
   */
  refreshUsage(host: string, now: string = new Date().toISOString()): void {
    const nodes = this.listByHost(host);
    if (nodes.length === 0) return;
    const live = this.sql
      .get<UsageRow>(
        `SELECT node, COALESCE(SUM(memory_mb), 0) AS mem, COALESCE(SUM(vcpus), 0) AS cpu,
                COALESCE(SUM(COALESCE(root_gb, 0) + COALESCE(ephemeral_gb, 0)), 0) AS disk, COUNT(*) AS n,
                SUM(CASE WHEN task_state IS NOT NULL THEN 1 ELSE 0 END) AS busy
           FROM instances WHERE host = ? AND deleted = 0 GROUP BY node`,
      )
      .all(host);
    const held = this.sql
      .get<UsageRow>(
        `SELECT m.source_node AS node,
                COALESCE(SUM(json_extract(i.old_flavor, '$.memory_mb')), 0) AS mem,
                COALESCE(SUM(json_extract(i.old_flavor, '$.vcpus')), 0) AS cpu,
                COALESCE(SUM(json_extract(i.old_flavor, '$.root_gb') + json_extract(i.old_flavor, '$.ephemeral_gb')), 0) AS disk,
                0 AS n, 0 AS busy
           FROM migrations m JOIN instances i ON i.uuid = m.instance_uuid
          WHERE m.source_compute = ? AND m.status = 'finished' AND m.deleted = 0 AND i.deleted = 0 AND i.old_flavor IS NOT NULL
          GROUP BY m.source_node`,
      )
      .all(host);
    const first = nodes[0] as ComputeNode;
    const usage = new Map(nodes.map((n) => [n.hypervisor_hostname, { mem: 0, cpu: 0, disk: 0, n: 0, busy: 0 }]));
    for (const r of [...live, ...held]) {
      const u = usage.get(r.node ?? '') ?? usage.get(first.hypervisor_hostname);
      if (!u) continue;
      u.mem += Number(r.mem);
      u.cpu += Number(r.cpu);
      u.disk += Number(r.disk);
      u.n += Number(r.n);
      u.busy += Number(r.busy);
    }
    for (const node of nodes) {
      const u = usage.get(node.hypervisor_hostname) as { mem: number; cpu: number; disk: number; n: number; busy: number };
      const freeDisk = node.local_gb - u.disk;
      const values: Partial<ComputeNode> = {
        memory_mb_used: u.mem,
        vcpus_used: u.cpu,
        local_gb_used: u.disk,
        free_ram_mb: node.memory_mb - u.mem,
        free_disk_gb: freeDisk,
        disk_available_least: freeDisk,
        running_vms: u.n,
        current_workload: u.busy,
      };
      const changed = Object.entries(values).some(([k, v]) => (node as unknown as Record<string, unknown>)[k] !== v);
      if (changed) this.table.updateById(node.id, { ...values, updated_at: now });
    }
  }
}
