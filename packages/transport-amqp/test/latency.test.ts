// The round-trip time of an AMQP link, against the real RabbitMQ on 127.0.0.1:5672: each
// reply says how long the listener held the message (`x-cellwire-held-ms`), and the link
// takes that from the exchange's time. Casts (confirmed by the broker, not the cell) teach nothing.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Inbound } from '@cellwire/core';
import { Fixtures, SHARED_URL, callOptions, castOptions } from './helpers.js';

const fx = new Fixtures();

beforeAll(() => {
  execFileSync('bash', [new URL('../../../scripts/ensure-rabbitmq.sh', import.meta.url).pathname], { stdio: 'inherit' });
});
afterEach(() => fx.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the round-trip time of an AMQP link', () => {
  it('is learnt from replies, without the time the listener worked; casts teach nothing', async () => {
    const t = fx.transport();
    const b = fx.cell('rtt');
    await t.listen({ cell: b, url: SHARED_URL }, async (m: Inbound) => {
      await sleep(150);
      m.reply?.('{}');
    });
    const link = t.connect({ name: b, urls: [SHARED_URL] }, { cell: 'a' });
    await link.send('{}', castOptions());
    expect(link.latency()).toBeUndefined();
    for (let i = 0; i < 3; i++) await expect(link.send('{}', callOptions())).resolves.toBe('{}');
    const l = link.latency();
    expect(l?.samples).toBe(3);
    // Through the local broker and back in a few ms; the 150 ms of work are not counted.
    expect(l!.srttMs).toBeLessThan(150);
  });

  it('an error reply counts too, on a signed link as well', async () => {
    const t = fx.transport();
    const b = fx.cell('rtt-signed');
    await t.listen({ cell: b, url: SHARED_URL, secrets: { a: 's3cret' } }, async (m: Inbound) => {
      await sleep(100);
      m.reject?.(Object.assign(new Error('no'), { code: 'invalid_argument' }) as never);
    });
    const link = t.connect({ name: b, urls: [SHARED_URL], secret: 's3cret' }, { cell: 'a' });
    await expect(link.send('{}', callOptions())).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(link.latency()?.samples).toBe(1);
    expect(link.latency()!.srttMs).toBeLessThan(100);
  });
});
