import { describe, expect, it } from 'vitest';
import { copyEnvelope, copyJson, MAX_MESSAGE_DEPTH, type Envelope } from '@cellwire/core';
import { ENVELOPE_FIELDS } from '../src/codec.js';

const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('copyJson gives what JSON both ways gives, without the text', () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  const cases: [string, unknown][] = [
    ['scalars', { s: 'x', n: 1.5, t: true, f: false, z: null }],
    ['nested arrays and objects', { a: [1, [2, [3, { b: [] }]], {}], o: { p: { q: 'r' } } }],
    ['undefined, functions and symbols: dropped from objects, null in arrays', { u: undefined, f: () => 1, s: Symbol('x'), a: [undefined, () => 1, Symbol('y'), 2] }],
    ['non-finite numbers become null', { a: NaN, b: Infinity, c: [-Infinity] }],
    ['a Date becomes its ISO text', { when: new Date(Date.UTC(2026, 11, 1, 12)) }],
    ['toJSON is honoured', { v: { toJSON: () => ({ shown: 1 }) } }],
    ['a class instance keeps its own enumerable fields', { p: new Point(1, 2) }],
    ['a null-prototype object', { n: Object.assign(Object.create(null) as object, { k: 1 }) }],
    ['an own __proto__ key stays a key', JSON.parse('{"__proto__": {"polluted": true}, "k": 1}')],
  ];
  for (const [what, value] of cases) {
    it(what, () => {
      const copy = copyJson(value, 100);
      expect(copy).toEqual(viaJson(value));
      expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    });
  }

  it('makes new objects and arrays all the way down', () => {
    const inner = { deep: [1] };
    const value = { list: [inner], inner };
    const copy = copyJson(value, 100) as typeof value;
    expect(copy).not.toBe(value);
    expect(copy.list).not.toBe(value.list);
    expect(copy.list[0]).not.toBe(inner);
    expect(copy.inner.deep).not.toBe(inner.deep);
    copy.inner.deep.push(2);
    expect(inner.deep).toEqual([1]);
  });

  it('never sets a prototype from data', () => {
    const copy = copyJson(JSON.parse('{"__proto__": {"polluted": true}}'), 100) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__']);
  });

  it('refuses values nested deeper than the limit (a circular one too), and bigints as JSON does', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = [deep];
    expect(() => copyJson(deep, 10)).not.toThrow();
    expect(() => copyJson([deep], 10)).toThrow(RangeError);
    expect(() => copyJson({ d: { toJSON: () => [[[[1]]]] } }, 4)).toThrow(RangeError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => copyJson(loop, 100)).toThrow(RangeError);
    expect(() => copyJson({ n: 1n }, 100)).toThrow(TypeError);
  });
});

describe('copyEnvelope: an envelope copied field by field for an in-process link', () => {
  const full = (): Envelope =>
    ({
      message_type: 'targeted',
      ctxt: { request_id: 'req-1', roles: ['admin'], user_id: 'u', project_id: 'p', is_admin: false, read_deleted: 'no', timestamp: 't' },
      method_name: 'echo',
      method_kwargs: { cell_name: 'a!b', deep: { list: [1, { x: null }] } },
      direction: 'down',
      need_response: true,
      fanout: false,
      uuid: '7c0c2f56-0000-4000-8000-000000000001',
      routing_path: 'a',
      hop_count: 1,
      max_hop_count: 10,
      target_cell: 'a!b',
      response_uuid: '7c0c2f56-0000-4000-8000-000000000002',
      run_locally: true,
      deadline: 1_764_615_000_000,
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
      service_version: 'test_service@1.0.0',
      reply_ms: 20,
    }) as Envelope;

  it('copies every field the envelope schema has, as JSON both ways would', () => {
    const env = full();
    const copy = copyEnvelope(env);
    expect(new Set(Object.keys(copy))).toEqual(new Set(ENVELOPE_FIELDS));
    expect(copy).toEqual(JSON.parse(JSON.stringify(env)));
    expect(copy.ctxt).not.toBe(env.ctxt);
    expect(copy.method_kwargs.deep).not.toBe(env.method_kwargs.deep);
  });

  it('leaves out absent optional fields and fields it does not know, as a receiver drops them', () => {
    const env = { ...full(), from_the_future: 1 } as Envelope;
    delete env.reply_ms;
    delete env.response_uuid;
    const copy = copyEnvelope(env);
    expect('reply_ms' in copy).toBe(false);
    expect('response_uuid' in copy).toBe(false);
    expect('from_the_future' in copy).toBe(false);
  });

  it('refuses arguments nested deeper than a receiver accepts', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_MESSAGE_DEPTH; i++) deep = [deep];
    expect(() => copyEnvelope({ ...full(), method_kwargs: { deep } } as Envelope)).toThrow(RangeError);
  });
});
