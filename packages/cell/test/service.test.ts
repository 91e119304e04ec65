/**
 * The cell service's lifecycle: start-up reports, the periodic report, state and health,
 * a clean close.
 */
import { describe, expect, it } from 'vitest';
import { adminContext, silentLogger } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { parseConfig } from '../src/config.js';
import { startCellService, type CellService } from '../src/service.js';
import { seedHosts } from '../src/compute.js';

const host = (name: string, memory_mb = 8192) => ({ name, vcpus: 8, memory_mb, local_gb: 100 });

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function pair(updateIntervalS = 60): Promise<{ top: CellService; child: CellService; network: MemoryNetwork }> {
  const network = new MemoryNetwork();
  const common = { update_interval_s: updateIntervalS, log_level: 'silent' };
  const top = await startCellService(
    parseConfig({ name: 'top', listen: 'memory://top', children: [{ name: 'kid', url: 'memory://kid' }], hosts: [host('top-h1')], capabilities: { hypervisor: ['kvm'] }, ...common }),
    { network, logger: silentLogger },
  );
  const child = await startCellService(
    parseConfig({ name: 'kid', listen: 'memory://kid', parents: [{ name: 'top', url: 'memory://top' }], hosts: [host('kid-h1')], capabilities: { hypervisor: ['xen'] }, ...common }),
    { network, logger: silentLogger },
  );
  return { top, child, network };
}

describe('startCellService', () => {
  it('tells its parent its capabilities and capacities on start', async () => {
    const { top, child } = await pair();
    try {
      await until(() => top.state().children[0]?.last_seen !== null);
      const state = top.state();
      expect(state).toMatchObject({ name: 'top', is_top: true, mute_children: [] });
      expect(state.capabilities).toEqual({ hypervisor: ['kvm', 'xen'] });
      expect(state.children[0]).toMatchObject({ name: 'kid', transport: 'memory', mute: false, capabilities: { hypervisor: ['xen'] } });
      expect(state.capacities.ram_free?.total_mb).toBe(2 * 8192);
      expect(state.own_capacities.ram_free?.total_mb).toBe(8192);
      expect(child.state()).toMatchObject({ is_top: false, parents: [{ name: 'top', urls: ['memory://top'] }] });
    } finally {
      await Promise.all([top.close(), child.close()]);
    }
  });

  it('reports again every update_interval_s', async () => {
    const { top, child } = await pair(0.05);
    try {
      await until(() => (top.state().capacities.ram_free?.total_mb ?? 0) === 2 * 8192);
      // A new host in the child: no one tells the top but the periodic report.
      seedHosts(child.store, [host('kid-h2', 4096)]);
      await until(() => (top.state().capacities.ram_free?.total_mb ?? 0) === 2 * 8192 + 4096, 3000);
    } finally {
      await Promise.all([top.close(), child.close()]);
    }
  });

  it('shows each link in health, and a stopped neighbour as failing', async () => {
    const { top, child, network } = await pair();
    try {
      await until(() => top.health().links[0]?.last_seen !== null);
      // The top started first: its first asks failed (kid was not listening yet), and say so.
      expect(top.health().links[0]).toMatchObject({ state: 'failing', failed: 2, last_error: 'Cell kid is unavailable: no cell kid listens on this network' });
      await top.runner.invoke('ask_children_for_capacities', adminContext(), {});
      const h = top.health();
      expect(h).toMatchObject({ ok: true, ready: true, name: 'top' });
      expect(h.links).toEqual([expect.objectContaining({ name: 'kid', side: 'child', transport: 'memory', state: 'ok', sent: 1, failed: 2 })]);
      network.stop('kid');
      await top.runner.invoke('ask_children_for_capacities', adminContext(), {});
      expect(top.health().links[0]).toMatchObject({ state: 'failing', sent: 1, failed: 3, last_error: 'Cell kid is unavailable: cell kid is stopped' });
    } finally {
      await Promise.all([top.close(), child.close()]);
    }
  });

  it('closes cleanly and only once', async () => {
    const { top, child } = await pair(0.01);
    await Promise.all([top.close(), child.close(), top.close()]);
    expect(top.health().ok).toBe(false);
    expect(top.store.isOpen).toBe(false);
    expect(top.runner.pendingCount()).toBe(0);
  });

  it('closes what it opened when the start fails', async () => {
    const network = new MemoryNetwork();
    const first = await startCellService(parseConfig({ name: 'dup', listen: 'http://127.0.0.1:0', log_level: 'silent' }), { network, logger: silentLogger });
    const port = new URL(first.url as string).port;
    try {
      await expect(
        startCellService(parseConfig({ name: 'dup2', listen: `http://127.0.0.1:${port}`, log_level: 'silent' }), { logger: silentLogger }),
      ).rejects.toThrow(/cannot listen on/);
    } finally {
      await first.close();
    }
  });
});
