/**
 * A cell's links measure their round-trip time (issue 17): `GET /v1/health` shows it per
 * link, and the runner sees it through the cell's link wrapper, so the calls it forwards say
 * how far home is (`reply_ms`).
 */
import { describe, expect, it } from 'vitest';
import { adminContext, silentLogger, type Envelope } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { novaCells } from '@cellwire/schema';
import { MemoryNetwork, type MemoryDelivery } from '@cellwire/transport-memory';
import { parseConfig } from '../src/config.js';
import { startCellService } from '../src/service.js';

const host = (name: string) => ({ name, vcpus: 8, memory_mb: 8192, local_gb: 100 });

describe('link latency in health', () => {
  it('shows each link its measured round trip once it has one, and forwards calls with reply_ms', async () => {
    const network = new MemoryNetwork({ delayMs: 20 });
    const common = { update_interval_s: 60, log_level: 'silent' };
    const top = await startCellService(parseConfig({ name: 'top', listen: 'memory://top', children: [{ name: 'kid', url: 'memory://kid' }], hosts: [host('top-h1')], ...common }), {
      network,
      logger: silentLogger,
    });
    const kid = await startCellService(parseConfig({ name: 'kid', listen: 'memory://kid', parents: [{ name: 'top', url: 'memory://top' }], hosts: [host('kid-h1')], ...common }), {
      network,
      logger: silentLogger,
    });
    try {
      const sent: MemoryDelivery[] = [];
      network.tap((d) => d.from === 'top' && d.options.expectReply && sent.push(d));
      // Casts and calls alike: each exchange is a sample.
      await top.runner.invoke('ask_children_for_capacities', adminContext(), {});
      const nova = createClient(novaCells, top.runner);
      for (let i = 0; i < 2; i++) expect((await nova.serviceGetAll(adminContext(), {})).filter((r) => r.failure)).toEqual([]);
      const link = top.health().links.find((l) => l.name === 'kid');
      expect(link?.latency).toMatchObject({ samples: expect.any(Number) });
      expect(link!.latency!.samples).toBeGreaterThanOrEqual(3);
      // 20 ms each way at least; the kid's own work is not in it.
      expect(link!.latency!.srtt_ms).toBeGreaterThanOrEqual(39);
      expect(link!.latency!.rttvar_ms).toBeGreaterThanOrEqual(0);
      // Calls made once the link has measured say how far home is.
      const replyMs = sent.map((d) => (JSON.parse(d.data) as Envelope).reply_ms);
      expect(replyMs).toHaveLength(2);
      expect(replyMs.every((ms) => ms !== undefined && ms >= 20)).toBe(true);
    } finally {
      await Promise.all([top.close(), kid.close()]);
    }
  });
});
