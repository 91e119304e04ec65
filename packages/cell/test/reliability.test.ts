/**
 * Issue 13 in the cell service, over HTTP between real cells: a broadcast cast the first hop
 * refuses is refused to the API caller (item 8); a cast a middle cell accepted and could not
 * pass on is held in its store's outbox, survives its restart, is delivered when the next
 * hop is back, and shows in `GET /v1/health` (item 8); a captured signed message replayed
 * after a restart is refused as a duplicate (item 6).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeEnvelope, makeContext, silentLogger, type Envelope } from '@cellwire/core';
import { HEADERS, MESSAGE_PATH, signMessage } from '@cellwire/transport-http';
import { parseConfig } from '../src/config.js';
import { startCellService, type CellService } from '../src/service.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cellwire-reliability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'reliability-test-token-0123456789';
const env = { S_TOP: 'secret-top-child-0123456789', S_GC: 'secret-child-gc-0123456789', TOKEN };
const url = (p: number) => `http://127.0.0.1:${p}`;
const host = (name: string) => ({ name, vcpus: 8, memory_mb: 8192, local_gb: 100 });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** api-cell <- child-cell2 <- grandchild-cell1 over signed HTTP, each with a file store. */
class Tree {
  readonly cells = new Map<string, CellService>();
  readonly ports = new Map<string, number>();
  private readonly tag = Math.random().toString(36).slice(2, 8);

  async init(): Promise<this> {
    for (const n of ['api-cell', 'child-cell2', 'grandchild-cell1']) this.ports.set(n, await freePort());
    return this;
  }

  config(name: string): Record<string, unknown> {
    const p = (n: string) => url(this.ports.get(n) as number);
    const common = { listen: p(name), store: path.join(dir, `${this.tag}-${name}.sqlite`), api_token_env: 'TOKEN', log_level: 'silent', update_interval_s: 3600 };
    if (name === 'api-cell') return { name, ...common, children: [{ name: 'child-cell2', url: p('child-cell2'), secret_env: 'S_TOP' }] };
    if (name === 'child-cell2') {
      return {
        name,
        ...common,
        parents: [{ name: 'api-cell', url: p('api-cell'), secret_env: 'S_TOP' }],
        children: [{ name: 'grandchild-cell1', url: p('grandchild-cell1'), secret_env: 'S_GC' }],
      };
    }
    return { name, ...common, hosts: [host('gc1-h1')], parents: [{ name: 'child-cell2', url: p('child-cell2'), secret_env: 'S_GC' }] };
  }

  async start(name: string): Promise<CellService> {
    const cell = await startCellService(parseConfig(this.config(name), { env }), { logger: silentLogger });
    this.cells.set(name, cell);
    return cell;
  }

  async stop(name: string): Promise<void> {
    await this.cells.get(name)?.close();
    this.cells.delete(name);
  }

  cell(name: string): CellService {
    return this.cells.get(name) as CellService;
  }

  /** POST /v1/call/{method} at a cell's API. */
  async call(name: string, method: string, args: object): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
    const res = await fetch(`${url(this.ports.get(name) as number)}/v1/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ args }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  }

  async close(): Promise<void> {
    for (const n of [...this.cells.keys()]) await this.stop(n);
  }
}

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.close();
  tree = undefined;
});

const instance = (uuid: string) => ({ uuid, vm_state: 'active', display_name: uuid, cell_name: 'api-cell!child-cell2!grandchild-cell1' });

describe('item 8: a cast the API accepted (202) reaches the top, or the caller hears why not', () => {
  it('instance_update_at_top from a grandchild whose parent is down is refused: 503 unavailable naming child-cell2', async () => {
    tree = await new Tree().init();
    for (const n of ['api-cell', 'child-cell2', 'grandchild-cell1']) await tree.start(n);
    // The cells' own start-up reports are casts too: count from here.
    const before = tree.cell('grandchild-cell1').health().casts;
    const ok = await tree.call('grandchild-cell1', 'instance_update_at_top', { instance: instance('00000000-0000-4000-8000-000000000001') });
    expect(ok.status).toBe(202);
    await until(() => tree!.cell('api-cell').store.instances.get('00000000-0000-4000-8000-000000000001') !== undefined);

    await tree.stop('child-cell2');
    const refused = await tree.call('grandchild-cell1', 'instance_update_at_top', { instance: instance('00000000-0000-4000-8000-000000000002') });
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('unavailable');
    expect(refused.body.error?.message).toContain('child-cell2');
    const after = tree.cell('grandchild-cell1').health().casts;
    expect([after.accepted - before.accepted, after.delivered - before.delivered, after.refused - before.refused, after.lost]).toEqual([1, 1, 1, 0]);
  });

  it('a middle cell holds a cast its parent refused, across its own restart, and delivers it when the parent is back', async () => {
    tree = await new Tree().init();
    for (const n of ['api-cell', 'child-cell2', 'grandchild-cell1']) await tree.start(n);
    await tree.stop('api-cell');
    const before = tree.cell('child-cell2').health().casts;

    const uuid = '00000000-0000-4000-8000-000000000003';
    // child-cell2 accepted it (it answers the grandchild once the cast is in its outbox).
    expect((await tree.call('grandchild-cell1', 'instance_update_at_top', { instance: instance(uuid) })).status).toBe(202);
    const held = tree.cell('child-cell2').health().casts;
    expect([held.accepted - before.accepted, held.held, held.outbox, held.lost]).toEqual([1, 1, 1, 0]);

    // The middle cell restarts: the cast is in its store, not its memory.
    await tree.stop('child-cell2');
    const child = await tree.start('child-cell2');
    expect(child.health().casts.outbox).toBe(1);
    expect(child.store.castOutbox.count()).toBe(1);

    const top = await tree.start('api-cell');
    await until(() => top.store.instances.get(uuid) !== undefined);
    expect(top.store.instances.get(uuid)).toMatchObject({ vm_state: 'active', cell_name: 'api-cell!child-cell2!grandchild-cell1' });
    await until(() => child.health().casts.outbox === 0);
    expect(child.health().casts).toMatchObject({ outbox: 0, lost: 0 });
    expect(child.health().casts.delivered).toBeGreaterThanOrEqual(1);
  });
});

describe('item 6: the dedupe window survives a restart', () => {
  it('a captured signed service_update {disabled: true}, replayed after a restart, is refused as a duplicate', async () => {
    tree = await new Tree().init();
    const gc = await tree.start('grandchild-cell1');
    const service = () => gc.store.services.getByHostAndBinary('gc1-h1', 'nova-compute');
    expect(service()?.disabled).toBe(false);

    // What child-cell2 would send: a signed targeted call, captured as bytes and headers.
    const envelope: Envelope = {
      message_type: 'targeted',
      ctxt: makeContext({ request_id: 'req-replayed', is_admin: true }),
      method_name: 'service_update',
      method_kwargs: { cell_name: 'api-cell!child-cell2!grandchild-cell1', host_name: 'gc1-h1', binary: 'nova-compute', params_to_update: { disabled: true } },
      direction: 'down',
      need_response: true,
      fanout: false,
      uuid: crypto.randomUUID(),
      routing_path: 'api-cell!child-cell2',
      hop_count: 2,
      max_hop_count: 10,
      target_cell: 'api-cell!child-cell2!grandchild-cell1',
      deadline: Date.now() + 20_000,
    };
    const body = encodeEnvelope(envelope);
    const timestamp = Date.now();
    const deadline = String(Date.now() + 10_000);
    const headers = {
      'content-type': 'application/json',
      [HEADERS.from]: 'child-cell2',
      [HEADERS.timestamp]: String(timestamp),
      [HEADERS.reply]: '1',
      [HEADERS.deadline]: deadline,
      [HEADERS.signature]: signMessage(env.S_GC, { timestamp, from: 'child-cell2', to: 'grandchild-cell1', reply: '1', deadline }, body),
    };
    const send = () => fetch(`${url(tree!.ports.get('grandchild-cell1') as number)}${MESSAGE_PATH}`, { method: 'POST', headers, body });

    expect((await send()).status).toBe(200);
    expect(service()?.disabled).toBe(true);

    // An operator re-enables the service; the cell restarts (a deploy, a crash).
    gc.store.services.update(service()!.id, { disabled: false, disabled_reason: null });
    await tree.stop('grandchild-cell1');
    const again = await tree.start('grandchild-cell1');

    // Replayed within the signature's clock window: accepted by the listener, not run.
    const replay = await send();
    expect(replay.status).toBe(204);
    expect(again.store.services.getByHostAndBinary('gc1-h1', 'nova-compute')?.disabled).toBe(false);
    expect(again.runner.stats.duplicates).toBe(1);
    expect(again.store.seenMessages.count()).toBeGreaterThanOrEqual(1);
  });
});
