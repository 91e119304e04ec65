// Disposable fixtures for tests against the real RabbitMQ on 127.0.0.1:5672.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import type { Inbound, SendOptions } from '@cellwire/core';
import { createAmqpTransport, deleteCellTopology, type AmqpLogger, type AmqpTransport, type AmqpTransportOptions } from '../src/index.js';

const run = promisify(execFile);

export const BROKER = 'amqp://guest:guest@127.0.0.1:5672';
/** The default vhost, spelled as in the design's config example. */
export const SHARED_URL = `${BROKER}/%2F`;

export function vhostUrl(vhost: string): string {
  return `${BROKER}/${encodeURIComponent(vhost)}`;
}

export function rand(): string {
  return randomBytes(4).toString('hex');
}

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', args, { timeout: 60_000 });
  return stdout;
}

export function castOptions(over: Partial<SendOptions> = {}): SendOptions {
  return { messageType: 'targeted', fanout: false, expectReply: false, deadline: Date.now() + 5000, durable: false, ...over };
}

export function callOptions(over: Partial<SendOptions> = {}): SendOptions {
  return castOptions({ expectReply: true, ...over });
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Collects what the transport logs instead of printing it. */
export function memoryLog(): { log: AmqpLogger; lines: string[] } {
  const lines: string[] = [];
  return { log: (level, message, err) => lines.push(`${level} ${message}${err instanceof Error ? `: ${err.message}` : ''}`), lines };
}

/** A handler that records what it gets and answers calls with `reply(data)`. */
export function recorder(reply: (data: string) => string | undefined = (d) => `echo:${d}`) {
  const received: Inbound[] = [];
  const handler = async (m: Inbound): Promise<void> => {
    received.push(m);
    m.reply?.(reply(m.data));
  };
  return { received, handler };
}

/**
 * Tracks everything a test creates on the broker (cells' queues and exchanges, vhosts,
 * transports) and removes it afterwards.
 */
export class Fixtures {
  private readonly cells: { url: string; cell: string }[] = [];
  private readonly vhosts: string[] = [];
  private readonly transports: AmqpTransport[] = [];

  /** A cell name unique to this run; its queues are deleted on cleanup. */
  cell(tag: string, url: string = SHARED_URL): string {
    const cell = `t-${tag}-${rand()}`;
    this.cells.push({ url, cell });
    return cell;
  }

  transport(options: AmqpTransportOptions = {}): AmqpTransport {
    const t = createAmqpTransport({ log: memoryLog().log, reconnect: { initialDelayMs: 50, maxDelayMs: 500 }, drainTimeoutMs: 500, ...options });
    this.transports.push(t);
    return t;
  }

  /** Creates a vhost the guest user may use. */
  async vhost(): Promise<string> {
    const name = `cellwire-test-${rand()}`;
    await rabbitmqctl('add_vhost', name);
    this.vhosts.push(name);
    await rabbitmqctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*');
    return name;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.transports.splice(0).map((t) => t.close()));
    const byUrl = new Map<string, string[]>();
    for (const { url, cell } of this.cells.splice(0)) byUrl.set(url, [...(byUrl.get(url) ?? []), cell]);
    const vhosts = this.vhosts.splice(0);
    for (const [url, cells] of byUrl) {
      if (vhosts.some((v) => url === vhostUrl(v))) continue; // deleting the vhost deletes them
      for (const cell of cells) await deleteCellTopology(url, cell);
    }
    await Promise.all(vhosts.map((v) => rabbitmqctl('delete_vhost', v)));
  }
}

/** Opens a plain amqplib channel for looking at the broker from outside the transport. */
export async function inspect<T>(url: string, fn: (ch: import('amqplib').Channel) => Promise<T>): Promise<T> {
  const conn = await connect(url);
  try {
    const ch = await conn.createChannel();
    return await fn(ch);
  } finally {
    await conn.close();
  }
}
