/**
 * A rolling upgrade caught half-way (docs/upgrades.md): three cells, the middle one still on
 * version 1.0.0 of the `greeter` service (test/versions/v1), top and bottom on 1.1.0
 * (test/versions/v2: one optional argument more on `hello`, one method more, `farewell`).
 * Real links: top -> middle over HTTP, middle -> bottom over AMQP (RabbitMQ), both signed.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext, serve, silentLogger, startCellNode, type CellNode, type HandlerContext, type Response } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { createAmqpTransport } from '@cellwire/transport-amqp';
import { createHttpTransport } from '@cellwire/transport-http';
import { AMQP_URL, deleteQueues } from './fixtures/kits.js';
import { greeter as greeterV1, type GreeterHandlers as V1Handlers } from './versions/v1/gen/index.js';
import { greeter as greeterV2, type GreeterHandlers as V2Handlers } from './versions/v2/gen/index.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** One handler run: where, what, the arguments the handler got, and the sender's service version. */
interface Run {
  readonly cell: string;
  readonly method: string;
  readonly args: unknown;
  readonly from: string | undefined;
}

const runs: Run[] = [];
const record = (cell: string, method: string, ctx: HandlerContext, args: unknown) =>
  void runs.push({ cell, method, args, from: ctx.message.service_version });

function v1Handlers(cell: string): V1Handlers {
  return {
    hello: (ctx, args) => (record(cell, 'hello', ctx, args), `${args.name} greets ${ctx.routingPath}`),
    report: (ctx, args) => (record(cell, 'report', ctx, args), ctx.routingPath),
  };
}

function v2Handlers(cell: string): V2Handlers {
  return {
    hello: (ctx, args) => (record(cell, 'hello', ctx, args), `${args.shout ? args.name.toUpperCase() : args.name} greets ${ctx.routingPath}`),
    report: (ctx, args) => (record(cell, 'report', ctx, args), ctx.routingPath),
    farewell: (ctx, args) => (record(cell, 'farewell', ctx, args), `bye ${args.name} from ${ctx.routingPath}`),
  };
}

const ctxt = makeContext();
const opts = { timeoutMs: 10_000 };
const answers = (rs: Response<string>[]) => rs.map((r) => [r.cellName, r.failure ? r.error?.code : r.value]);

let top: CellNode;
let middle: CellNode;
let bottom: CellNode;
const prefix = `cwversions-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const ports = { top: await freePort(), middle: await freePort() };
  const http = (p: number) => `http://127.0.0.1:${p}`;
  const secrets = { topMiddle: randomBytes(16).toString('hex'), middleBottom: randomBytes(16).toString('hex') };
  const amqp = () => createAmqpTransport({ prefix, log: () => undefined, drainTimeoutMs: 200 });
  top = await startCellNode({
    name: 'top',
    services: [serve(greeterV2, v2Handlers('top'))],
    logger: silentLogger,
    transports: [createHttpTransport()],
    listen: [{ url: http(ports.top), secrets: { middle: secrets.topMiddle } }],
    children: [{ name: 'middle', urls: [http(ports.middle)], secret: secrets.topMiddle }],
  });
  middle = await startCellNode({
    name: 'middle',
    services: [serve(greeterV1, v1Handlers('middle'))],
    logger: silentLogger,
    transports: [createHttpTransport(), amqp()],
    listen: [
      { url: http(ports.middle), secrets: { top: secrets.topMiddle } },
      { url: AMQP_URL, secrets: { bottom: secrets.middleBottom } },
    ],
    parents: [{ name: 'top', urls: [http(ports.top)], secret: secrets.topMiddle }],
    children: [{ name: 'bottom', urls: [AMQP_URL], secret: secrets.middleBottom }],
  });
  bottom = await startCellNode({
    name: 'bottom',
    services: [serve(greeterV2, v2Handlers('bottom'))],
    logger: silentLogger,
    transports: [amqp()],
    listen: [{ url: AMQP_URL, secrets: { middle: secrets.middleBottom } }],
    parents: [{ name: 'middle', urls: [AMQP_URL], secret: secrets.middleBottom }],
  });
});

afterAll(async () => {
  await Promise.allSettled([top, middle, bottom].filter(Boolean).map((n) => n.close()));
  await deleteQueues(AMQP_URL, ['middle', 'bottom'].flatMap((c) => ['targeted', 'broadcast', 'response'].map((t) => `${prefix}.${c}.${t}`)));
});

describe('a tree with an old cell in the middle (top 1.1.0 -HTTP-> middle 1.0.0 -AMQP-> bottom 1.1.0)', () => {
  it('the links are the real transports', () => {
    expect(middle.listeners.map((l) => l.urls[0]!.split(':')[0])).toEqual(['http', 'amqp']);
    expect(bottom.listeners.map((l) => l.urls[0]!.split(':')[0])).toEqual(['amqp']);
    expect(middle.runner.state.children.get('bottom')!.link.constructor.name).toMatch(/Amqp/);
  });

  it('old methods work both ways: newer to older, older to newer, down and up', async () => {
    runs.length = 0;
    const fromTop = createClient(greeterV2, top.runner);
    expect(answers(await fromTop.hello(ctxt, { cell_name: 'top!middle', name: 'ann' }, opts))).toEqual([['top!middle', 'ann greets top!middle']]);
    expect(answers(await fromTop.hello(ctxt, { cell_name: 'top!middle!bottom', name: 'ann' }, opts))).toEqual([
      ['top!middle!bottom', 'ann greets top!middle!bottom'],
    ]);
    // The old cell calling the newer one.
    const fromMiddle = createClient(greeterV1, middle.runner);
    expect(answers(await fromMiddle.hello(ctxt, { cell_name: 'middle!bottom', name: 'bob' }, opts))).toEqual([['middle!bottom', 'bob greets middle!bottom']]);
    // Every message says which version sent it; forwarding cells leave that alone.
    expect(runs.map((r) => [r.cell, r.from])).toEqual([
      ['middle', 'greeter@1.1.0'],
      ['bottom', 'greeter@1.1.0'],
      ['bottom', 'greeter@1.0.0'],
    ]);
    // A broadcast down from the top, and broadcasts up from the bottom and from the old cell.
    expect(answers(await fromTop.hello(ctxt, { name: 'ann' }, opts))).toEqual([
      ['top!middle!bottom', 'ann greets top!middle!bottom'],
      ['top!middle', 'ann greets top!middle'],
      ['top', 'ann greets top'],
    ]);
    expect(answers(await createClient(greeterV2, bottom.runner).report(ctxt, { note: 'up' }, opts))).toEqual([
      ['bottom!middle!top', 'bottom!middle!top'],
      ['bottom!middle', 'bottom!middle'],
      ['bottom', 'bottom'],
    ]);
    expect(answers(await fromMiddle.report(ctxt, {}, opts))).toEqual([
      ['middle!top', 'middle!top'],
      ['middle', 'middle'],
    ]);
  });

  it('the new method reaches the cell that has it through the old cell, which only forwards it', async () => {
    runs.length = 0;
    const fromTop = createClient(greeterV2, top.runner);
    expect(answers(await fromTop.farewell(ctxt, { cell_name: 'top!middle!bottom', name: 'ann' }, opts))).toEqual([
      ['top!middle!bottom', 'bye ann from top!middle!bottom'],
    ]);
    expect(runs.map((r) => [r.cell, r.method, r.from])).toEqual([['bottom', 'farewell', 'greeter@1.1.0']]);
    // Sent to the old cell itself, it is a typed refusal naming that cell.
    const [atMiddle] = await fromTop.farewell(ctxt, { cell_name: 'top!middle', name: 'ann' }, opts);
    expect(atMiddle!.failure).toBe(true);
    expect(atMiddle!.error).toMatchObject({ code: 'unknown_method', cell: 'top!middle' });
  });

  it('a broadcast of the new method: the old cell answers unknown_method for itself only, the cells below and above answer', async () => {
    runs.length = 0;
    const res = await createClient(greeterV2, top.runner).farewell(ctxt, { name: 'ann' }, opts);
    expect(answers(res)).toEqual([
      ['top!middle!bottom', 'bye ann from top!middle!bottom'],
      ['top!middle', 'unknown_method'],
      ['top', 'bye ann from top'],
    ]);
    expect(res[1]!.error?.message).toMatch(/farewell/);
    expect(runs.map((r) => r.cell).sort()).toEqual(['bottom', 'top']);
  });

  it('the new optional argument does not break the old cell: it runs without it, and the cell below still gets it', async () => {
    runs.length = 0;
    const fromTop = createClient(greeterV2, top.runner);
    expect(answers(await fromTop.hello(ctxt, { cell_name: 'top!middle', name: 'ann', shout: true }, opts))).toEqual([['top!middle', 'ann greets top!middle']]);
    expect(answers(await fromTop.hello(ctxt, { name: 'ann', shout: true }, opts))).toEqual([
      ['top!middle!bottom', 'ANN greets top!middle!bottom'],
      ['top!middle', 'ann greets top!middle'],
      ['top', 'ANN greets top'],
    ]);
    expect(answers(await fromTop.hello(ctxt, { cell_name: 'top!middle!bottom', name: 'ann', shout: true }, opts))).toEqual([
      ['top!middle!bottom', 'ANN greets top!middle!bottom'],
    ]);
    // What each handler was given: the old cell never sees `shout`.
    expect(runs.filter((r) => r.cell === 'middle').map((r) => r.args)).toEqual([
      { cell_name: 'top!middle', name: 'ann' },
      { name: 'ann' },
    ]);
    expect(runs.filter((r) => r.cell === 'bottom').map((r) => r.args)).toEqual([
      { name: 'ann', shout: true },
      { cell_name: 'top!middle!bottom', name: 'ann', shout: true },
    ]);
  });

  it('the old cell, as a sender, still checks its own schema: it cannot send what it does not know', async () => {
    await expect(
      createClient(greeterV1, middle.runner).hello(ctxt, { cell_name: 'middle!bottom', name: 'bob', shout: true } as never, opts),
    ).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/must NOT have additional properties 'shout'/) });
  });
});
