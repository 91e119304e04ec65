import { describe, expect, it } from 'vitest';
import type { Envelope } from '@cellwire/schema';
import { InvalidArgument, UnknownMethod, decodeEnvelope, encodeEnvelope, makeContext } from '../src/index.js';
import { entryFor, checkArgs, checkCallerArgs } from '../src/codec.js';

const base = (): Envelope => ({
  message_type: 'targeted',
  ctxt: makeContext({ custom_key: 'kept' }),
  method_name: 'get_host_uptime',
  method_kwargs: { cell_name: 'a!b', host_name: 'h1' },
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
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), surprise: 1 }))).toThrow(/additional properties 'surprise'/);
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), message_type: 'response', method_name: 'get_host_uptime' }))).toThrow(UnknownMethod);
  });

  it('dispatches only methods of the table, and only as their kind', () => {
    expect(entryFor({ method_name: 'get_host_uptime', message_type: 'targeted' }).handler).toBe('getHostUptime');
    expect(() => entryFor({ method_name: 'get_host_uptime', message_type: 'broadcast' })).toThrow(/cannot be sent as a broadcast/);
    expect(() => entryFor({ method_name: 'constructor', message_type: 'targeted' })).toThrow(UnknownMethod);
    expect(() => entryFor({ method_name: '_call_compute_api_with_obj', message_type: 'targeted' })).toThrow(UnknownMethod);
    // task_log_get_all is both (targeted with a cell_name, else broadcast).
    expect(entryFor({ method_name: 'task_log_get_all', message_type: 'broadcast' }).wire).toBe('task_log_get_all');
    expect(entryFor({ method_name: 'task_log_get_all', message_type: 'targeted' }).wire).toBe('task_log_get_all');
  });

  it('checks arguments with the generated validators', () => {
    const entry = entryFor({ method_name: 'get_host_uptime', message_type: 'targeted' });
    expect(() => checkArgs(entry, { cell_name: 'a', host_name: 'h' })).not.toThrow();
    expect(() => checkArgs(entry, { cell_name: 'a' })).toThrow(/must have required property 'host_name'/);
    expect(() => checkArgs(entry, { cell_name: 'a', host_name: 7 })).toThrow(/args.host_name must be string/);
  });

  it('takes JsonValue positions as they come off the wire, and checks a caller\'s objects for JSON at the origin', () => {
    const entry = entryFor({ method_name: 'run_compute_api_method', message_type: 'targeted' });
    const args = (x: unknown) => ({ cell_name: 'a!b', call: true, method_info: { method: 'start', method_args: ['u1', x], method_kwargs: {} } });
    expect(() => checkCallerArgs(entry, args({ deep: [1, 'two', null, { ok: true }] }))).not.toThrow();
    expect(() => checkCallerArgs(entry, args({ skipped: undefined }))).not.toThrow();
    expect(() => checkCallerArgs(entry, args({ f: () => 1 }))).toThrow(/args.method_info.method_args.1.f is not JSON \(function\)/);
    expect(() => checkCallerArgs(entry, args([1, Number.NaN]))).toThrow(/method_args.1.1 must be a finite number/);
    expect(() => checkCallerArgs(entry, args([undefined]))).toThrow(/method_args.1.0 is not JSON \(undefined\)/);
    // The typed parts are still the validator's: a wrong type is refused with its path.
    expect(() => checkCallerArgs(entry, { ...args(1), call: 'yes' })).toThrow(/args.call must be boolean/);
  });
});
