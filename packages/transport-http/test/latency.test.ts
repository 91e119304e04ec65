/**
 * The round-trip time of an HTTP link: every answer says how long the listener held the
 * message (`x-cellwire-held-ms`), and the link takes that from the exchange's time. Through
 * a TCP proxy that delays each direction, the link measures the distance, not the work.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HEADERS, MESSAGE_PATH } from '../src/protocol.js';
import { signMessage } from '../src/signature.js';
import { callOptions, castOptions, envelope, recorder, SECRET, transport } from './fixtures.js';

const secrets = { api: SECRET };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A TCP proxy in front of `url` that holds every chunk `oneWayMs` in each direction. */
async function delayingProxy(url: string, oneWayMs: number): Promise<string> {
  const { hostname, port } = new URL(url);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), oneWayMs));
      from.on('end', () => setTimeout(() => to.end(), oneWayMs));
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the round-trip time of an HTTP link', () => {
  it('every answer carries how long the listener held the message', async () => {
    const t = transport();
    const child = recorder(async (m) => {
      await sleep(60);
      m.reply?.('{}');
    });
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const body = envelope();
    const timestamp = Date.now();
    const headers = {
      'content-type': 'application/json',
      [HEADERS.from]: 'api',
      [HEADERS.timestamp]: String(timestamp),
      [HEADERS.reply]: '1',
      [HEADERS.signature]: signMessage(SECRET, { timestamp, from: 'api', to: 'child1', reply: '1', deadline: '' }, body),
    };
    const answer = await new Promise<{ status: number; held: string | undefined }>((resolve, reject) => {
      const req = http.request(`${listener.urls[0]}${MESSAGE_PATH}`, { method: 'POST', headers }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, held: res.headers[HEADERS.held] as string | undefined });
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(200);
    expect(Number(answer.held)).toBeGreaterThanOrEqual(59);
  });

  it('the link learns its round trip from calls and casts, without the time the listener worked', async () => {
    const t = transport();
    const child = recorder(async (m) => {
      await sleep(150);
      m.reply?.('{}');
    });
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    expect(link.latency()).toBeUndefined();
    await link.send(envelope(1), callOptions());
    await link.send(envelope(2), castOptions());
    const l = link.latency();
    expect(l?.samples).toBe(2);
    // On this machine the link itself takes a few ms; the 150 ms of work are not counted.
    expect(l!.srttMs).toBeLessThan(150);
  });

  it('through a proxy that delays each direction 40 ms, the link measures at least 80 ms', async () => {
    const t = transport();
    const child = recorder((m) => m.reply?.('{}'));
    const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets }, child.handler);
    const far = await delayingProxy(listener.urls[0]!, 40);
    const link = t.connect({ name: 'child1', urls: [far], secret: SECRET }, { cell: 'api' });
    for (let i = 0; i < 4; i++) await link.send(envelope(i), callOptions());
    const l = link.latency()!;
    expect(l.samples).toBe(4);
    expect(l.srttMs).toBeGreaterThanOrEqual(79);
  });

  it('an answer without the header (a peer that predates it) teaches nothing', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const link = transport().connect({ name: 'old', urls: [`http://127.0.0.1:${(server.address() as AddressInfo).port}`] }, { cell: 'api' });
    await expect(link.send(envelope(), callOptions())).resolves.toBe('{}');
    expect(link.latency()).toBeUndefined();
  });
});
