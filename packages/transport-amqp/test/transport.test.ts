// The AMQP transport against the real RabbitMQ on 127.0.0.1:5672 (no mocks). Every test uses
// cells with a random suffix and removes what it declared; the broker restart runs last.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CellwireError, type Inbound } from '@cellwire/core';
import {
  Fixtures,
  SHARED_URL,
  callOptions,
  castOptions,
  inspect,
  memoryLog,
  rabbitmqctl,
  recorder,
  vhostUrl,
  waitFor,
} from './helpers.js';

const fx = new Fixtures();

beforeAll(() => {
  execFileSync('bash', [new URL('../../../scripts/ensure-rabbitmq.sh', import.meta.url).pathname], { stdio: 'inherit' });
});
afterEach(() => fx.cleanup());

async function rejection(p: Promise<unknown>): Promise<CellwireError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CellwireError);
    return e as CellwireError;
  }
  throw new Error('expected the send to reject');
}

describe('messages', () => {
  it('call: reply comes back over direct reply-to', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const { handler, received } = recorder();
    await t.listen({ cell: b, url: SHARED_URL }, handler);
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });

    await expect(link.send('{"n":1}', callOptions())).resolves.toBe('echo:{"n":1}');
    // Many in flight on one channel, each reply matched to its own call.
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => link.send(`{"n":${i}}`, callOptions())));
    expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => `echo:{"n":${i}}`));
    expect(received).toHaveLength(51);
    expect(received[0]?.reply).toBeTypeOf('function');
    expect(link.pendingCount()).toBe(0);
    expect(t.pendingCount()).toBe(0);
    // One connection for the listener and the link on the same URL.
    expect(t.status()).toHaveLength(1);
  });

  it('cast: resolves once the broker confirmed it, persisted in the durable queue', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const listener = await t.listen({ cell: b, url: SHARED_URL }, recorder().handler);
    await listener.close(); // queues stay (durable); nobody consumes
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });

    await expect(link.send('{"cast":1}', castOptions({ durable: true }))).resolves.toBeUndefined();
    await expect(link.send('{"cast":2}', castOptions({ messageType: 'broadcast' }))).resolves.toBeUndefined();
    const counts = await inspect(SHARED_URL, async (ch) => ({
      targeted: (await ch.checkQueue(`cellwire.${b}.targeted`)).messageCount,
      broadcast: (await ch.checkQueue(`cellwire.${b}.broadcast`)).messageCount,
    }));
    expect(counts).toEqual({ targeted: 1, broadcast: 1 });

    // A listener started later gets them, without reply (nobody waits on a cast).
    const { handler, received } = recorder();
    await t.listen({ cell: b, url: SHARED_URL }, handler);
    await waitFor(() => received.length === 2, 5000, 'queued casts');
    expect(received.map((m) => m.data).sort()).toEqual(['{"cast":1}', '{"cast":2}']);
    expect(received.every((m) => m.reply === undefined)).toBe(true);
  });

  it('acks only after the handler settled; a message in flight at close is redelivered', async () => {
    const b = fx.cell('b');
    const t1 = fx.transport({ drainTimeoutMs: 50 });
    let release: () => void = () => {};
    const first: Inbound[] = [];
    const l1 = await t1.listen({ cell: b, url: SHARED_URL }, (m) => {
      first.push(m);
      return new Promise<void>((r) => (release = r));
    });
    const link = fx.transport().connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    await link.send('{"uuid":"u1"}', castOptions({ durable: true }));
    await waitFor(() => first.length === 1, 5000, 'first delivery');
    await l1.close(); // handler still running: not acked, so the broker requeues it
    release();

    const { handler, received } = recorder();
    await fx.transport().listen({ cell: b, url: SHARED_URL }, handler);
    await waitFor(() => received.length === 1, 5000, 'redelivery');
    expect(received[0]?.data).toBe('{"uuid":"u1"}');
  });

  it('competing consumers: two instances of a cell share its queue, each message goes to one', async () => {
    const b = fx.cell('b');
    const one = recorder();
    const two = recorder();
    await fx.transport().listen({ cell: b, url: SHARED_URL }, one.handler);
    await fx.transport().listen({ cell: b, url: SHARED_URL }, two.handler);
    const link = fx.transport().connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });

    await Promise.all(Array.from({ length: 20 }, (_, i) => link.send(`{"n":${i}}`, castOptions())));
    await waitFor(() => one.received.length + two.received.length === 20, 5000, '20 deliveries');
    await new Promise((r) => setTimeout(r, 100)); // and no more
    const all = [...one.received, ...two.received].map((m) => m.data);
    expect(new Set(all).size).toBe(20);
    expect(all).toHaveLength(20);
    expect(one.received.length).toBeGreaterThan(0);
    expect(two.received.length).toBeGreaterThan(0);
  });

  it('fanout: every instance of the cell gets the message', async () => {
    const b = fx.cell('b');
    const one = recorder();
    const two = recorder();
    await fx.transport().listen({ cell: b, url: SHARED_URL }, one.handler);
    await fx.transport().listen({ cell: b, url: SHARED_URL }, two.handler);
    const link = fx.transport().connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });

    for (let i = 0; i < 5; i++) await link.send(`{"f":${i}}`, castOptions({ fanout: true, messageType: 'broadcast' }));
    await waitFor(() => one.received.length === 5 && two.received.length === 5, 5000, 'fanout to both');
    expect(one.received.map((m) => m.data)).toEqual(two.received.map((m) => m.data));
    // A fanout call: the first instance to answer wins; the other reply is dropped.
    await expect(link.send('{"f":"call"}', callOptions({ fanout: true }))).resolves.toBe('echo:{"f":"call"}');
    await new Promise((r) => setTimeout(r, 100));
    expect(link.pendingCount()).toBe(0);
  });

  it('unroutable: no queue for the cell is `unavailable` naming the cell, for casts, calls and fanout', async () => {
    const t = fx.transport();
    const ghost = fx.cell('ghost');
    const link = t.connect({ name: ghost, urls: [SHARED_URL] }, { cell: 'a' });
    const started = Date.now();
    for (const opts of [castOptions({ durable: true }), callOptions({ deadline: Date.now() + 10_000 }), castOptions({ fanout: true })]) {
      const err = await rejection(link.send('{}', opts));
      expect(err.code).toBe('unavailable');
      expect(err.message).toContain(`no queue for cell ${ghost}`);
      expect(err.cell).toBe(ghost);
    }
    expect(Date.now() - started).toBeLessThan(2000); // told at once, not at the deadline
    expect(link.pendingCount()).toBe(0);
    // The shared channel survived: other cells are still reachable on it.
    const b = fx.cell('b');
    await t.listen({ cell: b, url: SHARED_URL }, recorder().handler);
    await expect(t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' }).send('x', callOptions())).resolves.toBe('echo:x');
  });

  it('reject: undecodable input becomes the error code the sender sees, and is not requeued', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    let calls = 0;
    await t.listen({ cell: b, url: SHARED_URL }, async (m) => {
      calls++;
      try {
        JSON.parse(m.data);
        m.reply?.('ok');
      } catch {
        m.reject?.(new CellwireError('invalid_argument', 'message is not JSON'));
      }
    });
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    const err = await rejection(link.send('not json', callOptions()));
    expect(err.code).toBe('invalid_argument');
    expect(err.message).toBe('message is not JSON');
    expect(err.cell).toBe(b);
    // A cast of the same is dropped (acked), not redelivered forever.
    await link.send('not json either', castOptions());
    await waitFor(() => calls === 2, 5000, 'second delivery');
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBe(2);
    await expect(link.send('{}', callOptions())).resolves.toBe('ok');
  });

  it('deadline: a listener that never replies gives `timeout`, and no waiter is left', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const got: Inbound[] = [];
    await t.listen({ cell: b, url: SHARED_URL }, async (m) => {
      got.push(m);
      m.reply?.(undefined); // publishes nothing
    });
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    const started = Date.now();
    const sends = Array.from({ length: 5 }, () => rejection(link.send('{}', callOptions({ deadline: Date.now() + 300 }))));
    await waitFor(() => link.pendingCount() === 5, 1000, 'five waiters');
    for (const err of await Promise.all(sends)) {
      expect(err.code).toBe('timeout');
      expect(err.message).toContain(`no reply from cell ${b}`);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(got).toHaveLength(5);
    expect(link.pendingCount()).toBe(0);
    expect(t.pendingCount()).toBe(0);
    // A deadline already gone is refused before publishing.
    expect((await rejection(link.send('{}', callOptions({ deadline: Date.now() - 1 })))).code).toBe('timeout');
  });

  it('signed links: a listener with secrets takes only messages signed by a known neighbour', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const { handler, received } = recorder();
    await t.listen({ cell: b, url: SHARED_URL, secrets: { a: 's3cret' } }, handler);
    const good = t.connect({ name: b, urls: [SHARED_URL], secret: 's3cret' }, { cell: 'a' });
    const wrong = t.connect({ name: b, urls: [SHARED_URL], secret: 'guess' }, { cell: 'a' });
    const unsigned = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    await expect(good.send('hi', callOptions())).resolves.toBe('echo:hi');
    expect(received[0]?.from).toBe('a');
    expect((await rejection(wrong.send('hi', callOptions()))).code).toBe('unauthenticated');
    expect((await rejection(unsigned.send('hi', callOptions()))).code).toBe('unauthenticated');
    expect(received).toHaveLength(1);
  });

  it('refuses what it cannot carry: bad URLs, unknown schemes, oversized messages', async () => {
    const t = fx.transport({ maxMessageBytes: 1024 });
    expect(() => t.connect({ name: 'x', urls: ['http://127.0.0.1:1'] }, { cell: 'a' })).toThrow(CellwireError);
    expect(() => t.connect({ name: 'x!y', urls: [SHARED_URL] }, { cell: 'a' })).toThrow(/cell name/);
    const link = t.connect({ name: fx.cell('b'), urls: [SHARED_URL] }, { cell: 'a' });
    expect((await rejection(link.send('x'.repeat(2000), castOptions()))).code).toBe('payload_too_large');
  });

  it('a broker that is not there: send fails fast with `unavailable`, listen rejects', async () => {
    const t = fx.transport({ listenTimeoutMs: 500 });
    const nowhere = 'amqp://guest:guest@127.0.0.1:1/%2F';
    const link = t.connect({ name: 'b', urls: [nowhere] }, { cell: 'a' });
    const started = Date.now();
    const err = await rejection(link.send('{}', callOptions({ deadline: Date.now() + 10_000 })));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.message).not.toContain('guest:guest');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(link.state).toBe('reconnecting');
    expect((await rejection(t.listen({ cell: 'b', url: nowhere }, recorder().handler))).code).toBe('unavailable');
  });

  it('a broker that says no: wrong password, unknown vhost, a queue declared otherwise', async () => {
    const t = fx.transport({ listenTimeoutMs: 10_000 });
    const started = Date.now();
    const link = t.connect({ name: 'b', urls: ['amqp://guest:wrong@127.0.0.1:5672/%2F'] }, { cell: 'a' });
    const login = await rejection(link.send('{}', callOptions()));
    expect([login.code, login.message]).toEqual(['unavailable', expect.stringContaining('refused the login')]);
    const vhost = await rejection(t.listen({ cell: 'b', url: vhostUrl(`missing-${Date.now()}`) }, recorder().handler));
    expect(vhost.message).toMatch(/vhost "missing-\d+" does not exist/);
    // Someone declared the cell's queue with other arguments: listen says so, it does not spin.
    const b = fx.cell('b');
    await inspect(SHARED_URL, (ch) => ch.assertQueue(`cellwire.${b}.targeted`, { durable: true, arguments: { 'x-max-length': 5 } }));
    const declared = await rejection(t.listen({ cell: b, url: SHARED_URL }, recorder().handler));
    expect(declared.message).toMatch(/cannot declare the queues of cell .*PRECONDITION/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a deleted queue: the listener re-declares and consumes again', async () => {
    const { log, lines } = memoryLog();
    const t = fx.transport({ log });
    const b = fx.cell('b');
    const { handler, received } = recorder();
    await t.listen({ cell: b, url: SHARED_URL }, handler);
    await inspect(SHARED_URL, (ch) => ch.deleteQueue(`cellwire.${b}.targeted`));
    // The broker cancels the consumer; the listener rebuilds its channel, which re-declares.
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    let reply: string | undefined;
    const until = Date.now() + 5000;
    while (reply === undefined && Date.now() < until) {
      reply = await link.send('again', callOptions({ deadline: Date.now() + 500 })).catch(() => undefined);
      if (reply === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(reply).toBe('echo:again');
    expect(lines.some((l) => l.includes('cancelled a consumer'))).toBe(true);
    expect(received.length).toBeGreaterThan(0);
  });
});

describe('layouts', () => {
  it('one shared broker (vhost /) carrying several cells', async () => {
    const t = fx.transport();
    const [a, b, c] = [fx.cell('a'), fx.cell('b'), fx.cell('c')];
    const rec = { [a]: recorder((d) => `${a}:${d}`), [b]: recorder((d) => `${b}:${d}`), [c]: recorder((d) => `${c}:${d}`) };
    for (const cell of [a, b, c]) await t.listen({ cell, url: SHARED_URL }, rec[cell]!.handler);
    const link = (from: string, to: string) => t.connect({ name: to, urls: [SHARED_URL] }, { cell: from });

    await expect(link(a, b).send('1', callOptions())).resolves.toBe(`${b}:1`);
    await expect(link(b, c).send('2', callOptions({ messageType: 'broadcast' }))).resolves.toBe(`${c}:2`);
    await expect(link(c, a).send('3', callOptions({ messageType: 'response' }))).resolves.toBe(`${a}:3`);
    await link(a, c).send('4', castOptions({ fanout: true }));
    await waitFor(() => rec[c]!.received.length === 2, 5000, 'fanout to c');
    expect(rec[a]!.received.map((m) => m.data)).toEqual(['3']);
    expect(rec[b]!.received.map((m) => m.data)).toEqual(['1']);
    expect(rec[c]!.received.map((m) => m.data)).toEqual(['2', '4']);
    expect(t.status()).toHaveLength(1); // one connection for all of them
  });

  it('one vhost per cell', async () => {
    const [vx, vy] = await Promise.all([fx.vhost(), fx.vhost()]);
    const [ux, uy] = [vhostUrl(vx), vhostUrl(vy)];
    const x = fx.cell('x', ux);
    const y = fx.cell('y', uy);
    const tx = fx.transport();
    const ty = fx.transport();
    await tx.listen({ cell: x, url: ux }, recorder((d) => `x got ${d}`).handler);
    await ty.listen({ cell: y, url: uy }, recorder((d) => `y got ${d}`).handler);
    const xToY = tx.connect({ name: y, urls: [uy] }, { cell: x });
    const yToX = ty.connect({ name: x, urls: [ux] }, { cell: y });

    await expect(xToY.send('ping', callOptions())).resolves.toBe('y got ping');
    await expect(yToX.send('pong', callOptions())).resolves.toBe('x got pong');
    expect(tx.status().map((s) => s.url).sort()).toEqual([ux, uy].map((u) => u.replace(':guest@', ':***@')).sort());
    // Y's queues live in Y's vhost only: a link to Y through X's vhost finds no queue.
    const wrong = tx.connect({ name: y, urls: [ux] }, { cell: x });
    expect((await rejection(wrong.send('lost?', castOptions()))).code).toBe('unavailable');
  });
});

describe('broker restart', () => {
  afterAll(async () => {
    // Never leave the broker stopped for whoever runs next.
    await rabbitmqctl('start_app').catch(() => {});
    await rabbitmqctl('await_startup').catch(() => {});
  });

  it.skipIf(process.env.CELLWIRE_SKIP_BROKER_RESTART === '1')(
    'durable casts: each one is delivered or reported failed; links and listeners come back',
    async () => {
      const N = 300;
      const { log, lines } = memoryLog();
      const b = fx.cell('b');
      const slow = fx.cell('slow');
      const server = fx.transport({ log });
      const client = fx.transport({ log });

      const received = new Set<number>();
      let deliveries = 0;
      const listener = await server.listen({ cell: b, url: SHARED_URL }, async (m) => {
        deliveries++;
        received.add((JSON.parse(m.data) as { i: number }).i);
        m.reply?.('ok');
      });
      // A cell that takes its time, so a call is in flight when the broker goes.
      await server.listen({ cell: slow, url: SHARED_URL }, async (m) => {
        await new Promise((r) => setTimeout(r, 2500));
        m.reply?.('late');
      });
      const link = client.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
      const slowLink = client.connect({ name: slow, urls: [SHARED_URL] }, { cell: 'a' });
      await link.send('{"i":-1}', callOptions());

      const confirmed = new Set<number>();
      const failed = new Map<number, string>();
      const why = new Map<string, number>();
      let restart: Promise<void> | undefined;
      let callInFlight: Promise<{ err: CellwireError; ms: number }> | undefined;
      const sends: Promise<void>[] = [];
      for (let i = 0; i < N; i++) {
        if (i === 60) {
          const started = Date.now();
          const deadline = started + 6000;
          callInFlight = rejection(slowLink.send('{"i":"call"}', callOptions({ deadline }))).then((err) => ({ err, ms: Date.now() - started }));
          await new Promise((r) => setTimeout(r, 200)); // let it reach the slow cell
          restart = (async () => {
            await rabbitmqctl('stop_app');
            await new Promise((r) => setTimeout(r, 300));
            await rabbitmqctl('start_app');
            await rabbitmqctl('await_startup');
          })();
        }
        sends.push(
          link.send(JSON.stringify({ i }), castOptions({ durable: true, deadline: Date.now() + 4000 })).then(
            () => void confirmed.add(i),
            (e: unknown) => {
              failed.set(i, e instanceof CellwireError ? e.code : String(e));
              const kind = e instanceof Error ? e.message.replace(/broker \S+/, 'broker').replace(/cell \S+/, 'cell').slice(0, 60) : '?';
              why.set(kind, (why.get(kind) ?? 0) + 1);
            },
          ),
        );
        await new Promise((r) => setTimeout(r, 12));
      }
      await Promise.all(sends);
      await restart;

      // The call in flight failed by its deadline with a clear error; it did not hang.
      const call = await callInFlight!;
      expect(['unavailable', 'timeout']).toContain(call.err.code);
      expect(call.err.message).toMatch(/lost|deadline/);
      expect(call.ms).toBeLessThanOrEqual(6500);

      // Every send was settled one way or the other, with a CellwireError code when failed.
      expect(confirmed.size + failed.size).toBe(N);
      expect([...new Set(failed.values())].every((c) => c === 'unavailable' || c === 'timeout')).toBe(true);

      // Link and listener come back by themselves.
      await waitFor(() => link.state === 'open' && listener.consuming, 20_000, 'reconnect');
      await expect(link.send('{"i":1000}', callOptions())).resolves.toBe('ok');
      await expect(link.send('{"i":1001}', castOptions({ durable: true }))).resolves.toBeUndefined();

      // Nothing confirmed was lost: all of it arrives (at least once) after the restart.
      await waitFor(() => [...confirmed].every((i) => received.has(i)), 15_000, 'confirmed casts to arrive');
      const lost = [...Array(N).keys()].filter((i) => !received.has(i) && !failed.has(i));
      expect(lost).toEqual([]);
      expect(client.pendingCount()).toBe(0);
      expect(lines.some((l) => l.includes('lost connection'))).toBe(true);
      console.log(
        `restart: ${confirmed.size} confirmed, ${failed.size} reported failed, ${received.size} distinct delivered ` +
          `(${deliveries - received.size} redeliveries); call in flight: ${call.err.code} after ${call.ms} ms; failures: ${JSON.stringify(Object.fromEntries(why))}`,
      );
    },
    60_000,
  );
});
