// Issue 13, "Hostile and unlucky": forged answers, tampered routing headers, oversized
// answers, too many calls in flight, clients that hang up mid-body.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CellwireError } from '@cellwire/core';
import { HEADERS, MESSAGE_PATH, signMessage, signReply, type HttpLogger } from '../src/index.js';
import { callOptions, castOptions, envelope, rawPost, recorder, SECRET, transport } from './fixtures.js';

const secrets = { api: SECRET };

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

/** A plain HTTP server (no cellwire) answering every POST with `answer`. */
async function impostor(port: number, answer: (req: http.IncomingMessage, body: Buffer) => { status: number; body: string; headers?: Record<string, string> }) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const a = answer(req, Buffer.concat(chunks));
      res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(a.body), ...a.headers });
      res.end(a.body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

async function rejection(p: Promise<unknown>): Promise<CellwireError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CellwireError);
    return e as CellwireError;
  }
  throw new Error('expected the send to reject');
}

describe('answers are signed', () => {
  it('whoever answers on a dead child port gets unauthenticated, for calls and casts; its answer is never returned', async () => {
    const t = transport();
    const child = recorder((m) => m.reply?.('{"genuine":true}'));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    await expect(link.send(envelope(), callOptions())).resolves.toBe('{"genuine":true}'); // control: the real child
    const port = Number(new URL(listener.urls[0]!).port);
    await listener.close(); // the child dies ...

    await impostor(port, () => ({ status: 200, body: '{"forged":true}' })); // ... and something else takes its port
    const call = await rejection(link.send(envelope(2), callOptions()));
    expect(call).toMatchObject({ code: 'unauthenticated', cell: 'child1', retryable: false });
    expect(call.message).toMatch(/unsigned answer/);
    expect(call.message).not.toContain('forged');
    const cast = await rejection(link.send(envelope(3), castOptions()));
    expect(cast).toMatchObject({ code: 'unauthenticated', cell: 'child1' });
    expect(child.received).toHaveLength(1);
  });

  it('an answer signed with another secret, or a genuine answer to another request, is refused', async () => {
    const t = transport();
    const real = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, recorder((m) => m.reply?.(`{"for":${m.data}}`)).handler);
    // A man in the middle that knows the protocol but not the secret: it signs with a guess ...
    const guess = await impostor(0, (req, body) => {
      const request = String(req.headers[HEADERS.signature]);
      const text = '{"forged":true}';
      return { status: 200, body: text, headers: { [HEADERS.signature]: signReply('guess', { request, responder: 'child1', status: 200 }, text) } };
    });
    const viaGuess = t.connect({ name: 'child1', urls: [`http://127.0.0.1:${(guess.address() as AddressInfo).port}`], secret: SECRET }, { cell: 'api' });
    expect(await rejection(viaGuess.send(envelope(), callOptions()))).toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/wrongly signed/) });

    // ... or it replays a genuine, signed answer of the real child to an earlier request.
    let captured: { body: string; signature: string } | undefined;
    const replayer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (captured === undefined) {
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-cellwire-') || k === 'content-type')) as Record<string, string>;
          const answer = await fetch(real.urls[0]! + MESSAGE_PATH, { method: 'POST', headers, body: Buffer.concat(chunks) });
          captured = { body: await answer.text(), signature: answer.headers.get(HEADERS.signature) ?? '' };
        }
        res.writeHead(200, { 'content-type': 'application/json', [HEADERS.signature]: captured.signature });
        res.end(captured.body);
      });
    });
    servers.push(replayer);
    await new Promise<void>((r) => replayer.listen(0, '127.0.0.1', r));
    const viaReplay = t.connect({ name: 'child1', urls: [`http://127.0.0.1:${(replayer.address() as AddressInfo).port}`], secret: SECRET }, { cell: 'api' });
    await expect(viaReplay.send(envelope(1), callOptions())).resolves.toBe(`{"for":${envelope(1)}}`); // relayed: genuine
    expect(captured?.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(await rejection(viaReplay.send(envelope(2), callOptions()))).toMatchObject({ code: 'unauthenticated' });
  });

  it('unsigned error answers stay errors (a proxy 502 is unavailable), never a success', async () => {
    const t = transport();
    const proxy = await impostor(0, () => ({ status: 502, body: '<html>bad gateway</html>' }));
    const link = t.connect({ name: 'child1', urls: [`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`], secret: SECRET }, { cell: 'api' });
    expect(await rejection(link.send(envelope(), callOptions()))).toMatchObject({ code: 'unavailable', cell: 'child1' });
  });
});

describe('routing headers and the timestamp are signed', () => {
  async function child() {
    const t = transport();
    const rec = recorder((m) => m.reply?.('{}'));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, rec.handler);
    return { rec, messages: listener.urls[0]! + MESSAGE_PATH };
  }
  function call(deadline: number, over: { timestamp?: number; to?: string } = {}) {
    const timestamp = over.timestamp ?? Date.now();
    const body = envelope();
    const signature = signMessage(SECRET, { timestamp, from: 'api', to: over.to ?? 'child1', reply: '1', deadline }, body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [HEADERS.from]: 'api',
      [HEADERS.timestamp]: String(timestamp),
      [HEADERS.signature]: signature,
      [HEADERS.reply]: '1',
      [HEADERS.deadline]: String(deadline),
    };
    return { headers, body };
  }

  it('a correctly signed call is answered (control case)', async () => {
    const { rec, messages } = await child();
    const { headers, body } = call(Date.now() + 5000);
    expect((await rawPost(messages, headers, body)).status).toBe(200);
    expect(rec.received).toHaveLength(1);
  });

  it.each([
    ['the deadline stretched', (h: Record<string, string>) => ({ ...h, [HEADERS.deadline]: String(Number(h[HEADERS.deadline]) + 3_600_000) })],
    ['the deadline dropped', (h: Record<string, string>) => ({ ...h, [HEADERS.deadline]: '' })],
    ['the reply header dropped (call turned into a cast)', (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== HEADERS.reply))],
    ['the reply header changed', (h: Record<string, string>) => ({ ...h, [HEADERS.reply]: '0' })],
  ])('%s: 401, nothing runs', async (_name, tamper) => {
    const { rec, messages } = await child();
    const { headers, body } = call(Date.now() + 5000);
    const answer = await rawPost(messages, tamper(headers), body);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(rec.received).toHaveLength(0);
  });

  it('a cast signed without routing headers cannot be turned into a call', async () => {
    const { rec, messages } = await child();
    const timestamp = Date.now();
    const body = envelope();
    const headers = {
      'content-type': 'application/json',
      [HEADERS.from]: 'api',
      [HEADERS.timestamp]: String(timestamp),
      [HEADERS.signature]: signMessage(SECRET, { timestamp, from: 'api', to: 'child1' }, body),
    };
    expect((await rawPost(messages, { ...headers, [HEADERS.reply]: '1', [HEADERS.deadline]: String(Date.now() + 60_000) }, body)).status).toBe(401);
    expect(rec.received).toHaveLength(0);
    expect((await rawPost(messages, headers, body)).status).toBe(202); // as signed: accepted
  });

  it('a message signed for another cell, or an hour old, is refused', async () => {
    const { rec, messages } = await child();
    const other = call(Date.now() + 5000, { to: 'child2' });
    expect((await rawPost(messages, other.headers, other.body)).status).toBe(401);
    const old = call(Date.now() + 5000, { timestamp: Date.now() - 3_600_000 });
    const answer = await rawPost(messages, old.headers, old.body);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { message: expect.stringMatching(/timestamp outside/) } });
    expect(rec.received).toHaveLength(0);
  });
});

describe('bounded cost per request', () => {
  const big = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });

  it('an answer over the link limit is payload_too_large at the origin, quickly; the link keeps working', async () => {
    const t = transport();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, recorder((m) => m.reply?.(m.data.includes('"big"') ? big(4096) : '{}')).handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET, options: { maxBodyBytes: 1024 } }, { cell: 'api' });
    const started = Date.now();
    const err = await rejection(link.send('{"big":1}', callOptions({ deadline: Date.now() + 10_000 })));
    expect(err).toMatchObject({ code: 'payload_too_large', cell: 'child1' });
    expect(err.message).toContain('1024');
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(link.send('{"small":1}', callOptions())).resolves.toBe('{}');
  });

  it('an answer streamed without content-length is cut off at the limit, not buffered whole', async () => {
    const t = transport();
    let written = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        const pump = () => {
          while (written < 64 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const link = t.connect({ name: 'child1', urls: [`http://127.0.0.1:${(server.address() as AddressInfo).port}`], secret: SECRET, options: { maxBodyBytes: 64 * 1024 } }, { cell: 'api' });
    expect(await rejection(link.send(envelope(), callOptions({ deadline: Date.now() + 10_000 })))).toMatchObject({ code: 'payload_too_large', cell: 'child1' });
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('a listener refuses to send an answer over its own limit: the link gets payload_too_large, not the bytes', async () => {
    const t = transport();
    const listener = await t.listen(
      { cell: 'child1', url: 'http://127.0.0.1:0', secrets, options: { maxBodyBytes: 1024 } },
      recorder((m) => m.reply?.(big(4096))).handler,
    );
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    const err = await rejection(link.send('{}', callOptions({ deadline: Date.now() + 10_000 })));
    expect(err).toMatchObject({ code: 'payload_too_large', cell: 'child1' });
    expect(err.message).toMatch(/answer of cell child1 is \d+ bytes/);
  });

  it('in-flight sends per link are capped: beyond maxInFlight, resource_exhausted at once', async () => {
    const t = transport({ maxInFlight: 3 });
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, recorder().handler); // never replies
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    const waiting = Array.from({ length: 3 }, () => link.send(envelope(), callOptions({ deadline: Date.now() + 400 })).catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 50));
    expect(link.stats().inFlight).toBe(3);
    const started = Date.now();
    const err = await rejection(link.send(envelope(), castOptions()));
    expect(err).toMatchObject({ code: 'resource_exhausted', cell: 'child1' });
    expect(err.message).toContain('maxInFlight 3');
    expect(Date.now() - started).toBeLessThan(100);
    for (const e of await Promise.all(waiting)) expect(e).toMatchObject({ code: 'timeout' });
    expect(link.stats()).toMatchObject({ inFlight: 0, overloaded: 1 });
    await expect(link.send(envelope(), castOptions())).resolves.toBeUndefined(); // room again
    // The cap is per link and can be set per neighbour.
    const roomy = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET, options: { maxInFlight: 10 } }, { cell: 'api' });
    const many = Array.from({ length: 5 }, () => roomy.send(envelope(), callOptions({ deadline: Date.now() + 200 })).catch((e: unknown) => e));
    for (const e of await Promise.all(many)) expect(e).toMatchObject({ code: 'timeout' });
  });

  it('a client that hangs up mid-body costs one debug line, no error and no stack; the listener keeps serving', async () => {
    const lines: { level: string; message: string; error: unknown }[] = [];
    const log: HttpLogger = (level, message, error) => lines.push({ level, message, error });
    const t = transport({ log });
    const rec = recorder();
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, rec.handler);
    const { port } = new URL(listener.urls[0]!);
    const timestamp = Date.now();
    const body = envelope();
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST ${MESSAGE_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 100}\r\n` +
        `${HEADERS.from}: api\r\n${HEADERS.timestamp}: ${timestamp}\r\n${HEADERS.signature}: ${signMessage(SECRET, { timestamp, from: 'api', to: 'child1' }, body)}\r\n\r\n` +
        body.slice(0, 10),
    );
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 200));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'debug', message: expect.stringMatching(/cell api hung up after 10 of \d+ body bytes/), error: undefined });
    expect(lines[0]!.message).not.toMatch(/\n\s+at /);
    expect(rec.received).toHaveLength(0);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    await expect(link.send(envelope(), castOptions())).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
  });
});
