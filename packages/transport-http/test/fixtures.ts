// Disposable test fixtures: real servers on 127.0.0.1, closed after each test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { Inbound, SendOptions } from '@cellwire/core';
import { createHttpTransport, type HttpTransport, type HttpTransportOptions } from '../src/index.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A transport closed after the test. */
export function transport(options?: HttpTransportOptions): HttpTransport {
  const t = createHttpTransport(options);
  cleanups.push(() => t.close());
  return t;
}

export const SECRET = 'link-secret-api-child1';

export function castOptions(overrides: Partial<SendOptions> = {}): SendOptions {
  return { messageType: 'targeted', fanout: false, expectReply: false, deadline: Date.now() + 5_000, durable: false, ...overrides };
}

export function callOptions(overrides: Partial<SendOptions> = {}): SendOptions {
  return castOptions({ expectReply: true, ...overrides });
}

export const envelope = (n = 1) => JSON.stringify({ message_type: 'targeted', method_name: 'ping', method_kwargs: { n } });

/** Records what a listener received; `handle` decides what to do with each message. */
export function recorder(handle: (m: Inbound) => void | Promise<void> = () => {}) {
  const received: Inbound[] = [];
  const handler = async (m: Inbound) => {
    received.push(m);
    await handle(m);
  };
  return { received, handler };
}

/** A URL where nothing listens: bound once, then closed. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

export interface RawAnswer {
  readonly status: number;
  readonly body: string;
  readonly json: unknown;
}

/** One POST with exactly the given headers and body, on a fresh connection. */
export function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer | AsyncIterable<Buffer>,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    // The server may answer and close before the whole body is written: that is the point.
    req.on('error', (e) => reject(e));
    if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else
      void (async () => {
        try {
          for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
          req.end();
        } catch {
          // The server stopped reading; the answer (or the error) settles the promise.
        }
      })();
  });
}

/** Error code of a rejection, for `expect(...).rejects`. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? 'no code';
  }
  return 'resolved';
}
