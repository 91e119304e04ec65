/**
 * The pool entry for one broker URL: its reconnecting connection, shared by every link and
 * listener on that URL, and the publisher that links share. Reference-counted: the
 * connection closes when the last link or listener on it closes.
 */
import { ReconnectingConnection } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { Publisher } from './publisher.js';

export class Broker {
  readonly conn: ReconnectingConnection;
  private publisherValue: Publisher | undefined;
  private refs = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly key: string,
    urls: readonly string[],
    private readonly options: ResolvedOptions,
    private readonly onIdle: (broker: Broker) => void,
  ) {
    this.conn = new ReconnectingConnection(urls, options);
  }

  /** The shared publisher; its channel opens with the first link. */
  publisher(): Publisher {
    this.publisherValue ??= new Publisher(this.conn, this.options);
    return this.publisherValue;
  }

  get pendingCount(): number {
    return this.publisherValue?.pendingCount ?? 0;
  }

  acquire(): void {
    this.refs++;
  }

  /** Drops one reference; the last one closes the connection. */
  async release(): Promise<void> {
    this.refs--;
    if (this.refs > 0) return;
    await this.close();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.onIdle(this);
      await this.publisherValue?.close();
      await this.conn.close();
    })();
    return this.closing;
  }
}
