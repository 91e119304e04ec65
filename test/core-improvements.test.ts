/**
 * What cellwire does better than the reference (docs/differences.md), on the memory
 * transport: one deadline per call with partial results kept, errors that name the cell,
 * hop limits on long chains, several parents, dedupe, validation before handlers, an
 * allow-list for remote error classes, abort, and no leaks. Generic runner behaviour is
 * checked with core's test service (echo, gather, note); the cell-state service and the
 * Nova methods appear where they are the subject.
 */
import { describe, expect, it } from 'vitest';
import {
  CellMaxHopCountReached,
  CellTimeout,
  CellwireError,
  InvalidArgument,
  RemoteError,
  defaultErrorRegistry,
  encodeEnvelope,
  makeContext,
  serve,
  silentLogger,
  MessageRunner,
  type CallContext,
  type Envelope,
  type HandlerContext,
  type Interceptor,
  type RunnerOptions,
  type SendOptions,
} from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { cellState, cellStateHandlers, novaCells } from '@cellwire/schema';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { amqpKit, httpKit } from './fixtures/kits.js';
import { REFERENCE_PATHS, memoryKit, startTree, type NetworkKit } from './fixtures/tree.js';
import { testHandlers, testService, testServices, type Run } from './fixtures/test-service.js';

const ctxt = makeContext();
const echo = testService.methods.echo;
const gather = testService.methods.gather;

/** Every cell serves the test service; echo and gather answer `fn` (default: the routing path), note records nothing. */
function answering(fn: (cell: string, ctx: HandlerContext, args: unknown) => string | Promise<string> = (_c, ctx) => ctx.routingPath) {
  return (cell: string) => [
    serve(testService, {
      echo: (ctx, args) => fn(cell, ctx, args),
      gather: (ctx, args) => fn(cell, ctx, args),
      note: () => null,
    }),
  ];
}

class QuotaExceeded extends CellwireError {
  override name = 'QuotaExceeded';
  constructor(message = 'quota exceeded') {
    super('remote', message);
  }
}

describe('deadlines', () => {
  it('a grandchild that never answers: 8 Responses, one timeout naming it, before the deadline plus a second', async () => {
    const kit = memoryKit();
    await using tree = await startTree({ kit, services: answering() });
    kit.network.blackhole('grandchild-cell1');
    const started = Date.now();
    const deadline = started + 1500;
    const res = await createClient(testService, tree.cell('api-cell')).gather(ctxt, {}, { deadline });
    expect(Date.now()).toBeLessThan(deadline + 1000);
    expect(res).toHaveLength(8);
    const failures = res.filter((r) => r.failure);
    expect(failures.map((r) => r.cellName)).toEqual(['api-cell!child-cell2!grandchild-cell1']);
    expect(failures[0]!.error).toBeInstanceOf(CellTimeout);
    expect(failures[0]!.error?.cell).toBe('api-cell!child-cell2!grandchild-cell1');
    // The answers that did arrive are kept.
    expect(new Set(res.filter((r) => !r.failure).map((r) => r.valueOrRaise()))).toEqual(
      new Set(REFERENCE_PATHS.filter((p) => p !== 'api-cell!child-cell2!grandchild-cell1')),
    );
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('a targeted call with no answer rejects with a timeout naming the target cell, and releases its waiter', async () => {
    const kit = memoryKit();
    await using tree = await startTree({ kit, services: answering() });
    kit.network.blackhole('grandchild-cell2');
    const target = 'api-cell!child-cell3!grandchild-cell2';
    const call = createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: target, text: 'h' }, { timeoutMs: 600 });
    // child-cell3 gave up a little before the deadline and said which cell did not answer.
    const err = await call.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CellTimeout);
    expect((err as CellTimeout).cell).toBe(target);
    expect((err as CellTimeout).message).toContain(target);
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('the origin itself rejects with CellTimeout when nothing at all comes back', async () => {
    const kit = memoryKit();
    await using tree = await startTree({ kit, services: answering() });
    kit.network.blackhole('child-cell1');
    const call = createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'h' }, { timeoutMs: 300 });
    const err = await call.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CellTimeout);
    expect((err as CellTimeout).cell).toBe('api-cell!child-cell1');
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('a targeted call through a stopped cell fails at once with unavailable naming that cell', async () => {
    const kit = memoryKit();
    await using tree = await startTree({ kit, services: answering() });
    kit.network.stop('child-cell2');
    const started = Date.now();
    const res = await createClient(testService, tree.cell('api-cell')).echo(
      ctxt,
      { cell_name: 'api-cell!child-cell2!grandchild-cell1', text: 'h' },
      { timeoutMs: 30_000 },
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(res.failure).toBe(true);
    expect(res.error?.code).toBe('unavailable');
    expect(res.error?.cell).toBe('api-cell!child-cell2');
  });

  it('a slow cell answers a broadcast with its own timeout, and nothing outlives the call', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await using tree = await startTree({
      services: answering((cell, ctx) => (cell === 'child-cell4' ? gate.then(() => ctx.routingPath) : ctx.routingPath)),
    });
    const res = await createClient(testService, tree.cell('api-cell')).gather(ctxt, {}, { timeoutMs: 400 });
    expect(res).toHaveLength(8);
    expect(res.filter((r) => r.failure).map((r) => r.cellName)).toEqual(['api-cell!child-cell4']);
    release();
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('a late answer to a targeted call is dropped and counted, without leaks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await using tree = await startTree({ services: answering((_cell, ctx) => gate.then(() => ctx.routingPath)) });
    const call = createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: 'api-cell!child-cell4', text: 'h' }, { timeoutMs: 300 });
    await expect(call).rejects.toBeInstanceOf(CellTimeout);
    // Past the deadline child-cell4 no longer holds api-cell's exchange: its answer comes
    // as a message of its own, which api-cell drops.
    await expect.poll(() => tree.cell('child-cell4').pendingCount()).toBe(0);
    release();
    await expect.poll(() => tree.cell('api-cell').stats.lateResponses).toBe(1);
    expect(tree.pending()).toBe(0);
  });
});

describe('hop limits and topology', () => {
  it('a 12-deep chain with max_hop_count 10: depth 9 answers, depth 10 gets CellMaxHopCountReached', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const layout = Object.fromEntries(names.slice(0, -1).map((n, i) => [n, [names[i + 1]!]]));
    await using tree = await startTree({ layout, services: answering(), runner: () => ({ maxHopCount: 10 }) });
    const client = createClient(testService, tree.cell('c0'));
    const path = (depth: number) => names.slice(0, depth + 1).join('!');
    const ok = await client.echo(ctxt, { cell_name: path(9), text: 'h' });
    expect(ok.valueOrRaise()).toBe(path(9));
    const tooFar = await client.echo(ctxt, { cell_name: path(11), text: 'h' });
    expect(() => tooFar.valueOrRaise()).toThrow(CellMaxHopCountReached);
    expect(tooFar.error?.cell).toBe(path(9));
    const all = await client.gather(ctxt, {});
    expect(all.map((r) => r.cellName).sort()).toEqual(names.slice(0, 10).map((_, d) => path(d)).sort());
  });

  it('a cell with two parents: a broadcast up reaches both; each parent sees it once', async () => {
    const layout = { top: ['left', 'right'], left: ['leaf'], right: ['leaf'] };
    const seen: string[] = [];
    await using tree = await startTree({
      layout,
      services: answering((_cell, ctx) => {
        seen.push(ctx.routingPath);
        return ctx.routingPath;
      }),
    });
    const res = (await tree.cell('leaf').broadcast(gather, ctxt, {}, { direction: 'up', needResponse: true }))!;
    // The top is reached through both parents but runs once: the second copy is a repeat,
    // answered with an empty list, so the caller sees each cell once.
    const names = res.map((r) => r.cellName);
    expect(names).toHaveLength(4);
    expect(names).toEqual(expect.arrayContaining(['leaf', 'leaf!left', 'leaf!right']));
    expect(names.filter((p) => p.endsWith('!top'))).toHaveLength(1);
    expect(seen.filter((p) => p.endsWith('!top'))).toHaveLength(1);
    expect(seen).toContain('leaf!left');
    expect(seen).toContain('leaf!right');
    expect(tree.cell('top').stats.duplicates).toBe(1);
    // A targeted call goes up through either parent.
    const viaRight = await tree.cell('leaf').targeted(echo, ctxt, { cell_name: 'leaf!right!top', text: 'h' }, { target: 'leaf!right!top', direction: 'up', needResponse: true });
    expect(viaRight?.valueOrRaise()).toBe('leaf!right!top');
  });
});

describe('dedupe, validation, remote errors, abort', () => {
  it('a redelivered cast (same uuid) runs once', async () => {
    const network = new MemoryNetwork();
    const runs: Run[] = [];
    const child = new MessageRunner({ name: 'child', logger: silentLogger, services: [serve(testService, testHandlers('child', runs))] });
    await network.transport().listen({ cell: 'child', url: 'memory://child' }, child.receive);
    const link = network.transport().connect({ name: 'child', urls: ['memory://child'] }, { cell: 'api' });
    // The receiver checks that the sender is its neighbour: api is child's parent.
    child.addNeighbour('parent', 'api', network.transport().connect({ name: 'api', urls: ['memory://api'] }, { cell: 'child' }));
    const env: Envelope = {
      message_type: 'targeted',
      ctxt,
      method_name: 'echo',
      method_kwargs: { cell_name: 'api!child', text: 'once', call: false },
      direction: 'down',
      need_response: false,
      fanout: false,
      uuid: '3f1e1f2a-5b8c-4c1e-9a0e-000000000042',
      routing_path: 'api',
      hop_count: 1,
      max_hop_count: 10,
      target_cell: 'api!child',
    };
    const opts = { messageType: 'targeted' as const, fanout: false, expectReply: false, deadline: Date.now() + 1000, durable: true };
    await link.send(encodeEnvelope(env), opts);
    await link.send(encodeEnvelope(env), opts);
    expect(runs.map((r) => r.ctx.uuid)).toEqual([env.uuid]);
    expect(child.stats.duplicates).toBe(1);
    expect(child.stats.invalid).toBe(0);
    child.close();
  });

  it('invalid arguments are rejected before any handler runs, at the origin and at the receiver', async () => {
    const ran: string[] = [];
    await using tree = await startTree({ services: answering((cell) => (ran.push(cell), 'x')) });
    const client = createClient(testService, tree.cell('api-cell'));
    await expect(client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 42 } as never)).rejects.toThrow(InvalidArgument);
    await expect(client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'h', extra: 1 } as never)).rejects.toThrow(
      /must NOT have additional properties 'extra'/,
    );
    // Bypass the origin's check by writing the envelope by hand: the receiving cell refuses it.
    const link = tree.cell('api-cell').state.children.get('child-cell1')!.link;
    const env = {
      message_type: 'targeted', ctxt, method_name: 'echo', method_kwargs: { cell_name: 'api-cell!child-cell1', text: 42 },
      direction: 'down', need_response: true, fanout: false, uuid: '7c0c2f56-0000-4000-8000-000000000007', routing_path: 'api-cell',
      hop_count: 1, max_hop_count: 10, target_cell: 'api-cell!child-cell1',
    };
    const reply = await link.send(JSON.stringify(env), { messageType: 'targeted', fanout: false, expectReply: true, deadline: Date.now() + 2000, durable: false });
    const responses = JSON.parse(reply!).method_kwargs.responses;
    expect(responses[0].failure).toBe(true);
    expect(responses[0].value.class).toBe('InvalidArgument');
    expect(responses[0].value.message).toContain('args.text must be string');
    expect(ran).toEqual([]);
  });

  it('garbage, unknown methods and unknown message types get typed refusals; the cell keeps serving', async () => {
    await using tree = await startTree({ services: answering() });
    const link = tree.cell('api-cell').state.children.get('child-cell1')!.link;
    const send = (data: string) =>
      link.send(data, { messageType: 'targeted', fanout: false, expectReply: true, deadline: Date.now() + 2000, durable: false });
    await expect(send('{not json')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(send(JSON.stringify({ message_type: 'bogus' }))).rejects.toMatchObject({ code: 'invalid_argument' });
    const unknown = {
      message_type: 'targeted', ctxt, method_name: '__proto__', method_kwargs: {}, direction: 'down', need_response: true, fanout: false,
      uuid: '11111111-0000-4000-8000-000000000001', routing_path: 'api-cell', hop_count: 1, max_hop_count: 10, target_cell: 'api-cell!child-cell1',
    };
    const reply = JSON.parse((await send(JSON.stringify(unknown)))!);
    expect(reply.method_kwargs.responses[0].value).toMatchObject({ class: 'UnknownMethod', kwargs: { code: 'unknown_method' } });
    const ok = await createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'h' });
    expect(ok.valueOrRaise()).toBe('api-cell!child-cell1');
  });

  it('an unregistered remote error class arrives as RemoteError; a registered one as itself', async () => {
    const registry = defaultErrorRegistry().register(QuotaExceeded, { module: 'test.errors' });
    await using tree = await startTree({
      services: answering(() => {
        throw new QuotaExceeded('over quota in this cell');
      }),
      runner: (cell) => (cell === 'api-cell' ? { errors: registry } : {}),
    });
    const res = await createClient(testService, tree.cell('api-cell')).gather(ctxt, {});
    const fromChild = res.find((r) => r.cellName === 'api-cell!child-cell1')!;
    // child-cell1 does not know the class: it sends it under cellwire.errors; api-cell
    // registered it under test.errors, so it is not the same class: RemoteError.
    expect(fromChild.value).toBeInstanceOf(RemoteError);
    expect((fromChild.value as RemoteError).remoteClass).toBe('QuotaExceeded');
    expect((fromChild.value as RemoteError).message).toContain('over quota in this cell');
    expect((fromChild.value as RemoteError).cell).toBe('api-cell!child-cell1');
    expect((fromChild.value as RemoteError).remoteTrace).toEqual([]);
    const local = res.find((r) => r.cellName === 'api-cell')!;
    expect(local.value).toBeInstanceOf(QuotaExceeded);
  });

  it('a class registered on both sides is rebuilt as its own class, with instanceof', async () => {
    const reg = () => defaultErrorRegistry().register(QuotaExceeded, { module: 'test.errors' });
    await using tree = await startTree({
      services: answering(() => {
        throw new QuotaExceeded('nope');
      }),
      runner: () => ({ errors: reg(), sendStacks: true }),
    });
    const r = await createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: 'api-cell!child-cell3!grandchild-cell3', text: 'h' });
    expect(r.value).toBeInstanceOf(QuotaExceeded);
    expect((r.value as QuotaExceeded).message).toBe('nope');
    expect(r.error?.cell).toBe('api-cell!child-cell3!grandchild-cell3');
    expect((r.value as Error).stack).toContain('QuotaExceeded');
  });

  it('aborting a call rejects it at once and releases its waiter', async () => {
    const kit = memoryKit();
    await using tree = await startTree({ kit, services: answering() });
    kit.network.blackhole('child-cell4');
    const ac = new AbortController();
    const client = createClient(testService, tree.cell('api-cell'));
    const targeted = client.echo(ctxt, { cell_name: 'api-cell!child-cell4', text: 'h' }, { signal: ac.signal, timeoutMs: 60_000 });
    const broadcast = client.gather(ctxt, {}, { signal: ac.signal, timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 20));
    expect(tree.cell('api-cell').pendingCount()).toBeGreaterThan(0);
    ac.abort();
    await expect(targeted).rejects.toMatchObject({ code: 'aborted' });
    await expect(broadcast).rejects.toMatchObject({ code: 'aborted' });
    expect(tree.cell('api-cell').pendingCount()).toBe(0);
    await expect(client.echo(ctxt, { cell_name: 'api-cell', text: 'h' }, { signal: ac.signal })).rejects.toMatchObject({ code: 'aborted' });
  });

  it('casts with a first hop that refuses are reported to the caller, broadcast casts too (naming who refused and who took it)', async () => {
    const kit = memoryKit();
    await using tree = await startTree({ kit, services: answering() });
    kit.network.stop('child-cell1');
    const client = createClient(testService, tree.cell('api-cell'));
    await expect(client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'h', call: false })).rejects.toMatchObject({
      code: 'unavailable',
      cell: 'api-cell!child-cell1',
    });
    // A broadcast cast down: child-cell1 cannot be reached, the other children can. The caller
    // learns it (an accepted cast is never silently dropped); the others keep their copy.
    const refused = await tree
      .cell('api-cell')
      .broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false })
      .then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'unavailable',
      details: { refused: ['api-cell!child-cell1'], accepted: ['api-cell!child-cell2', 'api-cell!child-cell3', 'api-cell!child-cell4'] },
    });
    expect(tree.cell('api-cell').stats.castFailures).toBe(2);
  });
});

/** An envelope as `from` would send it to its neighbour: one hop travelled. */
function handMade(fields: Partial<Envelope> & Pick<Envelope, 'method_name' | 'method_kwargs' | 'routing_path'>): Envelope {
  return {
    message_type: 'targeted',
    ctxt,
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid: crypto.randomUUID(),
    hop_count: 1,
    max_hop_count: 10,
    deadline: Date.now() + 3000,
    ...fields,
  };
}

const sendOpts = (messageType: SendOptions['messageType'] = 'targeted'): SendOptions => ({
  messageType,
  fanout: false,
  expectReply: true,
  deadline: Date.now() + 3000,
  durable: false,
});

describe.each([
  ['memory', () => memoryKit() as NetworkKit],
  ['http', httpKit],
  ['amqp, signed links', () => amqpKit(undefined, { signed: true })],
])('between neighbours (%s)', (_name, kit) => {
  it('a message whose last hop is not the sender, or whose direction does not fit the link, is refused as unauthenticated', async () => {
    const runs: Run[] = [];
    await using tree = await startTree({ kit: kit(), services: testServices(runs) });
    // This link is api-cell's: the transport reports api-cell as the sender.
    const link = tree.cell('api-cell').state.children.get('child-cell1')!.link;
    const child = tree.cell('child-cell1');
    const args = { cell_name: 'api-cell!child-cell1', text: 'forged' };
    // api-cell claims the message came from child-cell3 ...
    const spoofed = handMade({ method_name: 'echo', method_kwargs: args, routing_path: 'api-cell!child-cell3', hop_count: 2, target_cell: 'api-cell!child-cell3!child-cell1' });
    await expect(link.send(encodeEnvelope(spoofed), sendOpts())).rejects.toMatchObject({ code: 'unauthenticated' });
    // ... or sends, as a parent, a message going up.
    const upward = handMade({ method_name: 'echo', method_kwargs: args, routing_path: 'api-cell', direction: 'up', target_cell: 'api-cell!child-cell1' });
    await expect(link.send(encodeEnvelope(upward), sendOpts())).rejects.toMatchObject({ code: 'unauthenticated' });
    const broadcastUp = handMade({ message_type: 'broadcast', method_name: 'gather', method_kwargs: {}, routing_path: 'api-cell', direction: 'up' });
    await expect(link.send(encodeEnvelope(broadcastUp), sendOpts('broadcast'))).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(child.stats.invalid).toBe(3);
    expect(runs).toEqual([]);
    // The honest message on the same link is served.
    const honest = handMade({ method_name: 'echo', method_kwargs: args, routing_path: 'api-cell', target_cell: 'api-cell!child-cell1' });
    const reply = JSON.parse((await link.send(encodeEnvelope(honest), sendOpts()))!);
    expect(reply.method_kwargs.responses).toEqual([{ cell_name: 'api-cell!child-cell1', value: 'forged@api-cell!child-cell1', failure: false }]);
  });

  it('a repeated broadcast from the same neighbour gets no answer on its exchange; the first copy answers once', async () => {
    const runs: Run[] = [];
    await using tree = await startTree({ kit: kit(), services: testServices(runs) });
    const link = tree.cell('api-cell').state.children.get('child-cell3')!.link;
    const env = handMade({ message_type: 'broadcast', method_name: 'gather', method_kwargs: {}, routing_path: 'api-cell', run_locally: true });
    const first = link.send(encodeEnvelope(env), sendOpts('broadcast'));
    const second = link.send(encodeEnvelope(env), { ...sendOpts('broadcast'), deadline: Date.now() + 1000 });
    if (tree.kit.name.startsWith('amqp')) {
      // A reply queue cannot be told "nothing comes this way": the exchange just stays silent.
      await expect(second).rejects.toMatchObject({ code: 'timeout' });
    } else {
      await expect(second).resolves.toBeUndefined();
    }
    const reply = JSON.parse((await first)!);
    expect(reply.response_uuid).toBe(env.uuid);
    expect(reply.method_kwargs.responses.map((r: { cell_name: string }) => r.cell_name)).toEqual([
      'api-cell!child-cell3!grandchild-cell2',
      'api-cell!child-cell3!grandchild-cell3',
      'api-cell!child-cell3',
    ]);
    expect(runs.filter((r) => r.cell === 'child-cell3')).toHaveLength(1);
    expect(tree.cell('child-cell3').stats.duplicates).toBe(1);
    await expect.poll(() => tree.pending()).toBe(0);
  });
});

describe('services, routing through cells that do not know a method, duplicates, interceptors', () => {
  it('a cell that does not serve a method still forwards its broadcasts and targeted messages; only its own answer fails', async () => {
    const runs: Run[] = [];
    const services = testServices(runs);
    await using tree = await startTree({
      // child-cell3 knows nothing of the test service; child-cell4 knows it but implements nothing.
      services: (cell) => (cell === 'child-cell3' ? [] : cell === 'child-cell4' ? [testService] : services(cell)),
    });
    const client = createClient(testService, tree.cell('api-cell'));
    const res = await client.gather(ctxt, {});
    expect(res.map((r) => r.cellName).sort()).toEqual([...REFERENCE_PATHS].sort());
    const failed = res.filter((r) => r.failure);
    expect(failed.map((r) => r.cellName).sort()).toEqual(['api-cell!child-cell3', 'api-cell!child-cell4']);
    for (const f of failed) expect(f.error).toMatchObject({ code: 'unknown_method', cell: f.cellName });
    expect(failed.find((f) => f.cellName === 'api-cell!child-cell4')!.error?.message).toMatch(/not implemented/);
    // Both grandchildren under child-cell3 answered through it.
    expect(res.filter((r) => r.cellName.startsWith('api-cell!child-cell3!')).map((r) => r.valueOrRaise()).sort()).toEqual([
      'api-cell!child-cell3!grandchild-cell2',
      'api-cell!child-cell3!grandchild-cell3',
    ]);
    const through = await client.echo(ctxt, { cell_name: 'api-cell!child-cell3!grandchild-cell2', text: 'via' });
    expect(through.valueOrRaise()).toBe('via@api-cell!child-cell3!grandchild-cell2');
    const at = await client.echo(ctxt, { cell_name: 'api-cell!child-cell3', text: 'here' });
    expect(at.error).toMatchObject({ code: 'unknown_method', cell: 'api-cell!child-cell3' });
    // A broadcast cast up goes on through it as well.
    await createClient(testService, tree.cell('grandchild-cell2')).note(ctxt, { text: 'up' });
    await expect.poll(() => runs.filter((r) => r.method === 'note').map((r) => r.ctx.routingPath)).toEqual(['grandchild-cell2!child-cell3!api-cell']);
    expect(runs.filter((r) => r.cell === 'child-cell3' || r.cell === 'child-cell4')).toEqual([]);
    expect(tree.pending()).toBe(0);
  });

  it('a runner calls only what it serves; a wire name is served once', async () => {
    const bare = new MessageRunner({ name: 'bare', logger: silentLogger });
    await expect(createClient(testService, bare).echo(ctxt, { cell_name: 'bare', text: 'x' })).rejects.toMatchObject({
      code: 'unknown_method',
      message: expect.stringContaining("register service 'test_service'"),
    });
    expect(() => new MessageRunner({ name: 'twice', services: [testService, serve(testService, {})] })).toThrow(/registered twice/);
    const both = new MessageRunner({ name: 'both', logger: silentLogger, services: [serve(novaCells, {}), serve(cellState, cellStateHandlers()), testService] });
    expect(both.services().map((s) => s.name)).toEqual(['nova_cells', 'cell_state', 'test_service']);
    expect(both.method('echo')?.service.name).toBe('test_service');
    // Internal methods have no client stub and cannot be invoked by a caller.
    expect('updateCapabilities' in createClient(cellState, both)).toBe(false);
    await expect(both.invoke('update_capabilities', ctxt, { cell_name: 'x', capabilities: {} })).rejects.toMatchObject({ code: 'unknown_method' });
  });

  it('an answer of the wrong shape becomes a failure naming its cell', async () => {
    await using tree = await startTree({ services: answering(((cell: string, ctx: HandlerContext) => (cell === 'child-cell2' ? 42 : ctx.routingPath)) as never) });
    const client = createClient(testService, tree.cell('api-cell'));
    const r = await client.echo(ctxt, { cell_name: 'api-cell!child-cell2', text: 'x' });
    expect(r.failure).toBe(true);
    expect(r.error).toMatchObject({ code: 'invalid_argument', cell: 'api-cell!child-cell2', retryable: false });
    expect(r.error?.message).toMatch(/answered echo with a value of the wrong shape/);
    const all = await client.gather(ctxt, {});
    expect(all.filter((x) => x.failure).map((x) => x.cellName)).toEqual(['api-cell!child-cell2']);
  });

  it('a broadcast down reaching a cell through two parents runs there once; the second parent gets an empty list', async () => {
    const layout = { top: ['left', 'right'], left: ['leaf'], right: ['leaf'] };
    const runs: Run[] = [];
    await using tree = await startTree({ layout, services: testServices(runs) });
    const res = await createClient(testService, tree.cell('top')).gather(ctxt, {});
    const names = res.map((r) => r.cellName);
    expect(names).toHaveLength(4);
    expect(names).toEqual(expect.arrayContaining(['top', 'top!left', 'top!right']));
    expect(names.filter((n) => n.endsWith('!leaf'))).toHaveLength(1);
    expect(res.every((r) => !r.failure)).toBe(true);
    expect(runs.filter((r) => r.cell === 'leaf')).toHaveLength(1);
    expect(tree.cell('leaf').stats.duplicates).toBe(1);
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('new error codes and a sender-given retryable flag survive the trip', async () => {
    class Throttled extends CellwireError {
      override name = 'Throttled';
    }
    const errors: Record<string, () => Error> = {
      'child-cell1': () => new CellwireError('resource_exhausted', 'too many calls', { retryable: true }),
      'child-cell2': () => new CellwireError('unavailable', 'gone for good', { retryable: false }),
      'child-cell3': () => new CellwireError('failed_precondition', 'not in that state'),
      'child-cell4': () => new Throttled('permission_denied', 'not yours', { retryable: true }),
    };
    await using tree = await startTree({
      services: answering((cell, ctx) => {
        const make = errors[cell];
        if (make) throw make();
        return ctx.routingPath;
      }),
    });
    const client = createClient(testService, tree.cell('api-cell'));
    const at = (cell: string) => client.echo(ctxt, { cell_name: `api-cell!${cell}`, text: 'x' });
    const exhausted = await at('child-cell1');
    expect(exhausted.value).toBeInstanceOf(CellwireError);
    expect(exhausted.error).toMatchObject({ code: 'resource_exhausted', retryable: true, cell: 'api-cell!child-cell1' });
    expect((await at('child-cell2')).error).toMatchObject({ code: 'unavailable', retryable: false });
    expect((await at('child-cell3')).error).toMatchObject({ code: 'failed_precondition', retryable: false });
    const denied = await at('child-cell4');
    // Throttled is not registered: a RemoteError, with the sender's code and flag.
    expect(denied.value).toBeInstanceOf(RemoteError);
    expect(denied.error).toMatchObject({ code: 'permission_denied', retryable: true, remoteClass: 'Throttled', cell: 'api-cell!child-cell4' });
  });

  it('the cell-state service: capabilities cascade up; an update naming another cell is refused with permission_denied', async () => {
    await using tree = await startTree({
      runner: (cell): Partial<RunnerOptions> =>
        cell === 'grandchild-cell1' ? { capabilities: { hypervisor: ['xen'] } } : cell === 'child-cell4' ? { capabilities: { os: ['linux'] } } : {},
    });
    const api = tree.cell('api-cell');
    // A grandchild's report cascades: child-cell2 stores it and tells api-cell its own view.
    await createClient(cellState, tree.cell('grandchild-cell1')).tellParentsOurCapabilities(ctxt, {});
    await expect.poll(() => api.state.getOurCapabilities()).toEqual({ hypervisor: ['xen'] });
    // Asking the children (one level, as the reference) brings every child's view.
    await createClient(cellState, api).askChildrenForCapabilities(ctxt, {});
    await expect.poll(() => [...api.state.children.values()].map((c) => c.lastSeen > 0)).toEqual([true, true, true, true]);
    await expect.poll(() => api.state.getOurCapabilities()).toEqual({ hypervisor: ['xen'], os: ['linux'] });
    // child-cell1 reports for child-cell2: refused, nothing stored.
    const c2 = api.state.children.get('child-cell2')!;
    const before = { capabilities: c2.capabilities, lastSeen: c2.lastSeen };
    const update = cellState.methods.updateCapabilities;
    const forged = await tree.cell('child-cell1').targeted(update, ctxt, { cell_name: 'child-cell2', capabilities: { evil: ['yes'] } }, {
      target: 'child-cell1!api-cell',
      direction: 'up',
      needResponse: true,
    });
    expect(forged?.failure).toBe(true);
    expect(forged?.error).toMatchObject({ code: 'permission_denied', cell: 'child-cell1!api-cell' });
    expect({ capabilities: c2.capabilities, lastSeen: c2.lastSeen }).toEqual(before);
    expect(api.state.getOurCapabilities()).not.toHaveProperty('evil');
    // Its own report is taken.
    const own = await tree.cell('child-cell1').targeted(update, ctxt, { cell_name: 'child-cell1', capabilities: { gpu: ['a100'] } }, {
      target: 'child-cell1!api-cell',
      direction: 'up',
      needResponse: true,
    });
    expect(own?.valueOrRaise()).toBeNull();
    expect(api.state.children.get('child-cell1')!.capabilities).toEqual({ gpu: ['a100'] });
  });
});

describe('interceptors', () => {
  it('wrap calls at the origin and handlers at each cell, first outermost; a handler interceptor can refuse with permission_denied', async () => {
    const events: string[] = [];
    const trace =
      (tag: string): Interceptor =>
      (next) =>
      async (call: CallContext) => {
        events.push(`${tag}>${call.stage}:${call.cell}:${call.method.name}`);
        try {
          return await next(call);
        } finally {
          events.push(`${tag}<${call.stage}:${call.cell}`);
        }
      };
    // At the origin, every call gets a role; child-cell2 runs gather for admins only.
    const addRole: Interceptor = (next) => (call) =>
      call.stage === 'origin' ? next({ ...call, ctxt: { ...call.ctxt, roles: [...call.ctxt.roles, 'traced'] } }) : next(call);
    const adminsOnly: Interceptor = (next) => async (call) => {
      if (call.stage === 'handler' && call.cell === 'child-cell2' && !call.ctxt.roles.includes('admin')) {
        throw new CellwireError('permission_denied', `${call.method.name} needs the admin role`);
      }
      return next(call);
    };
    const seen: { cell: string; roles: readonly string[] }[] = [];
    await using tree = await startTree({
      services: answering((cell, ctx) => (seen.push({ cell, roles: ctx.ctxt.roles }), ctx.routingPath)),
      runner: (cell) => ({ interceptors: cell === 'api-cell' ? [trace('a'), trace('b'), addRole] : [adminsOnly] }),
    });
    const client = createClient(testService, tree.cell('api-cell'));
    const r = await client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'x' });
    expect(r.valueOrRaise()).toBe('api-cell!child-cell1');
    expect(events).toEqual(['a>origin:api-cell:echo', 'b>origin:api-cell:echo', 'b<origin:api-cell', 'a<origin:api-cell']);
    expect(seen).toEqual([{ cell: 'child-cell1', roles: ['traced'] }]);
    events.length = 0;
    // A self-targeted call runs both stages here.
    await client.echo(ctxt, { cell_name: 'api-cell', text: 'x' });
    expect(events).toEqual([
      'a>origin:api-cell:echo',
      'b>origin:api-cell:echo',
      'a>handler:api-cell:echo',
      'b>handler:api-cell:echo',
      'b<handler:api-cell',
      'a<handler:api-cell',
      'b<origin:api-cell',
      'a<origin:api-cell',
    ]);
    const res = await client.gather(ctxt, {});
    expect(res).toHaveLength(8);
    expect(res.filter((x) => x.failure).map((x) => [x.cellName, x.error?.code])).toEqual([['api-cell!child-cell2', 'permission_denied']]);
    // The refusal is child-cell2's own: its child was still reached.
    expect(res.find((x) => x.cellName === 'api-cell!child-cell2!grandchild-cell1')?.failure).toBe(false);
    expect(seen.filter((s) => s.cell === 'child-cell2')).toEqual([]);
    const admin = await client.gather({ ...ctxt, roles: ['admin'] }, {});
    expect(admin.every((x) => !x.failure)).toBe(true);
  });

  it('an origin interceptor that throws refuses the call before anything is sent', async () => {
    const refuse: Interceptor = () => async (call) => {
      throw new CellwireError('permission_denied', `no ${call.method.name} today`);
    };
    await using tree = await startTree({ services: answering(), runner: (cell) => (cell === 'api-cell' ? { interceptors: [refuse] } : {}) });
    await expect(createClient(testService, tree.cell('api-cell')).gather(ctxt, {})).rejects.toMatchObject({ code: 'permission_denied' });
    expect(tree.cell('api-cell').stats.sent).toBe(0);
    expect(tree.pending()).toBe(0);
  });
});
