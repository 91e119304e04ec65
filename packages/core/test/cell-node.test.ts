/**
 * A runner wired to its network (src/cell-node.ts): the transport chosen by each URL's scheme,
 * a link per neighbour on its side, listeners, and a close that releases all of it, also
 * when starting fails half way.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgument, silentLogger, startCellNode, transportFor, type Link, type Transport } from '../src/index.js';

interface Fake extends Transport {
  readonly events: string[];
}

function fakeTransport(schemes: string[], events: string[] = []): Fake {
  return {
    schemes,
    events,
    connect: (n, local) => {
      events.push(`connect ${local.cell}->${n.name} ${n.urls[0]}`);
      return { cell: n.name, send: async () => undefined, close: async () => void events.push(`close link ${n.name}`) } as Link;
    },
    listen: async (config, onMessage) => {
      events.push(`listen ${config.cell} ${config.url} ${typeof onMessage}`);
      return { urls: [config.url], close: async () => void events.push(`close listener ${config.url}`) };
    },
    close: async () => undefined,
  };
}

describe('transportFor', () => {
  it('picks the transport of a URL\'s scheme, in any case', () => {
    const mem = fakeTransport(['memory']);
    const http = fakeTransport(['http', 'https']);
    expect(transportFor([mem, http], 'memory://a')).toBe(mem);
    expect(transportFor([mem, http], 'HTTPS://a:1')).toBe(http);
  });

  it('refuses a scheme no transport serves, saying which ones it has', () => {
    const http = fakeTransport(['http', 'https']);
    expect(() => transportFor([http], 'amqp://q')).toThrow(InvalidArgument);
    expect(() => transportFor([http], 'amqp://q')).toThrow("no transport for 'amqp:' URLs (amqp://q); have http, https");
    expect(() => transportFor([http], 'no-scheme')).toThrow("no transport for ':' URLs (no-scheme)");
  });
});

describe('startCellNode', () => {
  it('links each neighbour on its side through its first URL\'s transport, and listens', async () => {
    const events: string[] = [];
    const mem = fakeTransport(['memory'], events);
    const http = fakeTransport(['http'], events);
    const node = await startCellNode({
      name: 'mid',
      logger: silentLogger,
      transports: [mem, http],
      listen: [{ url: 'memory://mid' }, { url: 'http://127.0.0.1:1' }],
      parents: [{ name: 'top', urls: ['http://top', 'memory://unused'] }],
      children: [{ name: 'leaf', urls: ['memory://leaf'] }],
    });
    expect(node.runner.name).toBe('mid');
    expect([...node.runner.state.parents.keys()]).toEqual(['top']);
    expect([...node.runner.state.children.keys()]).toEqual(['leaf']);
    expect(node.runner.state.parents.get('top')?.link.cell).toBe('top');
    expect(node.listeners.map((l) => l.urls[0])).toEqual(['memory://mid', 'http://127.0.0.1:1']);
    expect(events).toEqual(['connect mid->top http://top', 'connect mid->leaf memory://leaf', 'listen mid memory://mid function', 'listen mid http://127.0.0.1:1 function']);
    events.length = 0;
    await node.close();
    expect(node.runner.isClosed).toBe(true);
    expect(events.sort()).toEqual(['close link leaf', 'close link top', 'close listener http://127.0.0.1:1', 'close listener memory://mid']);
  });

  it('starts with no neighbours and no listeners, and disposes as it closes', async () => {
    const node = await startCellNode({ name: 'alone', logger: silentLogger, transports: [] });
    expect(node.listeners).toEqual([]);
    expect(node.runner.state.isTop()).toBe(true);
    await node[Symbol.asyncDispose]();
    expect(node.runner.isClosed).toBe(true);
  });

  it('a neighbour without a URL fails the start and releases what was opened', async () => {
    const events: string[] = [];
    const mem = fakeTransport(['memory'], events);
    await expect(
      startCellNode({
        name: 'mid',
        logger: silentLogger,
        transports: [mem],
        parents: [{ name: 'top', urls: ['memory://top'] }],
        children: [{ name: 'leaf', urls: [] }],
      }),
    ).rejects.toThrow('neighbour leaf has no URL');
    expect(events).toEqual(['connect mid->top memory://top', 'close link top']);
  });

  it('a listener on a scheme no transport serves fails the start and closes the listeners opened', async () => {
    const events: string[] = [];
    const mem = fakeTransport(['memory'], events);
    await expect(
      startCellNode({ name: 'mid', logger: silentLogger, transports: [mem], listen: [{ url: 'memory://mid' }, { url: 'http://x' }] }),
    ).rejects.toBeInstanceOf(InvalidArgument);
    expect(events).toEqual(['listen mid memory://mid function', 'close listener memory://mid']);
  });
});
