/**
 * The runner's small helpers, alone: spec flags and targets read from arguments
 * (src/spec-args.ts) and the structured fields of its log lines (src/log-fields.ts).
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { makeContext, type Envelope } from '../src/index.js';
import { logFields } from '../src/log-fields.js';
import { flag, targetOf } from '../src/spec-args.js';

describe('spec arguments', () => {
  it('read a fixed flag, or one from an argument with its default and negation', () => {
    expect(flag(true, {})).toBe(true);
    expect(flag({ arg: 'call', default: false }, { call: true })).toBe(true);
    expect(flag({ arg: 'call', default: false }, { call: 'yes' })).toBe(false);
    expect(flag({ arg: 'do_cast', negate: true, default: false }, { do_cast: true })).toBe(false);
    expect(flag({ arg: 'do_cast', negate: true, default: false }, {})).toBe(false);
  });

  it('read a target from a plain or dotted argument, only when it is a non-empty string', () => {
    expect(targetOf('cell_name', { cell_name: 'api!c1' })).toBe('api!c1');
    expect(targetOf('instance.cell_name', { instance: { cell_name: 'api!c2' } })).toBe('api!c2');
    expect(targetOf('instance.cell_name', { instance: null })).toBeUndefined();
    expect(targetOf('cell_name', { cell_name: '' })).toBeUndefined();
    expect(targetOf('cell_name', { cell_name: 3 })).toBeUndefined();
    // A dotted path does not go through a string (a string's characters are not its fields).
    expect(targetOf('cell.0', { cell: 'api' })).toBeUndefined();
  });
});

describe('log fields', () => {
  const env = (traceparent?: string): Envelope => ({
    message_type: 'targeted',
    ctxt: makeContext({ request_id: 'req-1' }),
    method_name: 'echo',
    method_kwargs: {},
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid: 'u1',
    routing_path: 'a',
    hop_count: 1,
    max_hop_count: 10,
    target_cell: 'a!b',
    ...(traceparent === undefined ? {} : { traceparent }),
  });

  it('name the request, trace, method and message', () => {
    expect(logFields(env('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'))).toEqual({
      request_id: 'req-1',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      method: 'echo',
      uuid: 'u1',
    });
  });

  it('leave out a trace id that is absent or malformed, and add extra fields last', () => {
    expect(logFields(env())).not.toHaveProperty('trace_id');
    expect(logFields(env('garbage'))).not.toHaveProperty('trace_id');
    expect(logFields(env('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'))).not.toHaveProperty('trace_id');
    expect(Object.entries(logFields(env(), { code: 'unavailable' }))).toEqual([
      ['request_id', 'req-1'],
      ['method', 'echo'],
      ['uuid', 'u1'],
      ['code', 'unavailable'],
    ]);
  });
});
