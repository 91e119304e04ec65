/**
 * `GET /metrics`, `GET /v1/recent` and the observing interceptor: after known traffic between
 * two cells, a scrape counts exactly those calls, links, dedupe hits and late answers, and
 * its text survives a round trip through a strict Prometheus text parser.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminContext, CellwireError, encodeEnvelope, makeContext, RESPONSE_METHOD, silentLogger, type Envelope, type Interceptor } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { parseConfig } from '../src/config.js';
import { startCellService, type CellService } from '../src/service.js';
import type { RecentCall } from '../src/recent.js';
import { parsePromText, renderPromText, sampleValue, samplesOf, type Family } from './prom-text.js';

const host = (name: string) => ({ name, vcpus: 8, memory_mb: 8192, local_gb: 100 });

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('metrics of a two-cell tree after known traffic', () => {
  const network = new MemoryNetwork();
  let top: CellService;
  let kid: CellService;
  let topText: string;
  let kidText: string;
  let topMetrics: Family[];
  let kidMetrics: Family[];

  beforeAll(async () => {
    // No announcements and no periodic report: only the traffic below moves.
    const common = { update_interval_s: 3600, log_level: 'silent' };
    top = await startCellService(
      parseConfig({ name: 'top', listen: 'memory://top', children: [{ name: 'kid', url: 'memory://kid' }], ...common }),
      { network, logger: silentLogger, announce: false },
    );
    kid = await startCellService(
      parseConfig({ name: 'kid', listen: 'memory://kid', parents: [{ name: 'top', url: 'memory://top' }], hosts: [host('kid-h1')], ...common }),
      { network, logger: silentLogger, announce: false },
    );
    const ctxt = adminContext();
    // 2 targeted calls that succeed, 1 whose handler fails (no such host), 1 that cannot be routed.
    await top.runner.invoke('get_host_uptime', ctxt, { cell_name: 'top!kid', host_name: 'kid-h1' });
    await top.runner.invoke('get_host_uptime', ctxt, { cell_name: 'top!kid', host_name: 'kid-h1' });
    await top.runner.invoke('get_host_uptime', ctxt, { cell_name: 'top!kid', host_name: 'nope' });
    await top.runner.invoke('get_host_uptime', ctxt, { cell_name: 'top!elsewhere', host_name: 'h' });
    // 1 broadcast that reaches both cells.
    await top.runner.invoke('service_get_all', makeContext({ request_id: 'req-broadcast-1' }), {});

    // A message redelivered to kid (as a cast: no one waits for its answer): it runs once,
    // the second copy is a dedupe hit.
    const cast: Envelope = {
      message_type: 'targeted',
      ctxt,
      method_name: 'get_host_uptime',
      method_kwargs: { cell_name: 'top!kid', host_name: 'kid-h1' },
      direction: 'down',
      need_response: false,
      fanout: false,
      uuid: randomUUID(),
      routing_path: 'top',
      hop_count: 1,
      max_hop_count: 10,
      target_cell: 'top!kid',
    };
    await kid.runner.receive({ data: encodeEnvelope(cast), from: 'top' });
    await kid.runner.receive({ data: encodeEnvelope(cast), from: 'top' });
    // An answer for a call top no longer waits for: a late response.
    const late: Envelope = {
      message_type: 'response',
      ctxt,
      method_name: RESPONSE_METHOD,
      method_kwargs: { responses: [] },
      direction: 'up',
      need_response: false,
      fanout: false,
      uuid: randomUUID(),
      routing_path: 'kid',
      hop_count: 0,
      max_hop_count: 10,
      target_cell: 'kid!top',
      response_uuid: randomUUID(),
    };
    await top.runner.receive({ data: encodeEnvelope(late), from: 'kid' });

    // The child stops: the next call fails on the link at once.
    network.stop('kid');
    await top.runner.invoke('get_host_uptime', ctxt, { cell_name: 'top!kid', host_name: 'kid-h1' });
    await until(() => top.runner.pendingCount() === 0 && kid.runner.pendingCount() === 0);

    topText = await top.metrics.text();
    kidText = await kid.metrics.text();
    topMetrics = parsePromText(topText);
    kidMetrics = parsePromText(kidText);
  });

  afterAll(async () => {
    await Promise.all([top?.close(), kid?.close()]);
  });

  it('is valid Prometheus text that round-trips through a strict parser', () => {
    for (const [text, families] of [
      [topText, topMetrics],
      [kidText, kidMetrics],
    ] as const) {
      expect(renderPromText(families)).toBe(text);
      expect(parsePromText(renderPromText(families))).toEqual(families);
      // Every family says what it is.
      for (const f of families) {
        expect(f.help, f.name).toBeTruthy();
        expect(f.type, f.name).toMatch(/^(counter|gauge|histogram)$/);
      }
      // One registry per cell: each scrape shows its own cell only.
      const cells = new Set(families.flatMap((f) => f.samples.map((s) => Object.fromEntries(s.labels).cell)));
      expect(cells.size).toBe(1);
    }
  });

  it('counts every call made at the origin, by method and outcome', () => {
    const calls = samplesOf(topMetrics, 'cellwire_calls_total').filter((s) => s.labels.stage === 'origin');
    expect(calls.map((s) => ({ method: s.labels.method, outcome: s.labels.outcome, n: s.value })).sort((a, b) => `${a.method}${a.outcome}`.localeCompare(`${b.method}${b.outcome}`))).toEqual([
      { method: 'get_host_uptime', outcome: 'not_found', n: 1 },
      { method: 'get_host_uptime', outcome: 'ok', n: 2 },
      { method: 'get_host_uptime', outcome: 'routing_inconsistency', n: 1 },
      { method: 'get_host_uptime', outcome: 'unavailable', n: 1 },
      { method: 'service_get_all', outcome: 'ok', n: 1 },
    ]);
    for (const s of calls) expect(s.labels.cell).toBe('top');
    // The histogram counts the same calls.
    expect(sampleValue(topMetrics, 'cellwire_call_duration_seconds_count', { stage: 'origin', method: 'get_host_uptime', outcome: 'ok' })).toBe(2);
    expect(sampleValue(topMetrics, 'cellwire_call_duration_seconds_bucket', { stage: 'origin', method: 'get_host_uptime', outcome: 'ok', le: '+Inf' })).toBe(2);
    expect(sampleValue(topMetrics, 'cellwire_call_duration_seconds_sum', { stage: 'origin', method: 'get_host_uptime', outcome: 'ok' })).toBeGreaterThan(0);
  });

  it('counts every handler run, where it ran', () => {
    const handlers = (f: Family[]) =>
      samplesOf(f, 'cellwire_calls_total')
        .filter((s) => s.labels.stage === 'handler')
        .map((s) => `${s.labels.method} ${s.labels.outcome} ${s.value}`)
        .sort();
    expect(handlers(topMetrics)).toEqual(['service_get_all ok 1']);
    // The redelivered cast ran once.
    expect(handlers(kidMetrics)).toEqual(['get_host_uptime not_found 1', 'get_host_uptime ok 3', 'service_get_all ok 1']);
    expect(sampleValue(kidMetrics, 'cellwire_call_duration_seconds_count', { stage: 'handler', method: 'get_host_uptime', outcome: 'ok' })).toBe(3);
  });

  it("counts each link's sends and failures, with its state", () => {
    const link = { neighbour: 'kid', side: 'child', transport: 'memory' };
    // 3 targeted calls and 1 broadcast went through; the call after the stop failed.
    expect(sampleValue(topMetrics, 'cellwire_link_sent_total', link)).toBe(4);
    expect(sampleValue(topMetrics, 'cellwire_link_failed_total', link)).toBe(1);
    expect(sampleValue(topMetrics, 'cellwire_link_in_flight', link)).toBe(0);
    expect(sampleValue(topMetrics, 'cellwire_link_state', { ...link, state: 'failing' })).toBe(1);
    expect(sampleValue(topMetrics, 'cellwire_link_state', { ...link, state: 'ok' })).toBe(0);
    // kid never reported (announcements are off): mute.
    expect(sampleValue(topMetrics, 'cellwire_child_mute', { neighbour: 'kid' })).toBe(1);
    // Answers came back on the same exchange: kid sent nothing of its own to top.
    expect(sampleValue(kidMetrics, 'cellwire_link_sent_total', { neighbour: 'top', side: 'parent' })).toBe(0);
    expect(sampleValue(kidMetrics, 'cellwire_link_state', { neighbour: 'top', state: 'idle' })).toBe(1);
    // The same numbers as the health page.
    expect(top.health().links[0]).toMatchObject({ sent: 4, failed: 1, in_flight: 0, state: 'failing' });
  });

  it('reports pending calls, dedupe hits and late responses from the runner', () => {
    expect(sampleValue(topMetrics, 'cellwire_runner_pending')).toBe(0);
    expect(sampleValue(kidMetrics, 'cellwire_duplicates_total')).toBe(1);
    expect(sampleValue(topMetrics, 'cellwire_duplicates_total')).toBe(0);
    expect(sampleValue(topMetrics, 'cellwire_late_responses_total')).toBe(1);
    expect(sampleValue(topMetrics, 'cellwire_messages_sent_total')).toBe(top.runner.stats.sent);
    expect(sampleValue(kidMetrics, 'cellwire_messages_received_total')).toBe(kid.runner.stats.received);
    expect(sampleValue(topMetrics, 'cellwire_cast_failures_total')).toBe(0);
    // No AMQP transport: its families are declared, with no series.
    expect(samplesOf(topMetrics, 'cellwire_amqp_connection_state')).toEqual([]);
  });

  it('keeps the recent calls with their routes, newest first', () => {
    const recent = top.recent.list();
    const origin = recent.filter((r) => r.stage === 'origin');
    expect(origin.map((r) => `${r.method} ${r.route} ${r.outcome}`)).toEqual([
      'get_host_uptime top -> top!kid unavailable',
      'service_get_all top -> * down ok',
      'get_host_uptime top -> top!elsewhere routing_inconsistency',
      'get_host_uptime top -> top!kid not_found',
      'get_host_uptime top -> top!kid ok',
      'get_host_uptime top -> top!kid ok',
    ]);
    const broadcast = origin.find((r) => r.method === 'service_get_all') as RecentCall;
    expect(broadcast).toMatchObject({ kind: 'broadcast', direction: 'down', request_id: 'req-broadcast-1', responses: [{ cell: 'top!kid', outcome: 'ok' }, { cell: 'top', outcome: 'ok' }] });
    expect(broadcast.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(origin[0]?.error).toMatch(/kid/);
    // At the handler, the route is the path the message came along.
    expect(kid.recent.list().filter((r) => r.method === 'get_host_uptime').map((r) => `${r.route} ${r.outcome}`)).toEqual([
      'top!kid ok',
      'top!kid not_found',
      'top!kid ok',
      'top!kid ok',
    ]);
    expect(kid.recent.list(2)).toHaveLength(2);
  });
});

describe('GET /metrics and GET /v1/recent over HTTP', () => {
  it('serve the exposition and the recent calls', async () => {
    const token = 'metrics-test-token-0123456789';
    const cell = await startCellService(
      parseConfig({ name: 'solo', listen: 'http://127.0.0.1:0', hosts: [host('h1')], log_level: 'silent', api_token_env: 'T' }, { env: { T: token } }),
      { logger: silentLogger },
    );
    // Scraped like every other route of the API: with the token (Prometheus: `authorization: { credentials_file }`).
    const headers = { authorization: `Bearer ${token}` };
    try {
      const call = await fetch(`${cell.url}/v1/call/service_get_all`, { method: 'POST', body: '{}', headers: { ...headers, 'content-type': 'application/json' } });
      expect(call.status).toBe(200);
      expect((await fetch(`${cell.url}/metrics`)).status).toBe(401);
      const res = await fetch(`${cell.url}/metrics`, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const families = parsePromText(await res.text());
      expect(sampleValue(families, 'cellwire_calls_total', { cell: 'solo', stage: 'origin', method: 'service_get_all', outcome: 'ok' })).toBe(1);
      expect(sampleValue(families, 'cellwire_calls_total', { cell: 'solo', stage: 'handler', method: 'service_get_all', outcome: 'ok' })).toBe(1);

      const recent = (await (await fetch(`${cell.url}/v1/recent?limit=1`, { headers })).json()) as { calls: RecentCall[] };
      expect(recent.calls).toHaveLength(1);
      expect(recent.calls[0]).toMatchObject({ stage: 'origin', method: 'service_get_all', route: 'solo -> * down', outcome: 'ok', responses: [{ cell: 'solo', outcome: 'ok' }] });
      const bad = await fetch(`${cell.url}/v1/recent?limit=0`, { headers });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_argument');
      expect((await fetch(`${cell.url}/metrics`, { method: 'POST', headers })).status).toBe(405);
    } finally {
      await cell.close();
    }
  });
});

describe('interceptors given to the service', () => {
  it('run inside the observing one: what they refuse is counted with its code', async () => {
    const adminsOnly: Interceptor = (next) => async (call) => {
      if (call.stage === 'handler' && call.method.name === 'get_host_uptime' && !call.ctxt.roles.includes('admin')) {
        throw new CellwireError('permission_denied', `${call.method.name} needs the admin role`);
      }
      return next(call);
    };
    const cell = await startCellService(parseConfig({ name: 'solo', listen: 'memory://solo', hosts: [host('h1')], log_level: 'silent' }), {
      logger: silentLogger,
      announce: false,
      interceptors: [adminsOnly],
    });
    try {
      const r = await cell.runner.invoke('get_host_uptime', makeContext(), { cell_name: 'solo', host_name: 'h1' });
      expect(r).toMatchObject({ failure: true });
      await cell.runner.invoke('get_host_uptime', adminContext(), { cell_name: 'solo', host_name: 'h1' });
      const families = parsePromText(await cell.metrics.text());
      expect(sampleValue(families, 'cellwire_calls_total', { stage: 'handler', method: 'get_host_uptime', outcome: 'permission_denied' })).toBe(1);
      expect(sampleValue(families, 'cellwire_calls_total', { stage: 'handler', method: 'get_host_uptime', outcome: 'ok' })).toBe(1);
      expect(sampleValue(families, 'cellwire_calls_total', { stage: 'origin', method: 'get_host_uptime', outcome: 'permission_denied' })).toBe(1);
      expect(cell.recent.list(1)[0]).toMatchObject({ stage: 'origin', outcome: 'ok' });
    } finally {
      await cell.close();
    }
  });
});

describe('the strict Prometheus text parser of these tests', () => {
  it.each([
    ['a bad label escape', 'm{l="a\\x"} 1\n'],
    ['a missing newline at the end', 'm 1'],
    ['a duplicate series', 'm{a="1"} 1\nm{a="1"} 2\n'],
    ['a family split in two', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n'],
    ['a sample outside its family', '# TYPE h histogram\nh 1\n'],
    ['buckets that are not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['an unknown type', '# TYPE m countr\n'],
    ['a value that is not a number', 'm one\n'],
    ['a bad metric name', '# TYPE 1m gauge\n'],
    ['two spaces before the value', 'm  1\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePromText(text)).toThrow();
  });

  it('reads escapes, special values and timestamps', () => {
    const f = parsePromText('# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{l="q\\"\\n\\\\"} +Inf 1700000000000\nm{l="x"} NaN\n');
    expect(f[0]?.help).toBe('a \\ b\nc');
    expect(f[0]?.samples[0]).toEqual({ name: 'm', labels: [['l', 'q"\n\\']], value: Infinity, timestamp: 1700000000000 });
    expect(renderPromText(f)).toBe('# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{l="q\\"\\n\\\\"} +Inf 1700000000000\nm{l="x"} NaN\n');
  });
});
