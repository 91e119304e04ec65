// Issue 13, "Hostile and unlucky", against the real RabbitMQ on 127.0.0.1:5672: poison and
// crash-looping messages, forged replies, tampered and stale signed messages, calls to a
// cell that is not running, oversized replies, too many sends in flight.
import { execFileSync } from 'node:child_process';
import { connect, type Channel, type GetMessage } from 'amqplib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CellwireError, MessageRunner, silentLogger, type Inbound } from '@cellwire/core';
import { DEAD_QUEUE_HEADER, DEAD_REASON_HEADER, FROM_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signMessage, type AmqpTransport } from '../src/index.js';
import { Fixtures, SHARED_URL, callOptions, castOptions, inspect, recorder, waitFor } from './helpers.js';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Declares a cell's queues (listen, then stop): the queues stay, nobody consumes. */
async function queuesOnly(t: AmqpTransport, cell: string): Promise<void> {
  const l = await t.listen({ cell, url: SHARED_URL }, recorder().handler);
  await l.close();
}

/** Every message in a queue, taken off it. */
async function drain(queue: string): Promise<GetMessage[]> {
  return inspect(SHARED_URL, async (ch) => {
    const out: GetMessage[] = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (m === false) return out;
      out.push(m);
    }
  });
}

describe('a message never crash-loops a cell', () => {
  it('poison casts (a handler that throws, text that is not JSON) are dead-lettered once; the cell keeps serving', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const runner = new MessageRunner({ name: b, logger: silentLogger });
    const seen: string[] = [];
    const listener = await t.listen({ cell: b, url: SHARED_URL }, async (m: Inbound) => {
      seen.push(m.data);
      if (m.data === '{"poison":"throw"}') throw new Error('handler blew up');
      if (m.data === '{"ping":1}') return m.reply?.('pong');
      return runner.receive(m); // the real runner: refuses what is not JSON
    });
    // Published by hand to the cell's queue, as a broken or hostile sender would.
    await inspect(SHARED_URL, async (ch) => {
      ch.sendToQueue(`cellwire.${b}.targeted`, Buffer.from('{"poison":"throw"}'), { persistent: true });
      ch.sendToQueue(`cellwire.${b}.broadcast`, Buffer.from('this is not JSON'), { persistent: true });
      await sleep(50);
    });
    await waitFor(() => listener.stats().deadLettered === 2, 5000, 'two dead letters');
    await sleep(300); // ... and no redelivery after that
    expect(seen.filter((d) => d !== '{"ping":1}')).toEqual(expect.arrayContaining(['{"poison":"throw"}', 'this is not JSON']));
    expect(seen).toHaveLength(2);
    expect(listener.stats()).toMatchObject({ received: 2, refused: 2, deadLettered: 2, requeued: 0, dropped: 0 });
    expect(await listener.deadLetterCount()).toBe(2);
    expect(listener.deadLetterQueue).toBe(`cellwire.${b}.dead`);

    // The cell keeps serving, and its queues hold nothing unacked.
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    await expect(link.send('{"ping":1}', callOptions())).resolves.toBe('pong');
    const dead = await drain(`cellwire.${b}.dead`);
    const reasons = Object.fromEntries(dead.map((m) => [m.content.toString(), String(m.properties.headers?.[DEAD_REASON_HEADER])]));
    expect(reasons['{"poison":"throw"}']).toMatch(/^internal: .*handler blew up/);
    expect(reasons['this is not JSON']).toMatch(/^invalid_argument: /);
    expect(dead.map((m) => m.properties.headers?.[DEAD_QUEUE_HEADER]).sort()).toEqual([`cellwire.${b}.broadcast`, `cellwire.${b}.targeted`]);
  });

  it('a refused call is answered with the error and acked, not dead-lettered', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const runner = new MessageRunner({ name: b, logger: silentLogger });
    const listener = await t.listen({ cell: b, url: SHARED_URL }, runner.receive);
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    expect((await rejection(link.send('not JSON', callOptions()))).code).toBe('invalid_argument');
    expect(listener.stats()).toMatchObject({ refused: 1, deadLettered: 0 });
    expect(await listener.deadLetterCount()).toBe(0);
  });

  it('a message that takes its process down each time is dead-lettered after maxDeliveries, then the cell serves', async () => {
    const b = fx.cell('b');
    const sender = fx.transport();
    await queuesOnly(sender, b);
    await sender.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' }).send('{"poison":"crash"}', castOptions({ durable: true }));

    // Each "process" is a transport of its own; the poison makes it die (close without ever
    // settling the handler, so the broker gets the message back unacked), and it restarts.
    let runs = 0;
    let last: { t: AmqpTransport; listener: Awaited<ReturnType<AmqpTransport['listen']>> } | undefined;
    for (let restart = 0; restart < 8; restart++) {
      const t = fx.transport({ maxDeliveries: 3, drainTimeoutMs: 50 });
      let crashed: Promise<void> | undefined;
      // The poison may arrive before listen() resolves: then the crash rejects it.
      const listening = t.listen({ cell: b, url: SHARED_URL }, (m) => {
        if (m.data !== '{"poison":"crash"}') {
          m.reply?.('alive');
          return Promise.resolve();
        }
        runs++;
        crashed = t.close();
        return new Promise<void>(() => {}); // never settles: the process is gone
      });
      listening.catch(() => {});
      await sleep(400);
      if (crashed === undefined) {
        last = { t, listener: await listening };
        break;
      }
      await crashed;
    }
    expect(runs).toBe(3);
    expect(last).toBeDefined();
    expect(last!.listener.stats()).toMatchObject({ deadLettered: 1 });
    expect(last!.listener.stats().lastDeadLetter).toMatch(/delivered 3 times without being acknowledged/);
    const link = last!.t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    await expect(link.send('{"ping":1}', callOptions())).resolves.toBe('alive');
    const dead = await drain(`cellwire.${b}.dead`);
    expect(dead.map((m) => m.content.toString())).toEqual(['{"poison":"crash"}']);
  });

  it('a message redelivered once (a lost connection) still runs, once', async () => {
    const b = fx.cell('b');
    const t1 = fx.transport({ drainTimeoutMs: 50 });
    let first = 0;
    const l1 = await t1.listen({ cell: b, url: SHARED_URL }, () => {
      first++;
      return new Promise<void>(() => {});
    });
    await fx.transport().connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' }).send('{"uuid":"u1"}', castOptions({ durable: true }));
    await waitFor(() => first === 1, 5000, 'first delivery');
    await l1.close();
    const { handler, received } = recorder();
    const l2 = await fx.transport().listen({ cell: b, url: SHARED_URL }, handler);
    await waitFor(() => received.length === 1, 5000, 'the redelivery');
    await sleep(200);
    expect(received.map((m) => m.data)).toEqual(['{"uuid":"u1"}']);
    expect(l2.stats()).toMatchObject({ requeued: 1, deadLettered: 0 });
  });
});

describe('replies are signed', () => {
  it('a competing consumer holding only the broker login cannot answer as the cell', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    await queuesOnly(t, b);
    // The intruder consumes the cell's queue and answers every call: once with a plain
    // reply, once with an error reply, once echoing the request's own signature.
    const conn = await connect(SHARED_URL);
    try {
      const ch: Channel = await conn.createChannel();
      let n = 0;
      await ch.consume(`cellwire.${b}.targeted`, (m) => {
        if (m === null) return;
        const { replyTo, correlationId, headers } = m.properties;
        const kind = n++ % 3;
        const answer = kind === 1 ? '{"error":{"code":"not_found","message":"no such instance"}}' : '{"forged":true}';
        const h: Record<string, unknown> = kind === 1 ? { 'x-cellwire-error': 1 } : kind === 2 ? { [SIGNATURE_HEADER]: headers?.[SIGNATURE_HEADER] } : {};
        ch.publish('', replyTo as string, Buffer.from(answer), { correlationId, headers: h });
        ch.ack(m);
      });
      const link = t.connect({ name: b, urls: [SHARED_URL], secret: 's3cret' }, { cell: 'a' });
      for (let i = 0; i < 3; i++) {
        const err = await rejection(link.send('{"q":1}', callOptions()));
        expect(err).toMatchObject({ code: 'unauthenticated', cell: b, retryable: false });
        expect(err.message).toMatch(/not signed with this link's secret/);
      }
      expect(n).toBe(3);
      expect(link.pendingCount()).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('the cell itself signs every reply (values and errors) and the link accepts them', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    await t.listen({ cell: b, url: SHARED_URL, secrets: { a: 's3cret' } }, async (m) => {
      if (m.data === 'refuse') m.reject?.(new CellwireError('not_found', 'no such instance'));
      else m.reply?.(`signed:${m.data}`);
    });
    const link = t.connect({ name: b, urls: [SHARED_URL], secret: 's3cret' }, { cell: 'a' });
    await expect(link.send('x', callOptions())).resolves.toBe('signed:x');
    expect(await rejection(link.send('refuse', callOptions()))).toMatchObject({ code: 'not_found', message: 'no such instance' });
  });
});

describe('what steers a message, and its time, are signed', () => {
  /** A signed cast to `b`, captured off its queue (the cell is down), as anyone with the broker login can. */
  async function captureSignedCast(t: AmqpTransport, b: string, secret: string) {
    await queuesOnly(t, b);
    await t.connect({ name: b, urls: [SHARED_URL], secret }, { cell: 'a' }).send('{"cast":"genuine"}', castOptions({ durable: true }));
    const [captured] = await drain(`cellwire.${b}.targeted`);
    expect(captured).toBeDefined();
    const headers = captured!.properties.headers as Record<string, unknown>;
    expect(headers[TIMESTAMP_HEADER]).toMatch(/^\d+$/);
    return { content: captured!.content, headers, props: { correlationId: captured!.properties.correlationId as string, persistent: true } };
  }

  it('a signed message with a tampered header, or moved to another queue, is refused; the genuine one runs', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const { content, headers, props } = await captureSignedCast(t, b, 's3cret');
    await inspect(SHARED_URL, async (ch) => {
      const q = (type: string) => `cellwire.${b}.${type}`;
      ch.sendToQueue(q('broadcast'), content, { ...props, headers }); // moved to another queue
      ch.sendToQueue(q('targeted'), content, { ...props, correlationId: 'zz', headers }); // correlation id changed
      ch.sendToQueue(q('targeted'), content, { ...props, headers: { ...headers, [TIMESTAMP_HEADER]: String(Date.now() + 1) } }); // re-timed
      ch.sendToQueue(q('targeted'), content, { ...props, replyTo: 'nowhere', headers }); // a cast turned into a call
      ch.sendToQueue(q('targeted'), content, { ...props, headers }); // as captured, still fresh: genuine
      await sleep(50);
    });
    const { handler, received } = recorder();
    const listener = await t.listen({ cell: b, url: SHARED_URL, secrets: { a: 's3cret' } }, handler);
    await waitFor(() => listener.stats().received === 5, 5000, 'five deliveries');
    await waitFor(() => listener.stats().deadLettered === 3, 5000, 'three dead letters');
    expect(received.map((m) => m.data)).toEqual(['{"cast":"genuine"}']);
    expect(listener.stats()).toMatchObject({ refused: 4, deadLettered: 3 }); // the "call" was answered with the refusal instead
    const reasons = (await drain(`cellwire.${b}.dead`)).map((m) => String(m.properties.headers?.[DEAD_REASON_HEADER]));
    expect(reasons).toHaveLength(3);
    for (const r of reasons) expect(r).toMatch(/^unauthenticated: .*signature of a does not match/);
  });

  it('a captured signed cast an hour old is refused (and dead-lettered), however well signed', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    const secret = 's3cret';
    const { content, props } = await captureSignedCast(t, b, secret);
    const old = String(Date.now() - 3_600_000);
    const signature = signMessage(secret, { timestamp: old, from: 'a', to: b, exchange: '', routingKey: `cellwire.${b}.targeted`, reply: false, correlationId: props.correlationId }, content);
    await inspect(SHARED_URL, async (ch) => {
      ch.sendToQueue(`cellwire.${b}.targeted`, content, { ...props, headers: { [FROM_HEADER]: 'a', [TIMESTAMP_HEADER]: old, [SIGNATURE_HEADER]: signature } });
      await sleep(50);
    });
    const { handler, received } = recorder();
    const listener = await t.listen({ cell: b, url: SHARED_URL, secrets: { a: secret } }, handler);
    await waitFor(() => listener.stats().deadLettered === 1, 5000, 'a dead letter');
    expect(received).toHaveLength(0);
    expect(listener.stats().lastDeadLetter).toMatch(/signed 3600 s old, outside the ±30000 ms window/);
  });

  it('the time window is configurable per listener', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    await queuesOnly(t, b);
    const ts = String(Date.now() - 120_000);
    const body = Buffer.from('{"late":1}');
    const sig = signMessage('s', { timestamp: ts, from: 'a', to: b, exchange: '', routingKey: `cellwire.${b}.targeted`, reply: false, correlationId: 'c1' }, body);
    await inspect(SHARED_URL, async (ch) => {
      ch.sendToQueue(`cellwire.${b}.targeted`, body, { correlationId: 'c1', headers: { [FROM_HEADER]: 'a', [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: sig } });
      await sleep(50);
    });
    const { handler, received } = recorder();
    await t.listen({ cell: b, url: SHARED_URL, secrets: { a: 's' }, options: { maxClockSkewMs: 300_000 } }, handler);
    await waitFor(() => received.length === 1, 5000, 'the late cast');
  });
});

describe('a call to a cell that is not running fails fast', () => {
  it('queue there, nobody consuming: unavailable naming the cell in well under a second; nothing left queued', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    await queuesOnly(t, b);
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      const err = await rejection(link.send('{"call":1}', callOptions({ deadline: Date.now() + 10_000 })));
      expect(Date.now() - started).toBeLessThan(300);
      expect(err).toMatchObject({ code: 'unavailable', cell: b, retryable: true });
      expect(err.message).toContain(`cell ${b} is not running: no consumer on its queue cellwire.${b}.targeted`);
    }
    expect(await inspect(SHARED_URL, async (ch) => (await ch.checkQueue(`cellwire.${b}.targeted`)).messageCount)).toBe(0);
    expect(link.pendingCount()).toBe(0);
    // Casts still queue for the cell (it gets them when it comes back).
    await expect(link.send('{"cast":1}', castOptions({ durable: true }))).resolves.toBeUndefined();
    // The cell comes back: calls go through again.
    const { handler } = recorder();
    await t.listen({ cell: b, url: SHARED_URL }, handler);
    let reply: string | undefined;
    const until = Date.now() + 3000;
    while (reply === undefined && Date.now() < until) {
      reply = await link.send('again', callOptions({ deadline: Date.now() + 1000 })).catch(() => undefined);
      if (reply === undefined) await sleep(50);
    }
    expect(reply).toBe('echo:again');
  });

  it('a cell that dies under a call fails that call within about consumerCheckMs, not at its deadline', async () => {
    const b = fx.cell('b');
    const dying = fx.transport({ drainTimeoutMs: 50 });
    let got = 0;
    await dying.listen({ cell: b, url: SHARED_URL }, () => {
      got++;
      return new Promise<void>(() => {});
    });
    const link = fx.transport({ consumerCheckMs: 300 }).connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    const started = Date.now();
    const pending = rejection(link.send('{"call":1}', callOptions({ deadline: Date.now() + 10_000 })));
    await waitFor(() => got === 1, 5000, 'delivery');
    await dying.close();
    const err = await pending;
    expect(err).toMatchObject({ code: 'unavailable', cell: b });
    expect(err.message).toMatch(/is not running: no consumer/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('bounded cost per request', () => {
  it('a reply over the listener limit comes back as payload_too_large at once; the cell keeps serving', async () => {
    const b = fx.cell('b');
    await fx.transport({ maxMessageBytes: 1024 }).listen({ cell: b, url: SHARED_URL }, async (m) => m.reply?.(m.data === 'big' ? 'x'.repeat(4096) : 'small'));
    const link = fx.transport().connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    const started = Date.now();
    const err = await rejection(link.send('big', callOptions({ deadline: Date.now() + 10_000 })));
    expect(err).toMatchObject({ code: 'payload_too_large', cell: b });
    expect(err.message).toMatch(/reply of cell .* is 4096 bytes, over the 1024 byte limit/);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(link.send('ok?', callOptions())).resolves.toBe('small');
  });

  it('a reply over the link limit is payload_too_large at the origin', async () => {
    const t = fx.transport();
    const b = fx.cell('b');
    await t.listen({ cell: b, url: SHARED_URL }, async (m) => m.reply?.('x'.repeat(4096)));
    const link = t.connect({ name: b, urls: [SHARED_URL], options: { maxMessageBytes: 1024 } }, { cell: 'a' });
    const err = await rejection(link.send('{}', callOptions({ deadline: Date.now() + 10_000 })));
    expect(err).toMatchObject({ code: 'payload_too_large', cell: b });
    expect(err.message).toMatch(/over this link's limit of 1024 bytes/);
  });

  it('in-flight sends per link are capped: beyond maxInFlight, resource_exhausted at once', async () => {
    const t = fx.transport({ maxInFlight: 3 });
    const b = fx.cell('b');
    await t.listen({ cell: b, url: SHARED_URL }, async () => {}); // never replies
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    const waiting = Array.from({ length: 3 }, () => rejection(link.send('{}', callOptions({ deadline: Date.now() + 500 }))));
    await waitFor(() => link.stats().inFlight === 3, 2000, 'three in flight');
    const started = Date.now();
    const err = await rejection(link.send('{}', castOptions()));
    expect(err).toMatchObject({ code: 'resource_exhausted', cell: b });
    expect(err.message).toContain('maxInFlight 3');
    expect(Date.now() - started).toBeLessThan(100);
    for (const e of await Promise.all(waiting)) expect(e.code).toBe('timeout');
    expect(link.stats()).toEqual({ inFlight: 0, overloaded: 1 });
    await expect(link.send('{}', castOptions())).resolves.toBeUndefined();
  });
});
