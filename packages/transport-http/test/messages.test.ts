import { describe, expect, it } from 'vitest';
import { CellwireError } from '@cellwire/core';
import { MESSAGE_PATH } from '../src/index.js';
import { callOptions, castOptions, envelope, rawPost, recorder, SECRET, transport } from './fixtures.js';

const secrets = { api: SECRET };

describe('messages between two cells', () => {
  it('round trip: the reply text comes back on the same exchange', async () => {
    const t = transport();
    const child = recorder((m) => m.reply?.(JSON.stringify({ echo: JSON.parse(m.data) })));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    expect(listener.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listener.urls[0]).not.toBe('http://127.0.0.1:0');

    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    const reply = await link.send(envelope(7), callOptions());

    expect(JSON.parse(reply!)).toEqual({ echo: JSON.parse(envelope(7)) });
    expect(child.received).toHaveLength(1);
    expect(child.received[0]!.from).toBe('api');
    expect(child.received[0]!.data).toBe(envelope(7));
    expect(link.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it('cast: answered 202 once handled, resolves undefined, no reply function offered', async () => {
    const t = transport();
    const child = recorder();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });

    await expect(link.send(envelope(), castOptions())).resolves.toBeUndefined();
    expect(child.received).toHaveLength(1);
    expect(child.received[0]!.reply).toBeUndefined();
    expect(child.received[0]!.reject).toBeTypeOf('function');
  });

  it('reply(undefined) answers 204 and send resolves undefined', async () => {
    const t = transport();
    const child = recorder((m) => m.reply?.(undefined));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });

    await expect(link.send(envelope(), callOptions())).resolves.toBeUndefined();
  });

  it('the reply may come after the handler settled (forwarded message); only the first answer counts', async () => {
    const t = transport();
    const child = recorder((m) => {
      setTimeout(() => {
        m.reply?.('{"first":true}');
        m.reply?.('{"second":true}');
        m.reject?.(new CellwireError('internal', 'too late'));
      }, 50);
    });
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });

    await expect(link.send(envelope(), callOptions())).resolves.toBe('{"first":true}');
  });

  it('no reply before the deadline: the link rejects with timeout naming the cell', async () => {
    const t = transport();
    const child = recorder(); // never replies
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });

    const err = await link.send(envelope(), callOptions({ deadline: Date.now() + 200 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CellwireError);
    expect(err).toMatchObject({ code: 'timeout', cell: 'child1', retryable: true });
    expect((err as Error).message).toContain('child1');
    expect(link.stats()).toMatchObject({ sent: 0, failed: 1 });
    expect(link.stats().lastError?.code).toBe('timeout');
  });

  it('a deadline already past rejects with timeout without sending', async () => {
    const t = transport();
    const child = recorder();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });

    await expect(link.send(envelope(), castOptions({ deadline: Date.now() - 1 }))).rejects.toMatchObject({ code: 'timeout' });
    expect(child.received).toHaveLength(0);
  });

  it('the listener answers 504 timeout itself when its x-cellwire-deadline passes', async () => {
    const t = transport();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', options: { allowUnsigned: true } }, recorder().handler);
    const answer = await rawPost(
      listener.urls[0]! + MESSAGE_PATH,
      { 'content-type': 'application/json', 'x-cellwire-reply': '1', 'x-cellwire-deadline': String(Date.now() + 100) },
      envelope(),
    );
    expect(answer.status).toBe(504);
    expect(answer.json).toMatchObject({ error: { code: 'timeout' } });
  });

  it.each([
    ['invalid_argument', 400],
    ['payload_too_large', 413],
    ['unauthenticated', 401],
    ['unknown_method', 404],
    ['not_found', 404],
    ['routing_inconsistency', 400],
  ] as const)('reject(%s) answers HTTP %i and the link rejects with the same code', async (code, status) => {
    const t = transport();
    const child = recorder((m) => m.reject?.(new CellwireError(code, `refused: ${code}`)));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets, options: { allowUnsigned: true } }, child.handler);

    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    const err = await link.send(envelope(), callOptions()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code, cell: 'child1', details: { status } });
    expect((err as Error).message).toContain(`refused: ${code}`);
  });

  it('a handler that rejects (against the contract) becomes a 500, and the listener keeps serving', async () => {
    const t = transport();
    let calls = 0;
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, async () => {
      if (++calls === 1) throw new Error('boom');
    });
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    await expect(link.send(envelope(), castOptions())).rejects.toMatchObject({ code: 'internal', cell: 'child1' });
    await expect(link.send(envelope(), castOptions())).resolves.toBeUndefined();
  });

  it('other paths go to the fallback on the same port', async () => {
    const t = transport();
    const child = recorder();
    const listener = await t.listen(
      {
        cell: 'child1',
        url: 'http://127.0.0.1:0',
        secrets,
        options: {
          fallback: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ api: true, method: req.method, url: req.url }));
          },
        },
      },
      child.handler,
    );
    const health = await fetch(`${listener.urls[0]}/v1/health`);
    expect(await health.json()).toEqual({ api: true, method: 'GET', url: '/v1/health' });
    // GET on the message path is not a cell message either.
    const get = await fetch(`${listener.urls[0]}${MESSAGE_PATH}`);
    expect(await get.json()).toMatchObject({ api: true, method: 'GET' });
    // ...while POSTs to the message path still reach the transport.
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    await link.send(envelope(), castOptions());
    expect(child.received).toHaveLength(1);
  });

  it('without a fallback other paths answer 404 JSON', async () => {
    const t = transport();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, recorder().handler);
    const res = await fetch(`${listener.urls[0]}/v1/state`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('a listen URL with a path prefix serves messages below it', async () => {
    const t = transport();
    const child = recorder();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0/cells/child1/', secrets }, child.handler);
    expect(listener.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cells\/child1$/);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    await link.send(envelope(), castOptions());
    expect(child.received).toHaveLength(1);
  });

  it('keep-alive: many sequential sends share a few connections', async () => {
    const t = transport();
    const child = recorder((m) => m.reply?.('{}'));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    let connections = 0;
    listener.server.on('connection', () => connections++);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });

    const messages = 200;
    for (let i = 0; i < messages; i++) {
      await link.send(envelope(i), i % 2 === 0 ? castOptions() : callOptions());
    }
    expect(child.received).toHaveLength(messages);
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(3);
    expect(link.stats()).toMatchObject({ sent: messages, failed: 0 });
  });

  it('close(): in-flight sends reject with aborted, later sends too, and the transport refuses new work', async () => {
    const t = transport();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, recorder().handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    const pending = link.send(envelope(), callOptions({ deadline: Date.now() + 60_000 })).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await link.close();
    expect(await pending).toMatchObject({ code: 'aborted', cell: 'child1' });
    await expect(link.send(envelope(), castOptions())).rejects.toMatchObject({ code: 'aborted' });
    await t.close();
    expect(() => t.connect({ name: 'x', urls: ['http://127.0.0.1:1'] }, { cell: 'api' })).toThrow(CellwireError);
    expect(listener.server.listening).toBe(false);
  });
});
