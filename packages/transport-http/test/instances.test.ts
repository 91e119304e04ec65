import { describe, expect, it } from 'vitest';
import { CellwireError } from '@cellwire/core';
import { callOptions, castOptions, closedPortUrl, envelope, recorder, SECRET, transport } from './fixtures.js';

const secrets = { api: SECRET };

describe('unreachable neighbours and service instances', () => {
  it('a down neighbour rejects with unavailable before the deadline, not at it', async () => {
    const t = transport();
    const down = await closedPortUrl();
    const link = t.connect({ name: 'child1', urls: [down], secret: SECRET }, { cell: 'api' });

    const deadline = Date.now() + 10_000;
    const err = await link.send(envelope(), castOptions({ deadline })).catch((e: unknown) => e);
    expect(Date.now()).toBeLessThan(deadline);
    expect(err).toBeInstanceOf(CellwireError);
    expect(err).toMatchObject({ code: 'unavailable', cell: 'child1', retryable: true });
    expect((err as Error).message).toContain('child1');
    expect(link.stats()).toMatchObject({ sent: 0, failed: 1, lastError: err });
  });

  it('calls to a down neighbour fail as fast as casts', async () => {
    const t = transport();
    const link = t.connect({ name: 'child1', urls: [await closedPortUrl()], secret: SECRET }, { cell: 'api' });
    const deadline = Date.now() + 10_000;
    await expect(link.send(envelope(), callOptions({ deadline }))).rejects.toMatchObject({ code: 'unavailable' });
    expect(Date.now()).toBeLessThan(deadline);
  });

  it('fails over to the next URL when the first instance refuses connections', async () => {
    const t = transport();
    const live = recorder((m) => m.reply?.('"pong"'));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, live.handler);
    const link = t.connect({ name: 'child1', urls: [await closedPortUrl(), listener.urls[0]!], secret: SECRET }, { cell: 'api' });

    // Round-robin starts at each URL in turn; every send lands on the live one.
    for (let i = 0; i < 4; i++) await expect(link.send(envelope(i), callOptions())).resolves.toBe('"pong"');
    expect(live.received).toHaveLength(4);
    expect(link.stats()).toMatchObject({ sent: 4, failed: 0 });
  });

  it('round-robin spreads sends over live instances (one instance each, not both)', async () => {
    const t = transport();
    const a = recorder();
    const b = recorder();
    const la = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, a.handler);
    const lb = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, b.handler);
    const link = t.connect({ name: 'child1', urls: [la.urls[0]!, lb.urls[0]!], secret: SECRET }, { cell: 'api' });
    for (let i = 0; i < 6; i++) await link.send(envelope(i), castOptions());
    expect(a.received).toHaveLength(3);
    expect(b.received).toHaveLength(3);
  });

  it('every instance down: unavailable naming each URL', async () => {
    const t = transport();
    const urls = [await closedPortUrl(), await closedPortUrl()];
    const link = t.connect({ name: 'child1', urls, secret: SECRET }, { cell: 'api' });
    const err = (await link.send(envelope(), castOptions()).catch((e: unknown) => e)) as CellwireError;
    expect(err).toMatchObject({ code: 'unavailable', cell: 'child1' });
    for (const u of urls) expect(err.message).toContain(u);
  });

  it('fanout delivers to every instance', async () => {
    const t = transport();
    const a = recorder();
    const b = recorder();
    const la = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, a.handler);
    const lb = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, b.handler);
    const link = t.connect({ name: 'child1', urls: [la.urls[0]!, lb.urls[0]!], secret: SECRET }, { cell: 'api' });

    await expect(link.send(envelope(), castOptions({ fanout: true }))).resolves.toBeUndefined();
    expect(a.received.map((m) => m.data)).toEqual([envelope()]);
    expect(b.received.map((m) => m.data)).toEqual([envelope()]);
    expect(link.stats()).toMatchObject({ sent: 1, failed: 0, partial: 0 });
  });

  it('fanout with one instance down resolves, counted as partial; with all down it rejects', async () => {
    const t = transport();
    const a = recorder();
    const la = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, a.handler);
    const down = await closedPortUrl();
    const link = t.connect({ name: 'child1', urls: [la.urls[0]!, down], secret: SECRET }, { cell: 'api' });

    await expect(link.send(envelope(), castOptions({ fanout: true }))).resolves.toBeUndefined();
    expect(a.received).toHaveLength(1);
    expect(link.stats()).toMatchObject({ sent: 1, failed: 0, partial: 1 });
    expect(link.stats().lastError?.message).toContain(down);

    const allDown = t.connect({ name: 'child1', urls: [down, await closedPortUrl()], secret: SECRET }, { cell: 'api' });
    await expect(allDown.send(envelope(), castOptions({ fanout: true }))).rejects.toMatchObject({ code: 'unavailable', cell: 'child1' });
    expect(allDown.stats()).toMatchObject({ sent: 0, failed: 1 });
  });

  it('rejects bad neighbour configs at connect time', () => {
    const t = transport();
    expect(() => t.connect({ name: 'c', urls: [] }, { cell: 'api' })).toThrow(/no URL/);
    expect(() => t.connect({ name: 'c', urls: ['amqp://localhost'] }, { cell: 'api' })).toThrow(CellwireError);
    expect(() => t.connect({ name: 'c', urls: ['http://x'], options: { tls: { ca: '/nonexistent/ca.pem' } } }, { cell: 'api' })).toThrow(
      /cannot read PEM file/,
    );
  });
});
