/**
 * The codec at its edges (src/codec.ts): what an envelope may be, how validation failures
 * read, service versions, and the copy of a value that keeps only what a schema knows.
 */
import { describe, expect, it } from 'vitest';
import { defineService, InvalidArgument, makeContext, UnknownMethod, type Envelope, type JsonSchema, type ValidateFunction } from '../src/index.js';
import {
  checkMessageType,
  checkReceivedArgs,
  checkResult,
  decodeEnvelope,
  describeValidation,
  isNewerMinor,
  knownPart,
  MAX_MESSAGE_DEPTH,
  parseServiceVersion,
  serviceVersion,
} from '../src/codec.js';
import { testService } from './service/gen/index.js';

const echo = testService.methods.echo;

const targeted = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  message_type: 'targeted',
  ctxt: makeContext(),
  method_name: 'echo',
  method_kwargs: { cell_name: 'a!b', text: 'hi' },
  direction: 'down',
  need_response: true,
  fanout: false,
  uuid: 'u-1',
  routing_path: 'a',
  hop_count: 1,
  max_hop_count: 10,
  target_cell: 'a!b',
  ...over,
});

const response = (over: Record<string, unknown> = {}) =>
  targeted({ message_type: 'response', method_name: 'parse_responses', method_kwargs: { responses: [] }, response_uuid: 'u-0', ...over });

const nest = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('decodeEnvelope', () => {
  it('takes a message nested as deep as allowed and refuses one a level deeper', () => {
    // The envelope and its method_kwargs take two levels.
    expect(() => decodeEnvelope(JSON.stringify(targeted({ method_kwargs: { cell_name: 'a!b', text: 'x', deep: nest(MAX_MESSAGE_DEPTH - 2) } })))).not.toThrow(/nested/);
    expect(() => decodeEnvelope(JSON.stringify(targeted({ method_kwargs: { deep: nest(MAX_MESSAGE_DEPTH - 1) } })))).toThrow(
      'message is nested deeper than 100 levels',
    );
  });

  it('uses the value the transport already parsed instead of parsing the text again', () => {
    const env = decodeEnvelope('not JSON at all', targeted());
    expect(env.uuid).toBe('u-1');
  });

  it('says why text is not JSON, and refuses JSON that is not an object', () => {
    expect(() => decodeEnvelope('{"a":')).toThrow(/^message is not JSON: /);
    for (const text of ['"text"', '42', 'null', '[1,2]']) {
      expect(() => decodeEnvelope(text), text).toThrow(InvalidArgument);
      expect(() => decodeEnvelope(text), text).toThrow(/^malformed envelope: message must be object/);
    }
  });

  it('takes a broadcast without a target, but no targeted or response message', () => {
    const b = targeted({ message_type: 'broadcast', method_name: 'gather', method_kwargs: {} });
    delete b.target_cell;
    expect(decodeEnvelope(JSON.stringify(b)).message_type).toBe('broadcast');
    const r = response();
    delete r.target_cell;
    expect(() => decodeEnvelope(JSON.stringify(r))).toThrow('malformed envelope: a response message needs target_cell');
    expect(() => decodeEnvelope(JSON.stringify(targeted({ target_cell: '' })))).toThrow('malformed envelope: a targeted message needs target_cell');
  });

  it('a response message must be parse_responses, answer a uuid and carry valid answers', () => {
    expect(decodeEnvelope(JSON.stringify(response())).response_uuid).toBe('u-0');
    expect(() => decodeEnvelope(JSON.stringify(response({ method_name: 'echo' })))).toThrow("Method 'echo' cannot be sent as a response message");
    expect(() => decodeEnvelope(JSON.stringify(response({ response_uuid: '' })))).toThrow('malformed envelope: a response message needs response_uuid');
    expect(() => decodeEnvelope(JSON.stringify(response({ method_kwargs: { responses: [{ cell_name: 'a' }] } })))).toThrow(
      /^malformed response message: method_kwargs\.responses\.0 must have required property/,
    );
  });

  it('parse_responses travels only as a response', () => {
    expect(() => decodeEnvelope(JSON.stringify(targeted({ message_type: 'broadcast', method_name: 'parse_responses' })))).toThrow(
      "Method 'parse_responses' cannot be sent as a broadcast message",
    );
  });
});

describe('methods and message types', () => {
  const either = defineService(
    { name: 'either', version: '1.0.0' },
    {
      find: { ...echo, name: 'find', kind: 'targeted_or_broadcast' },
      here: { ...echo, name: 'here', kind: 'local' },
    },
  );

  it('a targeted_or_broadcast method travels either way but never as a response; a local method never travels', () => {
    expect(() => checkMessageType(either.methods.find, 'targeted')).not.toThrow();
    expect(() => checkMessageType(either.methods.find, 'broadcast')).not.toThrow();
    expect(() => checkMessageType(either.methods.find, 'response')).toThrow(UnknownMethod);
    for (const t of ['targeted', 'broadcast', 'response'] as const) expect(() => checkMessageType(either.methods.here, t)).toThrow(`cannot be sent as a ${t} message`);
  });
});

describe('describeValidation', () => {
  const failing = (errors: ValidateFunction['errors']): ValidateFunction => Object.assign(() => false, { errors });

  it('reads the first error as a path and a message', () => {
    expect(describeValidation(failing([{ instancePath: '/a/b/0', message: 'must be string' }, { instancePath: '/z', message: 'other' }]), 'args')).toBe(
      'args.a.b.0 must be string',
    );
    expect(describeValidation(failing([{ instancePath: '', message: 'must be object' }]), 'message')).toBe('message must be object');
  });

  it('names an unknown property, and says only "is invalid" when it knows no more', () => {
    expect(describeValidation(failing([{ instancePath: '', message: 'must NOT have additional properties', params: { additionalProperty: 'mood' } }]), 'args')).toBe(
      "args must NOT have additional properties 'mood'",
    );
    expect(describeValidation(failing([{ instancePath: '/x', params: { limit: 1 } }]), 'args')).toBe('args.x is invalid');
    expect(describeValidation(failing([]), 'args')).toBe('args is invalid');
    expect(describeValidation(failing(null), 'ctxt')).toBe('ctxt is invalid');
  });
});

describe('service versions', () => {
  it('are written name@version', () => {
    expect(serviceVersion({ name: 'nova_cells', version: '1.2.3' })).toBe('nova_cells@1.2.3');
    const ref = { name: 'a', version: '0.0.1' };
    expect(serviceVersion(ref)).toBe(serviceVersion(ref));
  });

  it('parse only a snake_case name and three whole numbers', () => {
    expect(parseServiceVersion('cell_state2@10.20.300')).toEqual({ name: 'cell_state2', major: 10, minor: 20, patch: 300 });
    expect(parseServiceVersion('a@0.0.0')).toEqual({ name: 'a', major: 0, minor: 0, patch: 0 });
    for (const bad of ['Nova@1.0.0', '1nova@1.0.0', '_nova@1.0.0', 'no-va@1.0.0', ' nova@1.0.0', 'nova@1.0.0 ', 'nova@1.0.0-rc1', 'nova@x.0.0', 'nova@1.0.', 'nova1.0.0', '@1.0.0', 'x nova@1.0.0']) {
      expect(parseServiceVersion(bad), bad).toBeUndefined();
    }
  });

  it('a local service whose own version does not parse never counts a sender as newer', () => {
    expect(isNewerMinor('svc@1.1.0', { name: 'svc', version: 'weird' })).toBe(false);
    expect(isNewerMinor('svc@1.1.0', { name: 'svc', version: '1.0.0' })).toBe(true);
    expect(isNewerMinor('svc@1.3.0', { name: 'svc', version: '1.2.9' })).toBe(true);
  });
});

describe('checkReceivedArgs', () => {
  it('names both versions only when the sender\'s differs from this cell\'s', () => {
    const bad = { cell_name: 'a', text: 'h', mood: 1 };
    const plain = "invalid arguments for echo: args must NOT have additional properties 'mood'";
    expect(() => checkReceivedArgs(echo, bad, 'test_service@1.0.0')).toThrow(new InvalidArgument(plain));
    expect(() => checkReceivedArgs(echo, bad, undefined)).toThrow(new InvalidArgument(plain));
    try {
      checkReceivedArgs(echo, bad, 'test_service@1.0.0');
    } catch (e) {
      expect((e as Error).message).toBe(plain);
    }
    try {
      checkReceivedArgs(echo, bad, 'test_service@0.9.0');
    } catch (e) {
      expect((e as Error).message).toBe(`${plain} (sent by test_service@0.9.0; this cell has test_service@1.0.0)`);
    }
  });

  it('from a newer minor version, returns a copy without what this cell does not know', () => {
    const args = { cell_name: 'a', text: 'h', mood: 1 };
    const out = checkReceivedArgs(echo, args, 'test_service@1.1.0');
    expect(out).toEqual({ cell_name: 'a', text: 'h' });
    expect(args).toEqual({ cell_name: 'a', text: 'h', mood: 1 });
  });
});

describe('checkResult', () => {
  it('keeps a valid value, and nothing of a value of the wrong type', () => {
    expect(checkResult(echo, 'x')).toEqual({ value: 'x' });
    expect(checkResult(echo, 42)).toBeUndefined();
    expect(checkResult(echo, null)).toBeUndefined();
    expect(checkResult(echo, { a: 1 })).toBeUndefined();
  });
});

describe('knownPart', () => {
  const closed = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', properties, additionalProperties: false });

  it('follows a recursive schema down to the message depth limit, and leaves what is deeper as it is', () => {
    const schema: JsonSchema = { $ref: '#/definitions/Node', definitions: { Node: closed({ child: { $ref: '#/definitions/Node' } }) } };
    let value: Record<string, unknown> = { x: 'bottom' };
    for (let i = 0; i < MAX_MESSAGE_DEPTH + 5; i++) value = { child: value, x: i };
    let out = knownPart(schema, value) as Record<string, unknown>;
    const xs: boolean[] = [];
    while (out) {
      xs.push('x' in out);
      out = out.child as Record<string, unknown>;
    }
    // Depths 0..100 are stripped, 101 and deeper are left as they are.
    expect(xs.indexOf(true)).toBe(MAX_MESSAGE_DEPTH + 1);
  });

  it('merges what every branch of a union knows about the same property', () => {
    const schema: JsonSchema = {
      anyOf: [closed({ a: closed({ x: {} }) }), closed({ a: closed({ y: {} }) })],
    };
    expect(knownPart(schema, { a: { x: 1, y: 2, z: 3 }, b: 4 })).toEqual({ a: { x: 1, y: 2 } });
  });

  it('keeps a schema\'s own properties beside those of its union branches', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: {} }, additionalProperties: false, anyOf: [closed({ b: {} })] };
    expect(knownPart(schema, { a: 1, b: 2, z: 3 })).toEqual({ a: 1, b: 2 });
    const withExtra: JsonSchema = { anyOf: [closed({ b: {} })], additionalProperties: closed({ x: {} }) };
    expect(knownPart(withExtra, { b: 1, m: { x: 1, y: 2 } })).toEqual({ b: 1, m: { x: 1 } });
    const withItems: JsonSchema = { anyOf: [{ type: 'string' }], items: closed({ x: {} }) };
    expect(knownPart(withItems, [{ x: 1, y: 2 }])).toEqual([{ x: 1 }]);
  });

  it('keeps unknown properties of an open object as they are, and strips those under additionalProperties', () => {
    const open: JsonSchema = { type: 'object', properties: { a: closed({ x: {} }) } };
    expect(knownPart(open, { a: { x: 1, y: 2 }, other: { deep: { z: 1 } } })).toEqual({ a: { x: 1 }, other: { deep: { z: 1 } } });
    const openTrue: JsonSchema = { type: 'object', properties: {}, additionalProperties: true };
    expect(knownPart(openTrue, { q: { r: 1 } })).toEqual({ q: { r: 1 } });
  });

  it('reads a type list, and an object schema without a type', () => {
    expect(knownPart({ type: ['object', 'null'], properties: { x: {} }, additionalProperties: false }, { x: 1, y: 2 })).toEqual({ x: 1 });
    expect(knownPart({ properties: { x: {} }, additionalProperties: false }, { x: 1, y: 2 })).toEqual({ x: 1 });
    expect(knownPart({ type: ['string', 'null'], properties: { x: {} }, additionalProperties: false }, { x: 1, y: 2 })).toEqual({ x: 1, y: 2 });
  });

  it('leaves a value alone when no branch describes its type', () => {
    expect(knownPart({ type: 'string' }, { x: 1 })).toEqual({ x: 1 });
    expect(knownPart({ type: 'object', properties: {}, additionalProperties: false }, [{ x: 1 }])).toEqual([{ x: 1 }]);
    expect(knownPart({ items: closed({ x: {} }) }, { x: 1, y: 2 })).toEqual({ x: 1, y: 2 });
    expect(knownPart({ properties: { a: {} }, additionalProperties: false }, [{ a: 1, b: 2 }])).toEqual([{ a: 1, b: 2 }]);
    expect(knownPart({ additionalProperties: false }, [{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(knownPart(closed({}), 'text')).toBe('text');
  });

  it('strips tuple items by position, then by additionalItems', () => {
    const a = closed({ a: {} });
    const b = closed({ b: {} });
    expect(knownPart({ type: 'array', items: [a], additionalItems: b }, [{ a: 1, z: 1 }, { b: 2, z: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    // Past the tuple with no rule for the rest: the rest is left as it is.
    expect(knownPart({ type: 'array', items: [a] }, [{ a: 1, z: 1 }, { b: 2, z: 2 }])).toEqual([{ a: 1 }, { b: 2, z: 2 }]);
    expect(knownPart({ type: 'array', items: [a], additionalItems: true }, [{ a: 1, z: 1 }, { z: 2 }])).toEqual([{ a: 1 }, { z: 2 }]);
    // additionalItems: false adds nothing for the rest; another branch still may.
    expect(knownPart({ anyOf: [{ type: 'array', items: [a], additionalItems: false }, { type: 'array', items: b }] }, [{ a: 1, b: 1, z: 1 }, { b: 2, z: 2 }])).toEqual([
      { a: 1, b: 1 },
      { b: 2 },
    ]);
    // An array schema without items leaves its items as they are.
    expect(knownPart({ anyOf: [{ type: 'array' }, { type: 'array', items: b }] }, [{ b: 1, z: 1 }])).toEqual([{ b: 1, z: 1 }]);
  });

  it('follows only local $refs, and stops at a $ref that loops', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { $ref: 'other.json#/definitions/A' } }, additionalProperties: false, definitions: { A: closed({}) } };
    expect(knownPart(schema, { a: { x: 1 }, b: 1 })).toEqual({ a: { x: 1 } });
    const missing: JsonSchema = { type: 'object', properties: { a: { $ref: '#/definitions/Nope' } }, additionalProperties: false };
    expect(knownPart(missing, { a: { x: 1 } })).toEqual({ a: { x: 1 } });
    const loop: JsonSchema = { $ref: '#/definitions/L', definitions: { L: { $ref: '#/definitions/L' } } };
    expect(knownPart(loop, { x: 1 })).toEqual({ x: 1 });
    const deepAnyOf: JsonSchema = { $ref: '#/definitions/D', definitions: { D: { anyOf: [{ $ref: '#/definitions/D' }, closed({ x: {} })] } } };
    expect(knownPart(deepAnyOf, { x: 1, y: 2 })).toEqual({ x: 1 });
  });

  it('keeps a null where the schema expects an object', () => {
    expect(knownPart(closed({ a: closed({ x: {} }) }), { a: null })).toEqual({ a: null });
  });

  it('follows arrays down to the message depth limit too, and leaves what is deeper as it is', () => {
    const schema: JsonSchema = { $ref: '#/definitions/L', definitions: { L: { anyOf: [{ type: 'array', items: { $ref: '#/definitions/L' } }, closed({})] } } };
    const nested = (levels: number): unknown => {
      let v: unknown = { x: 1 };
      for (let i = 0; i < levels; i++) v = [v];
      return v;
    };
    const bottom = (v: unknown): unknown => (Array.isArray(v) ? bottom(v[0]) : v);
    expect(bottom(knownPart(schema, nested(3)))).toEqual({});
    expect(bottom(knownPart(schema, nested(MAX_MESSAGE_DEPTH + 5)))).toEqual({ x: 1 });
  });

  it('follows unions nested 32 deep', () => {
    let schema: JsonSchema = closed({ x: {} });
    for (let i = 0; i < 32; i++) schema = { anyOf: [schema] };
    expect(knownPart(schema, { x: 1, y: 2 })).toEqual({ x: 1 });
  });

  it('a $ref that is not local is not looked up among the definitions', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { $ref: 'http://x.json#A' } }, additionalProperties: false, definitions: { A: closed({}) } };
    expect(knownPart(schema, { a: { x: 1 } })).toEqual({ a: { x: 1 } });
  });

  it('an open schema beside its union branches keeps every property', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: {} }, anyOf: [closed({ b: {} })] };
    expect(knownPart(schema, { a: 1, b: 2, z: 3 })).toEqual({ a: 1, b: 2, z: 3 });
  });

  it('a branch without a type describes objects when it has properties, arrays when it has items', () => {
    expect(knownPart({ items: closed({}), additionalProperties: false }, { x: 1 })).toEqual({ x: 1 });
    const arrays = closed({ b: {} });
    expect(knownPart({ anyOf: [{ properties: { q: {} } }, { type: 'array', items: arrays }] }, [{ b: 1, z: 1 }])).toEqual([{ b: 1 }]);
    expect(knownPart({ anyOf: [{ additionalProperties: false }, { type: 'array', items: arrays }] }, [{ b: 1, z: 1 }])).toEqual([{ b: 1 }]);
  });

  it('a tuple branch that leaves the rest open keeps the rest as it is, whatever other branches say', () => {
    const a = closed({ a: {} });
    const b = closed({ b: {} });
    expect(knownPart({ anyOf: [{ type: 'array', items: [a] }, { type: 'array', items: b }] }, [{ a: 1, z: 1 }, { b: 2, z: 2 }])).toEqual([{ a: 1 }, { b: 2, z: 2 }]);
  });

  it('works through oneOf and allOf as through anyOf', () => {
    expect(knownPart({ oneOf: [closed({ a: {} })] }, { a: 1, b: 2 })).toEqual({ a: 1 });
    expect(knownPart({ allOf: [closed({ a: {} })] }, { a: 1, b: 2 })).toEqual({ a: 1 });
  });
});

describe('an envelope decoded from a caller-made object', () => {
  it('does not keep fields it does not know', () => {
    const env = decodeEnvelope('{}', targeted({ surprise: 1, another: { x: 1 } })) as Envelope & Record<string, unknown>;
    expect(env.surprise).toBeUndefined();
    expect(env.another).toBeUndefined();
    expect(env.uuid).toBe('u-1');
  });
});
