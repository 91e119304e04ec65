// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { InvalidArgument, UnknownMethod, decodeEnvelope, encodeEnvelope, makeContext, type Envelope } from '../src/index.js';
import { ENVELOPE_FIELDS, checkArgs, checkCallerArgs, checkMessageType } from '../src/codec.js';
import { testService } from './service/gen/index.js';

const echo = testService.methods.echo;
const gather = testService.methods.gather;

const base = (): Envelope => ({
  message_type: 'targeted',
  ctxt: makeContext({ custom_key: 'kept' }),
  method_name: 'echo',
  method_kwargs: { cell_name: 'a!b', text: 'hi' },
  direction: 'down',
  need_response: true,
  fanout: false,
  uuid: '5a1b0c6e-0000-4000-8000-000000000001',
  routing_path: 'a',
  hop_count: 1,
  max_hop_count: 10,
  target_cell: 'a!b',
  deadline: Date.now() + 1000,
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
});

describe('envelope codec', () => {
  it('round-trips, keeps unknown context keys, and never mutates the caller', () => {
    const env = base();
    const copy = structuredClone(env);
    const text = encodeEnvelope(env);
    expect(env).toEqual(copy);
    const back = decodeEnvelope(text);
    expect(back).toEqual(env);
    expect(back.ctxt.custom_key).toBe('kept');
  });

  it('refuses what is not an envelope, saying why', () => {
    expect(() => decodeEnvelope('{')).toThrow(/message is not JSON/);
    expect(() => decodeEnvelope('[]')).toThrow(InvalidArgument);
    const noTarget = { ...base() } as Partial<Envelope>;
    delete noTarget.target_cell;
    expect(() => decodeEnvelope(JSON.stringify(noTarget))).toThrow(/needs target_cell/);
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), message_type: 'weird' }))).toThrow(/message.message_type/);
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), hop_count: 'one' }))).toThrow(/hop_count must be number/);
    // A field a newer cell adds is dropped, not refused (rolling upgrades); known ones are checked.
    expect(decodeEnvelope(JSON.stringify({ ...base(), surprise: 1 }))).not.toHaveProperty('surprise');
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), surprise: 1, deadline: 'soon' }))).toThrow(/deadline must be number/);
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), message_type: 'response', method_name: 'echo' }))).toThrow(UnknownMethod);
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), method_name: 'parse_responses' }))).toThrow(UnknownMethod);
  });

  it('lets a method travel only as its kind', () => {
    expect(() => checkMessageType(echo, 'targeted')).not.toThrow();
    expect(() => checkMessageType(echo, 'broadcast')).toThrow(/cannot be sent as a broadcast/);
    expect(() => checkMessageType(gather, 'targeted')).toThrow(/cannot be sent as a targeted/);
    expect(() => checkMessageType(gather, 'response')).toThrow(UnknownMethod);
  });

  it('checks arguments with the generated validators', () => {
    expect(() => checkArgs(echo, { cell_name: 'a', text: 'h' })).not.toThrow();
    expect(() => checkArgs(echo, { cell_name: 'a' })).toThrow(/must have required property 'text'/);
    expect(() => checkArgs(echo, { cell_name: 'a', text: 7 })).toThrow(/args.text must be string/);
  });

  it('takes JsonValue positions as they come off the wire, and checks a caller\'s objects for JSON at the origin', () => {
    const args = (x: unknown) => ({ run_locally: true, payload: { list: ['u1', x] } });
    expect(() => checkCallerArgs(gather, args({ deep: [1, 'two', null, { ok: true }] }))).not.toThrow();
    expect(() => checkCallerArgs(gather, args({ skipped: undefined }))).not.toThrow();
    expect(() => checkCallerArgs(gather, args({ f: () => 1 }))).toThrow(/args.payload.list.1.f is not JSON \(function\)/);
    expect(() => checkCallerArgs(gather, args([1, Number.NaN]))).toThrow(/payload.list.1.1 must be a finite number/);
    expect(() => checkCallerArgs(gather, args([undefined]))).toThrow(/payload.list.1.0 is not JSON \(undefined\)/);
    // The typed parts are still the validator's: a wrong type is refused with its path.
    expect(() => checkCallerArgs(gather, { ...args(1), run_locally: 'yes' })).toThrow(/args.run_locally must be boolean/);
  });
});

describe('envelope fields', () => {
  it('the codec knows exactly the fields of the published envelope schema', async () => {
    const { readFileSync } = await import('node:fs');
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/wire/envelope.json', import.meta.url), 'utf8'));
    expect([...ENVELOPE_FIELDS].sort()).toEqual(Object.keys(schema.properties).sort());
  });
});
