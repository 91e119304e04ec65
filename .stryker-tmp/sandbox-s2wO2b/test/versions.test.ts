/**
 * Rolling upgrades (docs/upgrades.md): every envelope a runner creates says which version of
 * the method's service sent it; a receiver drops the argument properties it does not know
 * only when the sender runs a newer minor version of the same service, and never touches
 * the envelope it forwards; answers keep what the caller's result schema knows.
 */
// @ts-nocheck

import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, defineService, makeContext, serve, type Envelope, type HandlerContext, type WireResponse } from '../src/index.js';
import { checkReceivedArgs, isNewerMinor, knownPart, parseServiceVersion } from '../src/codec.js';
import { createClientForTest } from './helpers/client.js';
import { testHandlers } from './helpers/handlers.js';
import { testTree, type TestTree } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

const LAYOUT = { top: ['mid'], mid: ['leaf'] };

let tree: TestTree | undefined;
afterEach(() => tree?.close());

interface Run {
  cell: string;
  method: string;
  args: unknown;
}

/** The test service's handlers, recording what each handler was given. */
function recording(runs: Run[]) {
  return (cell: string) => {
    const h = testHandlers(cell);
    return {
      services: [
        serve(testService, {
          echo: (ctx: HandlerContext, args: never) => (runs.push({ cell, method: 'echo', args }), h.echo(ctx, args)),
          gather: (ctx: HandlerContext, args: never) => (runs.push({ cell, method: 'gather', args }), h.gather(ctx, args)),
          note: (ctx: HandlerContext, args: never) => (runs.push({ cell, method: 'note', args }), h.note(ctx, args)),
        }),
      ],
    };
  };
}

/** A message as `from` would send it to `to` (the sender's routing path and hop count). */
function message(over: Partial<Envelope>): Envelope {
  return {
    message_type: 'targeted',
    ctxt: makeContext(),
    method_name: 'echo',
    method_kwargs: {},
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid: crypto.randomUUID(),
    routing_path: 'top',
    hop_count: 1,
    max_hop_count: 10,
    deadline: Date.now() + 5000,
    ...over,
  };
}

/** Hands `env` to cell `to` as if `from` sent it; resolves with the answers it replies with. */
function inject(t: TestTree, to: string, from: string, env: Envelope): Promise<WireResponse[] | undefined> {
  return new Promise((resolve) => {
    void t.cell(to).receive({
      data: JSON.stringify(env),
      from,
      reply: (r) => resolve(r === undefined ? undefined : (decodeEnvelope(r).method_kwargs.responses as unknown as WireResponse[])),
    });
  });
}

describe('the service version on the wire', () => {
  it('every message a runner creates carries its service and version; a response carries the answering cell\'s', async () => {
    tree = testTree(LAYOUT, recording([]));
    const replies: string[] = [];
    tree.forgeReplies('mid', (r) => (replies.push(r), r));
    const client = createClientForTest(tree.cell('top'));
    const r = await client.echo(makeContext(), { cell_name: 'top!mid!leaf', text: 'hi' });
    expect(r.value).toBe('hi@top!mid!leaf');
    const sent = tree.log.map(([from, to, data]) => [from, to, (JSON.parse(data) as Envelope).service_version]);
    expect(sent).toEqual([
      ['top', 'mid', 'test_service@1.0.0'],
      ['mid', 'leaf', 'test_service@1.0.0'],
    ]);
    expect(replies.map((x) => JSON.parse(x).service_version)).toEqual(['test_service@1.0.0']);
  });

  it('sendServiceVersion: false leaves it out (for trees that still have cells whose core predates it)', async () => {
    tree = testTree(LAYOUT, (cell) => ({ ...recording([])(cell), sendServiceVersion: false }));
    await createClientForTest(tree.cell('top')).gather(makeContext(), {});
    expect(tree.log.length).toBeGreaterThan(0);
    for (const [, , data] of tree.log) expect(JSON.parse(data)).not.toHaveProperty('service_version');
  });

  it('a cell accepts messages with and without it', async () => {
    const runs: Run[] = [];
    tree = testTree(LAYOUT, recording(runs));
    const args = { cell_name: 'top!mid', text: 'x' };
    const withIt = await inject(tree, 'mid', 'top', message({ target_cell: 'top!mid', method_kwargs: args, service_version: 'test_service@1.0.0' }));
    const without = await inject(tree, 'mid', 'top', message({ target_cell: 'top!mid', method_kwargs: args }));
    const unparsable = await inject(tree, 'mid', 'top', message({ target_cell: 'top!mid', method_kwargs: args, service_version: 'something else' }));
    for (const answers of [withIt, without, unparsable]) expect(answers).toEqual([{ cell_name: 'top!mid', value: 'x@top!mid', failure: false }]);
  });
});

describe('arguments from a sender on a newer minor version', () => {
  const args = { cell_name: 'top!mid', text: 'x', mood: 'sunny' };
  const answer = async (version: string | undefined, kwargs: Record<string, unknown> = args) => {
    const runs: Run[] = [];
    tree = testTree(LAYOUT, recording(runs));
    const env = message({ target_cell: 'top!mid', method_kwargs: kwargs as Envelope['method_kwargs'], ...(version ? { service_version: version } : {}) });
    const [r] = (await inject(tree, 'mid', 'top', env))!;
    tree.close();
    return { r: r!, runs };
  };

  it('are run with the properties this cell does not know dropped (same major, higher minor or patch)', async () => {
    for (const v of ['test_service@1.1.0', 'test_service@1.0.1', 'test_service@1.12.3']) {
      const { r, runs } = await answer(v);
      expect(r).toEqual({ cell_name: 'top!mid', value: 'x@top!mid', failure: false });
      expect(runs).toEqual([{ cell: 'mid', method: 'echo', args: { cell_name: 'top!mid', text: 'x' } }]);
    }
  });

  it('from the same, an older, another major version, another service or no version, unknown properties are refused', async () => {
    for (const v of ['test_service@1.0.0', 'test_service@0.9.0', 'test_service@2.0.0', 'billing@1.5.0', undefined]) {
      const { r, runs } = await answer(v);
      expect(r.failure, String(v)).toBe(true);
      expect((r.value as { kwargs: { code: string } }).kwargs.code).toBe('invalid_argument');
      expect((r.value as { message: string }).message).toMatch(/must NOT have additional properties 'mood'/);
      expect(runs).toEqual([]);
    }
    const { r } = await answer('test_service@2.0.0');
    expect((r.value as { message: string }).message).toMatch(/\(sent by test_service@2\.0\.0; this cell has test_service@1\.0\.0\)$/);
  });

  it('what this cell knows must still be valid', async () => {
    const { r, runs } = await answer('test_service@1.1.0', { cell_name: 'top!mid', text: 5, mood: 'sunny' });
    expect(r.failure).toBe(true);
    expect((r.value as { message: string }).message).toMatch(/args.text must be string \(sent by test_service@1\.1\.0/);
    expect(runs).toEqual([]);
  });

  it('are dropped at any depth (a map of closed objects), and the broadcast travels on with them', async () => {
    const runs: Run[] = [];
    tree = testTree(LAYOUT, recording(runs));
    const kwargs = { behaviour: { leaf: { delay_ms: 1, colour: 'red' } }, payload: { free: { form: true } }, mood: 'sunny' };
    const env = message({ message_type: 'broadcast', method_name: 'gather', method_kwargs: kwargs, service_version: 'test_service@1.1.0' });
    const answers = await inject(tree, 'mid', 'top', env);
    expect(answers?.map((a) => [a.cell_name, a.failure])).toEqual([
      ['top!mid!leaf', false],
      ['top!mid', false],
    ]);
    const known = { behaviour: { leaf: { delay_ms: 1 } }, payload: { free: { form: true } } };
    expect(runs.map((r) => [r.cell, r.args]).sort()).toEqual([
      ['leaf', known],
      ['mid', known],
    ]);
    // The envelope mid forwarded is the one it received: leaf could have been newer.
    const forwarded = JSON.parse(tree.log.find(([from, to]) => from === 'mid' && to === 'leaf')![2]) as Envelope;
    expect(forwarded.method_kwargs).toEqual(kwargs);
    expect(forwarded.service_version).toBe('test_service@1.1.0');
  });

  it('a cast broadcast runs here first and still forwards what it received', async () => {
    const runs: Run[] = [];
    tree = testTree(LAYOUT, recording(runs));
    const env = message({
      message_type: 'broadcast',
      method_name: 'note',
      method_kwargs: { text: 'n', mood: 'sunny' },
      direction: 'up',
      need_response: false,
      routing_path: 'leaf',
      service_version: 'test_service@1.1.0',
    });
    await tree.cell('mid').receive({ data: JSON.stringify(env), from: 'leaf' });
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toEqual([
      { cell: 'mid', method: 'note', args: { text: 'n' } },
      { cell: 'top', method: 'note', args: { text: 'n' } },
    ]);
    const forwarded = JSON.parse(tree.log.find(([from, to]) => from === 'mid' && to === 'top')![2]) as Envelope;
    expect(forwarded.method_kwargs).toEqual({ text: 'n', mood: 'sunny' });
  });

  it('a method this cell does not serve is still answered unknown_method for this cell only', async () => {
    tree = testTree(LAYOUT, recording([]));
    const env = message({ message_type: 'broadcast', method_name: 'gather_more', method_kwargs: {}, service_version: 'test_service@1.1.0' });
    const answers = await inject(tree, 'mid', 'top', env);
    expect(answers?.map((a) => [a.cell_name, (a.value as { kwargs: { code: string } }).kwargs.code])).toEqual([
      ['top!mid!leaf', 'unknown_method'],
      ['top!mid', 'unknown_method'],
    ]);
  });
});

describe('answers from a cell on a newer minor version', () => {
  // A service whose result is an object: `shape` answers { side } (closed).
  const result = { type: 'object', properties: { side: { type: 'number' } }, required: ['side'], additionalProperties: false };
  const validateResult = (v: unknown) =>
    !!v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { side?: unknown }).side === 'number' && Object.keys(v).every((k) => k === 'side');
  const shapes = defineService(
    { name: 'shapes', version: '1.0.0' },
    {
      shape: {
        name: 'shape',
        kind: 'targeted',
        direction: 'down',
        needResponse: true,
        target: { arg: 'cell_name' },
        validateArgs: (v: unknown) => !!v && typeof (v as { cell_name?: unknown }).cell_name === 'string',
        validateResult,
        schemas: { args: { type: 'object' }, result },
      },
    },
  );

  it('keep what the caller\'s result schema knows; a value that still does not fit is a failure naming the cell', async () => {
    tree = testTree(LAYOUT, (cell) => ({
      services: [serve(shapes, { shape: () => (cell === 'mid' ? { side: 2, colour: 'red' } : { colour: 'red' }) } as never)],
    }));
    const top = tree.cell('top');
    const r = (await top.invoke(shapes.methods.shape, makeContext(), { cell_name: 'top!mid' })) as { value: unknown; failure: boolean };
    expect(r).toMatchObject({ failure: false, value: { side: 2 } });
    const bad = (await top.invoke(shapes.methods.shape, makeContext(), { cell_name: 'top!mid!leaf' })) as { error?: { message: string }; failure: boolean };
    expect(bad.failure).toBe(true);
    expect(bad.error?.message).toMatch(/cell top!mid!leaf answered shape with a value of the wrong shape/);
  });
});

describe('the rule', () => {
  it('parses service versions and compares them within a major', () => {
    expect(parseServiceVersion('nova_cells@1.2.3')).toEqual({ name: 'nova_cells', major: 1, minor: 2, patch: 3 });
    expect(parseServiceVersion('nova_cells@1.2')).toBeUndefined();
    expect(parseServiceVersion(undefined)).toBeUndefined();
    const local = { name: 'nova_cells', version: '1.2.3' };
    expect(isNewerMinor('nova_cells@1.3.0', local)).toBe(true);
    expect(isNewerMinor('nova_cells@1.2.4', local)).toBe(true);
    expect(isNewerMinor('nova_cells@1.2.3', local)).toBe(false);
    expect(isNewerMinor('nova_cells@1.1.9', local)).toBe(false);
    expect(isNewerMinor('nova_cells@2.0.0', local)).toBe(false);
    expect(isNewerMinor('cell_state@1.3.0', local)).toBe(false);
    expect(isNewerMinor(undefined, local)).toBe(false);
  });

  it('drops only unknown properties, through refs, unions, arrays and maps, without touching the value', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { $ref: '#/definitions/A' },
        list: { type: 'array', items: { $ref: '#/definitions/A' } },
        either: { anyOf: [{ $ref: '#/definitions/A' }, { type: 'object', properties: { y: { type: 'string' } }, additionalProperties: false }, { type: 'null' }] },
        map: { type: 'object', additionalProperties: { $ref: '#/definitions/A' } },
        free: { $ref: '#/definitions/JsonValue' },
      },
      additionalProperties: false,
      definitions: {
        A: { type: 'object', properties: { x: { type: 'number' } }, additionalProperties: false },
        JsonValue: {},
      },
    };
    const value = {
      a: { x: 1, new1: 1 },
      list: [{ x: 2, new2: 2 }, { x: 3 }],
      either: { y: 'y', x: 4, new3: 3 },
      map: { k: { x: 5, new4: 4 } },
      free: { anything: { goes: [1] } },
      new5: 5,
    };
    const copy = structuredClone(value);
    expect(knownPart(schema, value)).toEqual({
      a: { x: 1 },
      list: [{ x: 2 }, { x: 3 }],
      either: { y: 'y', x: 4 },
      map: { k: { x: 5 } },
      free: { anything: { goes: [1] } },
    });
    expect(value).toEqual(copy);
  });

  it('checkReceivedArgs returns valid arguments as they are (no copy on the hot path)', () => {
    const args = { cell_name: 'a', text: 'h' };
    expect(checkReceivedArgs(testService.methods.echo, args, 'test_service@1.9.0')).toBe(args);
    expect(checkReceivedArgs(testService.methods.echo, { ...args, extra: 1 }, 'test_service@1.9.0')).toEqual(args);
  });
});
