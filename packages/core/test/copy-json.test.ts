import { describe, expect, it } from 'vitest';
import { copyJson } from '@cellwire/core';

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
