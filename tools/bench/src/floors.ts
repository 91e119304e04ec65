/**
 * The raw floor of each transport on the same workload: the fewest pieces that still move
 * the same JSON request and answer. No routing, no envelope, no validation, no signing.
 *
 * - memory: JSON.stringify + JSON.parse of the request and of the answer, with an await;
 * - http: a node:http server and an undici Pool client (the pieces transport-http uses);
 * - amqp: amqplib with direct reply-to (the pieces transport-amqp uses), the server
 *   consuming with manual acks and the same prefetch as a cellwire listener (64);
 * - 2 hops: the same pieces forwarding through a middle process, which parses the request
 *   and the answer and encodes them again, as a middle cell must to route them.
 *
 * Servers live in the cells processes (cells-proc.ts); clients in the bench process.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { Pool } from 'undici';
import { rawAnswer } from './workload.js';
import { copyJson, MAX_MESSAGE_DEPTH } from '@cellwire/core';

export type Call = () => Promise<unknown>;

// ---------------------------------------------------------------------------------------
// memory
// ---------------------------------------------------------------------------------------

/** In-process: encode the request, decode it, answer, encode the answer, decode it; `hops` times. */
export function memoryFloor(request: unknown, hops: number): Call {
  if (hops === 1) {
    return async () => {
      const req = JSON.stringify(request);
      await null;
      const res = JSON.stringify(rawAnswer(JSON.parse(req)));
      await null;
      return JSON.parse(res);
    };
  }
  // Through a middle: it decodes and re-encodes the request and the answer.
  return async () => {
    const req = JSON.stringify(request);
    await null;
    const fwd = JSON.stringify(JSON.parse(req));
    await null;
    const res = JSON.stringify(rawAnswer(JSON.parse(fwd)));
    await null;
    const back = JSON.stringify(JSON.parse(res));
    await null;
    return JSON.parse(back);
  };
}

/** A one-way message in memory: encode, await, decode (what a cast costs at the least). */
export function memoryCastFloor(request: unknown): Call {
  return async () => {
    const req = JSON.stringify(request);
    await null;
    rawAnswer(JSON.parse(req));
  };
}

/**
 * The bound cellwire's memory transport cannot go below: its own envelopes copied both ways,
 * as it hands them over (copyJson; no cell may share another's objects).
 */
export function envelopeCopyFloor(requestEnvelope: unknown, responseEnvelope: unknown): Call {
  return async () => {
    copyJson(requestEnvelope, MAX_MESSAGE_DEPTH);
    await null;
    const res = copyJson(responseEnvelope, MAX_MESSAGE_DEPTH);
    await null;
    return res;
  };
}

// ---------------------------------------------------------------------------------------
// http
// ---------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body?: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body === undefined ? 0 : Buffer.byteLength(body) });
  res.end(body);
}

async function listen(server: http.Server): Promise<string> {
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Answers each POST with the workload's answer; `x-cast: 1` gets 202 and no body. */
export async function rawHttpServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const request = JSON.parse(body);
        if (req.headers['x-cast'] === '1') {
          rawAnswer(request);
          reply(res, 202);
        } else reply(res, 200, JSON.stringify(rawAnswer(request)));
      },
      () => res.destroy(),
    );
  });
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}

/** Decodes each request, sends it on to `next`, decodes the answer and sends it back. */
export async function rawHttpForwarder(next: string): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool(next, { connections: null });
  const server = http.createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const fwd = JSON.stringify(JSON.parse(body));
        const r = await pool.request({ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: fwd });
        const text = await r.body.text();
        reply(res, 200, JSON.stringify(JSON.parse(text)));
      })
      .catch(() => res.destroy());
  });
  const url = await listen(server);
  return {
    url,
    close: async () => {
      await closeServer(server);
      await pool.destroy();
    },
  };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The client: an undici Pool, POST the request, read and decode the answer. */
export function rawHttpClient(url: string, request: unknown, cast = false): { call: Call; close(): Promise<void> } {
  const pool = new Pool(url, { connections: null });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (cast) headers['x-cast'] = '1';
  return {
    call: async () => {
      const r = await pool.request({ method: 'POST', path: '/', headers, body: JSON.stringify(request) });
      const text = await r.body.text();
      if (r.statusCode >= 300) throw new Error(`raw http: ${r.statusCode}`);
      return cast ? undefined : JSON.parse(text);
    },
    close: () => pool.destroy(),
  };
}

// ---------------------------------------------------------------------------------------
// amqp
// ---------------------------------------------------------------------------------------

const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';
/** As transport-amqp's connections: no Nagle delay on small messages. */
const SOCKET = { noDelay: true };
const PREFETCH = 64;

/** A caller's side of direct reply-to: one channel that publishes and consumes the replies. */
class ReplyClient {
  private readonly pending = new Map<string, (m: ConsumeMessage) => void>();
  private seq = 0;
  private constructor(readonly channel: Channel) {}

  static async open(conn: ChannelModel): Promise<ReplyClient> {
    const ch = await conn.createChannel();
    const client = new ReplyClient(ch);
    await ch.consume(DIRECT_REPLY_TO, (m) => m && client.onReply(m), { noAck: true });
    return client;
  }

  private onReply(m: ConsumeMessage): void {
    const id = m.properties.correlationId as string;
    const done = this.pending.get(id);
    if (!done) return;
    this.pending.delete(id);
    done(m);
  }

  request(queue: string, body: Buffer): Promise<ConsumeMessage> {
    const id = (++this.seq).toString(36);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.channel.publish('', queue, body, { mandatory: true, correlationId: id, replyTo: DIRECT_REPLY_TO, contentType: 'application/json' });
    });
  }
}

/** Consumes `queue`, answers on the reply-to of each message, acks. Cast messages (no reply-to) are just acked. */
export async function rawAmqpServer(url: string, queue: string): Promise<{ close(): Promise<void> }> {
  const conn = await amqp.connect(url, SOCKET);
  const ch = await conn.createChannel();
  await ch.assertQueue(queue, { durable: true });
  await ch.prefetch(PREFETCH);
  await ch.consume(queue, (m) => {
    if (!m) return;
    const request = JSON.parse(m.content.toString('utf8'));
    const answer = rawAnswer(request);
    if (m.properties.replyTo) {
      ch.publish('', m.properties.replyTo as string, Buffer.from(JSON.stringify(answer)), {
        correlationId: m.properties.correlationId as string,
        contentType: 'application/json',
      });
    }
    ch.ack(m);
  });
  return { close: () => closeAmqp(conn, ch, [queue]) };
}

/** Consumes `queue`, forwards each request to `next` with its own direct reply-to, answers with the decoded and re-encoded reply. */
export async function rawAmqpForwarder(url: string, queue: string, next: string): Promise<{ close(): Promise<void> }> {
  const conn = await amqp.connect(url, SOCKET);
  const ch = await conn.createChannel();
  await ch.assertQueue(queue, { durable: true });
  await ch.prefetch(PREFETCH);
  const out = await ReplyClient.open(conn);
  await ch.consume(queue, (m) => {
    if (!m) return;
    const fwd = Buffer.from(JSON.stringify(JSON.parse(m.content.toString('utf8'))));
    void out.request(next, fwd).then((r) => {
      const back = JSON.stringify(JSON.parse(r.content.toString('utf8')));
      ch.publish('', m.properties.replyTo as string, Buffer.from(back), { correlationId: m.properties.correlationId as string, contentType: 'application/json' });
      ch.ack(m);
    });
  });
  return {
    close: async () => {
      await out.channel.close().catch(() => undefined);
      await closeAmqp(conn, ch, [queue]);
    },
  };
}

/** The client side: calls with direct reply-to, or casts with publisher confirms (persistent, as cellwire's casts). */
export async function rawAmqpClient(url: string, queue: string, request: unknown): Promise<{ call: Call; cast: Call; close(): Promise<void> }> {
  const conn = await amqp.connect(url, SOCKET);
  const client = await ReplyClient.open(conn);
  const confirm: ConfirmChannel = await conn.createConfirmChannel();
  return {
    call: async () => {
      const r = await client.request(queue, Buffer.from(JSON.stringify(request)));
      return JSON.parse(r.content.toString('utf8'));
    },
    cast: () =>
      new Promise<void>((resolve, reject) => {
        confirm.publish('', queue, Buffer.from(JSON.stringify(request)), { mandatory: true, persistent: true, contentType: 'application/json' }, (err) =>
          err ? reject(err) : resolve(),
        );
      }),
    close: async () => {
      await client.channel.close().catch(() => undefined);
      await confirm.close().catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}

async function closeAmqp(conn: ChannelModel, ch: Channel, queues: string[]): Promise<void> {
  for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
  await ch.close().catch(() => undefined);
  await conn.close().catch(() => undefined);
}
