/**
 * Structured logs: the pino-backed Logger writes JSON lines with the cell's name, and every
 * line logged for a call carries its request id, trace id and method.
 */
import { describe, expect, it } from 'vitest';
import { adminContext, makeContext } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { parseConfig } from '../src/config.js';
import { createCellLogger, traceIdOf, withLogFields } from '../src/log.js';
import { startCellService, type CellService } from '../src/service.js';

type Line = Record<string, unknown> & { level: string; msg: string; cell: string; time: string };

/** A logger whose JSON lines land in `lines`. */
function captured(cell: string, level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'debug') {
  const lines: Line[] = [];
  const raw: string[] = [];
  const logger = createCellLogger({
    cell,
    level,
    destination: {
      write(s: string) {
        raw.push(s);
        lines.push(JSON.parse(s) as Line);
      },
    },
  });
  return { logger, lines, raw };
}

async function pair(levels: { top?: 'debug' | 'info'; kid?: 'debug' | 'info' } = {}) {
  const network = new MemoryNetwork();
  const top = captured('top', levels.top ?? 'debug');
  const kid = captured('kid', levels.kid ?? 'debug');
  const common = { update_interval_s: 3600 };
  const cells: CellService[] = [
    await startCellService(parseConfig({ name: 'top', listen: 'memory://top', children: [{ name: 'kid', url: 'memory://kid' }], ...common }), {
      network,
      logger: top.logger,
      announce: false,
    }),
    await startCellService(
      parseConfig({ name: 'kid', listen: 'memory://kid', parents: [{ name: 'top', url: 'memory://top' }], hosts: [{ name: 'kid-h1', vcpus: 4, memory_mb: 4096, local_gb: 40 }], ...common }),
      { network, logger: kid.logger, announce: false },
    ),
  ];
  return { network, top, kid, cells, close: () => Promise.all(cells.map((c) => c.close())) };
}

describe('structured logs', () => {
  it('a handled call logs a JSON line with cell, method, request_id and trace_id', async () => {
    const t = await pair();
    try {
      const ctxt = makeContext({ request_id: 'req-log-1' });
      const r = await t.cells[0]?.runner.invoke('get_host_uptime', ctxt, { cell_name: 'top!kid', host_name: 'kid-h1' });
      expect(r).toMatchObject({ failure: false });
      // Every line is one JSON object.
      for (const s of t.kid.raw) expect(s.endsWith('\n') && !s.slice(0, -1).includes('\n')).toBe(true);
      const handled = t.kid.lines.find((l) => l.msg === 'handled get_host_uptime');
      expect(handled).toMatchObject({
        level: 'debug',
        cell: 'kid',
        method: 'get_host_uptime',
        request_id: 'req-log-1',
        stage: 'handler',
        route: 'top!kid',
        outcome: 'ok',
      });
      expect(handled?.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(Date.parse(handled?.time ?? '')).not.toBeNaN();
      // The origin logs the same call, with the same ids: one trace across the two cells.
      const called = t.top.lines.find((l) => l.msg === 'called get_host_uptime');
      expect(called).toMatchObject({ cell: 'top', method: 'get_host_uptime', request_id: 'req-log-1', stage: 'origin', route: 'top -> top!kid', outcome: 'ok' });
      expect(called?.trace_id).toBe(handled?.trace_id);
    } finally {
      await t.close();
    }
  });

  it('a failed handler logs at info, with the error code', async () => {
    const t = await pair({ kid: 'info' });
    try {
      await t.cells[0]?.runner.invoke('get_host_uptime', makeContext({ request_id: 'req-log-2' }), { cell_name: 'top!kid', host_name: 'nope' });
      expect(t.kid.lines.map((l) => l.level)).not.toContain('debug');
      expect(t.kid.lines).toEqual([
        expect.objectContaining({ level: 'info', cell: 'kid', method: 'get_host_uptime', request_id: 'req-log-2', outcome: 'not_found', msg: expect.stringMatching(/^handled get_host_uptime: Compute host nope could not be found/) }),
      ]);
    } finally {
      await t.close();
    }
  });

  it("the runner's own lines inside a call carry the call's ids", async () => {
    const t = await pair();
    try {
      t.network.stop('kid');
      await t.cells[0]?.runner.invoke('ask_children_for_capacities', adminContext({ request_id: 'req-log-3' }), {});
      // Logged by core's runner, which knows nothing of request ids: the cell's logger adds them.
      const warn = t.top.lines.find((l) => l.level === 'warn' && /^cast announce_capacities to top!kid failed/.test(l.msg));
      // The line is about the cast it failed to send (its own method), tied to the call by request_id.
      expect(warn).toMatchObject({ cell: 'top', request_id: 'req-log-3', method: 'announce_capacities', code: 'unavailable' });
      expect(warn?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await t.close();
    }
  });

  it('keeps log_level: nothing below it, nothing at all when silent', () => {
    const info = captured('c', 'info');
    info.logger.debug('hidden');
    info.logger.info('shown', { n: 1 });
    expect(info.lines).toEqual([expect.objectContaining({ level: 'info', cell: 'c', msg: 'shown', n: 1 })]);
    const silent = captured('c', 'silent');
    silent.logger.error('hidden');
    expect(silent.raw).toEqual([]);
  });

  it("a line's own fields win over the call's", () => {
    const c = captured('c');
    withLogFields({ request_id: 'req-outer', method: 'm' }, () => c.logger.info('x', { request_id: 'req-own' }));
    expect(c.lines[0]).toMatchObject({ request_id: 'req-own', method: 'm' });
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('garbage')).toBeUndefined();
  });
});
