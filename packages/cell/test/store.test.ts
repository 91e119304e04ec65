/**
 * The cell store: numbered migrations (once each, in a transaction, kept across reopens of
 * a file store), row mapping to the schema's types, cached statements, host seeding and
 * the capacity computation of reference 1.3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { adminContext, InstanceNotFound, silentLogger } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import type { Instance } from '@cellwire/schema';
import { applyMigrations, migrations } from '../src/store/index.js';
import { UnexpectedTaskStateError, UnexpectedVMStateError, computeCapacities, DEFAULT_FLAVORS, openStore, seedHosts, type HostConfig, type Store } from '../src/compute.js';
import { STATEMENT_CACHE_MAX } from '../src/store/table.js';
import { parseConfig } from '../src/config.js';
import { startCellService } from '../src/service.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cellwire-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (name: string, memory_mb = 32768, local_gb = 500, extra: Partial<HostConfig> = {}): HostConfig => ({ name, vcpus: 16, memory_mb, local_gb, ...extra });

describe('migrations', () => {
  it('applies every migration once, in order, and records it', () => {
    const store = openStore();
    expect(store.migratedNow).toEqual(migrations.map((m) => m.version));
    expect(store.appliedMigrations().map((m) => [m.version, m.name])).toEqual([
      [1, 'initial_schema'],
      [2, 'lookup_indexes'],
      [3, 'seen_messages_and_cast_outbox'],
    ]);
    store.close();
    expect(store.isOpen).toBe(false);
  });

  it('a file store reopened keeps its data and does not run its migrations again', () => {
    const file = path.join(dir, 'durable.db');
    const first = openStore(file);
    seedHosts(first, [host('h1')]);
    first.instances.create({ uuid: 'u-1', vm_state: 'active', metadata: { a: 'b' } });
    const applied = first.appliedMigrations();
    first.close();

    const again = openStore(file);
    expect(again.migratedNow).toEqual([]);
    expect(again.appliedMigrations()).toEqual(applied);
    expect(again.instances.get('u-1')).toMatchObject({ vm_state: 'active', metadata: { a: 'b' } });
    expect(again.services.list().map((s) => s.host)).toEqual(['h1']);
    again.close();
  });

  it('a later migration runs once on an existing database; a failing one leaves nothing behind', () => {
    const file = path.join(dir, 'later.db');
    openStore(file).close();
    const db = new Database(file);
    // Numbered after the last real migration, so adding one to the store does not break this.
    const next = migrations[migrations.length - 1]!.version + 1;
    const extra = { version: next, name: 'add_notes', up: (d: Database) => void d.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)') };
    expect(applyMigrations(db, [...migrations, extra])).toEqual([next]);
    expect(applyMigrations(db, [...migrations, extra])).toEqual([]);
    const broken = {
      version: next + 1,
      name: 'broken',
      up: (d: Database) => {
        d.exec('CREATE TABLE half_done (id INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => applyMigrations(db, [...migrations, extra, broken])).toThrow('boom');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    expect(db.prepare<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations').get()!.v).toBe(next);
    expect(() => applyMigrations(db, [extra, ...migrations])).toThrow('out of order');
    db.close();
  });
});

describe('store', () => {
  it('maps rows to the domain types: JSON columns, booleans, nullable fields', () => {
    const store = openStore();
    const created = store.instances.create({
      uuid: 'u-1',
      vm_state: 'active',
      locked: true,
      flavor: DEFAULT_FLAVORS[0]!,
      metadata: { k: 'v' },
      info_cache: { network_info: [{ id: 'vif' }] },
      security_groups: [{ name: 'default' }],
      updated_at: '2019-04-04T12:00:00Z',
    });
    expect(created).toMatchObject({ locked: true, auto_disk_config: false, flavor: DEFAULT_FLAVORS[0], metadata: { k: 'v' }, host: null, task_state: null });
    // Times are kept in one form, so text order is time order.
    expect(created.updated_at).toBe('2019-04-04T12:00:00.000Z');
    const partial = store.instances.create({ uuid: 'u-2' });
    // Not set and not nullable in the domain type: left out, as a partial instance.
    expect(partial).not.toHaveProperty('vm_state');
    expect(partial).not.toHaveProperty('flavor');
    expect(partial).toMatchObject({ uuid: 'u-2', power_state: 0, metadata: {}, deleted: false });
    store.close();
  });

  it('saves with expected states, soft-deletes with the rows that go with an instance', () => {
    const store = openStore();
    store.instances.create({ uuid: 'u-1', vm_state: 'active', task_state: null });
    store.bdms.create({ instance_uuid: 'u-1', device_name: '/dev/vda' });
    expect(() => store.instances.update('u-1', { vm_state: 'building' }, { expectedVmState: ['building', null] })).toThrow(UnexpectedVMStateError);
    expect(() => store.instances.update('u-1', { task_state: 'x' }, { expectedTaskState: ['resize_prep'] })).toThrow(UnexpectedTaskStateError);
    expect(store.instances.update('u-1', { task_state: 'rebooting' }, { expectedTaskState: [null] }).task_state).toBe('rebooting');
    expect(() => store.instances.update('nope', {})).toThrow(InstanceNotFound);
    expect(store.instances.destroy('u-1')).toMatchObject({ deleted: true });
    expect(store.instances.get('u-1')).toBeUndefined();
    expect(store.bdms.listByInstance('u-1')).toEqual([]);
    // read_deleted: a destroyed instance can still be updated.
    expect(store.instances.update('u-1', { display_name: 'late' }, { readDeleted: true }).display_name).toBe('late');
    expect(store.instances.destroy('u-1')).toBeUndefined();
    store.close();
  });

  it('lists instances in pages, filtered', () => {
    const store = openStore();
    for (let i = 0; i < 5; i++) store.instances.create({ uuid: `u-${i}`, project_id: i % 2 ? 'p1' : 'p2', updated_at: `2019-01-0${i + 1}T00:00:00Z` });
    store.instances.destroy('u-0');
    const page1 = store.instances.list({ limit: 2 });
    expect(page1.map((i) => i.uuid)).toEqual(['u-1', 'u-2']);
    const last = page1[1]!;
    expect(store.instances.list({ limit: 2, after: { deleted: false, id: last.id } }).map((i) => i.uuid)).toEqual(['u-3', 'u-4']);
    expect(store.instances.list({ limit: 2, after: { deleted: false, id: 5 } }).map((i) => i.uuid)).toEqual(['u-0']);
    expect(store.instances.list({ project_id: 'p1' }).map((i) => i.uuid)).toEqual(['u-1', 'u-3']);
    expect(store.instances.list({ deleted: false, changes_since: '2019-01-04' }).map((i) => i.uuid)).toEqual(['u-3', 'u-4']);
    store.close();
  });

  it('prepares each statement once', () => {
    const store = openStore();
    store.instances.create({ uuid: 'u-1', vm_state: 'active' });
    store.instances.get('u-1');
    store.instances.update('u-1', { task_state: null });
    const prepared = store.preparedStatements();
    for (let i = 0; i < 50; i++) {
      store.instances.get('u-1');
      store.instances.update('u-1', { task_state: null });
    }
    expect(store.preparedStatements()).toBe(prepared);
    store.close();
  });
});

describe('the statement cache is bounded', () => {
  // Fields of an instance a child may send in instance_update_at_top, with a value of each.
  const FIELDS: Record<string, (i: number) => unknown> = {
    host: (i) => `h${i}`, node: (i) => `n${i}`, launched_on: (i) => `h${i}`, vm_state: () => 'active', task_state: () => null,
    power_state: (i) => i % 5, display_name: (i) => `vm-${i}`, display_description: () => 'd', hostname: (i) => `vm${i}`,
    image_ref: () => 'img', kernel_id: () => 'k', ramdisk_id: () => 'r', instance_type_id: () => 1, memory_mb: () => 512,
    vcpus: () => 1, root_gb: () => 1, ephemeral_gb: () => 0, metadata: (i) => ({ k: String(i) }), system_metadata: () => ({}),
    user_data: () => null, project_id: () => 'p', user_id: () => 'u', key_name: () => 'key', reservation_id: () => 'r-1',
    launch_index: () => 0, availability_zone: () => 'az', locked: (i) => i % 2 === 0, os_type: () => 'linux',
    architecture: () => 'x86_64', vm_mode: () => 'hvm', root_device_name: () => '/dev/vda', config_drive: () => '',
    access_ip_v4: () => '10.0.0.1', access_ip_v6: () => null, auto_disk_config: () => false, progress: (i) => i % 100,
    shutdown_terminate: () => false, disable_terminate: () => false, tags: () => ['t'], launched_at: () => '2024-01-01T00:00:00Z',
  };
  const names = Object.keys(FIELDS);
  // A seeded generator: the same field sets on every run.
  let seed = 13;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const randomInstance = (uuid: string, i: number): Instance => {
    const out: Record<string, unknown> = { uuid };
    for (const n of names) if (random() < 0.4) out[n] = FIELDS[n]?.(i);
    return out as unknown as Instance;
  };

  it('holds at most STATEMENT_CACHE_MAX statements, whatever field sets the store is given', () => {
    const store = openStore();
    for (let i = 0; i < 600; i++) {
      const uuid = `u-${i % 50}`;
      const inst = randomInstance(uuid, i);
      if (!store.instances.get(uuid, { readDeleted: true })) store.instances.create(inst);
      else store.instances.update(uuid, inst, { readDeleted: true });
    }
    expect(store.instances.count()).toBe(50);
    expect(STATEMENT_CACHE_MAX).toBeLessThanOrEqual(64);
    expect(store.preparedStatements()).toBeLessThanOrEqual(STATEMENT_CACHE_MAX);
    store.close();
  });

  it('instance_update_at_top casts with random field sets leave the top cell\'s cache bounded', async () => {
    const network = new MemoryNetwork();
    const common = { log_level: 'silent', update_interval_s: 3600 };
    const top = await startCellService(parseConfig({ name: 'top', listen: 'memory://top', children: [{ name: 'kid', url: 'memory://kid' }], ...common }), { network, logger: silentLogger });
    const kid = await startCellService(parseConfig({ name: 'kid', listen: 'memory://kid', parents: [{ name: 'top', url: 'memory://top' }], ...common }), { network, logger: silentLogger });
    try {
      const N = 400;
      for (let i = 0; i < N; i++) {
        // New instances (an INSERT of their fields) and updates of earlier ones.
        const uuid = `00000000-0000-4000-8000-${String(i % 200).padStart(12, '0')}`;
        await kid.runner.invoke('instance_update_at_top', adminContext(), { instance: randomInstance(uuid, i) });
      }
      const end = Date.now() + 10_000;
      while (top.store.instances.count() < 200 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(top.store.instances.count()).toBe(200);
      expect(top.store.preparedStatements()).toBeLessThanOrEqual(STATEMENT_CACHE_MAX);
    } finally {
      await Promise.all([top.close(), kid.close()]);
    }
  });
});

describe('seedHosts', () => {
  it('makes a nova-compute service and a compute node per host, and keeps existing rows when run again', () => {
    const store = openStore();
    seedHosts(store, [host('h1'), host('h2', 16384, 200, { hypervisor_type: 'xen', disabled: true })]);
    expect(store.services.list().map((s) => [s.host, s.binary, s.topic, s.disabled])).toEqual([
      ['h1', 'nova-compute', 'compute', false],
      ['h2', 'nova-compute', 'compute', true],
    ]);
    expect(store.computeNodes.list()).toMatchObject([
      { host: 'h1', hypervisor_hostname: 'h1', hypervisor_type: 'QEMU', memory_mb: 32768, free_ram_mb: 32768, local_gb: 500, service_id: 1 },
      { host: 'h2', hypervisor_type: 'xen', memory_mb: 16384, service_id: 2 },
    ]);
    const svc = store.services.getByComputeHost('h1')!;
    store.services.update(svc.id, { disabled: true, disabled_reason: 'operator' });
    const nodes = store.computeNodes.list();
    seedHosts(store, [host('h1', 99999), host('h3')]);
    expect(store.services.getByComputeHost('h1')).toMatchObject({ id: svc.id, disabled: true, disabled_reason: 'operator' });
    expect(store.computeNodes.list().slice(0, 2)).toEqual(nodes);
    expect(store.services.list().map((s) => s.host)).toEqual(['h1', 'h2', 'h3']);
    store.close();
  });
});

describe('computeCapacities (reference 1.3)', () => {
  const one = (reservePercent: number, setup: (s: Store) => void = () => undefined) => {
    const store = openStore();
    seedHosts(store, [host('h1')]);
    setup(store);
    const c = computeCapacities(store, { reservePercent });
    store.close();
    return c;
  };

  it('no hosts: {}', () => {
    const store = openStore();
    expect(computeCapacities(store, {})).toEqual({});
    store.close();
  });

  it('no reserve', () => {
    expect(one(0)).toEqual({
      ram_free: { total_mb: 32768, units_by_mb: { '512': 64, '2048': 16, '4096': 8, '8192': 4, '16384': 2 } },
      disk_free: { total_mb: 512000, units_by_mb: { '1024': 500, '20480': 25, '40960': 12, '81920': 6, '163840': 3 } },
    });
  });

  it('full reserve', () => {
    const c = one(100);
    expect(c.ram_free).toEqual({ total_mb: 32768, units_by_mb: { '512': 0, '2048': 0, '4096': 0, '8192': 0, '16384': 0 } });
    expect(Object.values(c.disk_free!.units_by_mb).every((n) => n === 0)).toBe(true);
  });

  it('partial reserve (the default 10%)', () => {
    expect(one(10)).toEqual({
      ram_free: { total_mb: 32768, units_by_mb: { '512': 57, '2048': 14, '4096': 7, '8192': 3, '16384': 1 } },
      disk_free: { total_mb: 512000, units_by_mb: { '1024': 450, '20480': 22, '40960': 11, '81920': 5, '163840': 2 } },
    });
    const store = openStore();
    seedHosts(store, [host('h1')]);
    expect(computeCapacities(store, {})).toEqual(one(10));
    store.close();
  });

  it('counts only hosts whose service is enabled and up; usage lowers what is free', () => {
    const store = openStore();
    seedHosts(store, [host('h1'), host('h2'), host('h3')]);
    store.services.update(store.services.getByComputeHost('h2')!.id, { disabled: true });
    store.services.update(store.services.getByComputeHost('h3')!.id, { forced_down: true });
    expect(computeCapacities(store, { reservePercent: 0 }).ram_free!.total_mb).toBe(32768);
    const f = DEFAULT_FLAVORS[3]!;
    store.instances.create({ uuid: 'u', host: 'h1', vm_state: 'active', flavor: f, memory_mb: f.memory_mb, vcpus: f.vcpus, root_gb: f.root_gb, ephemeral_gb: 0 });
    store.computeNodes.refreshUsage('h1');
    expect(computeCapacities(store, { reservePercent: 0 }).ram_free).toEqual({ total_mb: 32768 - 8192, units_by_mb: { '512': 48, '2048': 12, '4096': 6, '8192': 3, '16384': 1 } });
    store.services.destroy(store.services.getByComputeHost('h1')!.id);
    expect(computeCapacities(store, {})).toEqual({});
    store.close();
  });

  it('sums the nodes of one host (n:1 drivers) and uses the flavors given', () => {
    const store = openStore();
    seedHosts(store, [host('h1', 1536)]);
    store.computeNodes.create({ uuid: 'node-2', host: 'h1', hypervisor_hostname: 'h1-node2', hypervisor_type: 'ironic', vcpus: 1, memory_mb: 1536, local_gb: 10, free_ram_mb: 1536, free_disk_gb: 10 });
    const flavors = [{ ...DEFAULT_FLAVORS[1]!, ephemeral_gb: 0, root_gb: 0 }];
    // 1536 + 1536 on one host hold one 2048 MB instance; neither node alone would.
    expect(computeCapacities(store, { reservePercent: 0, flavors })).toEqual({
      ram_free: { total_mb: 3072, units_by_mb: { '2048': 1 } },
      disk_free: { total_mb: 510 * 1024, units_by_mb: { '0': 0 } },
    });
    store.close();
  });
});
