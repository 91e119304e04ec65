import { CellwireError, type InboundHandler, type ListenConfig, type NeighbourConfig, type Transport } from '@cellwire/core';
import { openLink, type HttpLink } from './link.js';
import { checkTransportOptions, type HttpTransportOptions } from './options.js';
import { startListener, type HttpListener } from './server.js';

/** The HTTP transport, with its link and listener types narrowed. */
export interface HttpTransport extends Transport {
  connect(neighbour: NeighbourConfig, local: { readonly cell: string }): HttpLink;
  listen(config: ListenConfig, onMessage: InboundHandler): Promise<HttpListener>;
}

/**
 * Creates the HTTP transport: a node:http(s) listener per cell, HMAC-signed messages on
 * `POST /v1/cell-messages`, and undici keep-alive pools for links.
 *
 * @example
 * const transport = createHttpTransport();
 * const listener = await transport.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets: { api: s } }, onMessage);
 * const link = transport.connect({ name: 'child1', urls: listener.urls, secret: s }, { cell: 'api' });
 * const reply = await link.send(envelope, { messageType: 'targeted', fanout: false, expectReply: true, deadline: Date.now() + 5000, durable: false });
 * await transport.close();
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  checkTransportOptions(options);
  const links = new Set<HttpLink>();
  const listeners = new Set<HttpListener>();
  let closed = false;

  const refuseIfClosed = () => {
    if (closed) throw new CellwireError('aborted', 'the http transport is closed');
  };

  return {
    schemes: ['http', 'https'],

    connect(neighbour, local) {
      refuseIfClosed();
      const link = openLink(neighbour, local, options, (l) => links.delete(l));
      links.add(link);
      return link;
    },

    async listen(config, onMessage) {
      refuseIfClosed();
      const listener = await startListener(config, onMessage, options);
      const tracked: HttpListener = {
        server: listener.server,
        urls: listener.urls,
        close: async () => {
          listeners.delete(tracked);
          await listener.close();
        },
      };
      listeners.add(tracked);
      return tracked;
    },

    async close() {
      closed = true;
      await Promise.all([...[...links].map((l) => l.close()), ...[...listeners].map((l) => l.close())]);
    },
  };
}
