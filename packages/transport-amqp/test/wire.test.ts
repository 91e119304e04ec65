import { describe, expect, it } from 'vitest';
import { CellwireError } from '@cellwire/core';
import { Backoff } from '../src/connection.js';
import { decodeErrorReply, encodeErrorReply, sign, verify } from '../src/wire.js';

describe('error replies', () => {
  it('carry the code and message across', () => {
    const body = encodeErrorReply(new CellwireError('invalid_argument', 'not JSON'));
    expect(JSON.parse(body.toString())).toEqual({ error: { code: 'invalid_argument', message: 'not JSON' } });
    const err = decodeErrorReply(body, 'b');
    expect([err.code, err.message, err.cell]).toEqual(['invalid_argument', 'not JSON', 'b']);
  });

  it('turn an unknown code or a garbled body into `remote`, never a reply', () => {
    expect(decodeErrorReply(Buffer.from('{"error":{"code":"nope","message":"m"}}'), 'b').code).toBe('remote');
    expect(decodeErrorReply(Buffer.from('garbage'), 'b')).toMatchObject({ code: 'remote', cell: 'b' });
  });
});

describe('signatures', () => {
  it('bind the secret, the sender, the receiver and the body', () => {
    const body = Buffer.from('{"x":1}');
    const sig = sign('s', 'a', 'b', body);
    expect(verify('s', 'a', 'b', body, sig)).toBe(true);
    expect(verify('t', 'a', 'b', body, sig)).toBe(false);
    expect(verify('s', 'c', 'b', body, sig)).toBe(false);
    expect(verify('s', 'a', 'c', body, sig)).toBe(false);
    expect(verify('s', 'a', 'b', Buffer.from('{"x":2}'), sig)).toBe(false);
    expect(verify('s', 'a', 'b', body, 'short')).toBe(false);
  });
});

describe('Backoff', () => {
  it('doubles from the first delay up to the cap, with jitter, and resets', () => {
    const mid = new Backoff(100, 2000, () => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(() => mid.delay())).toEqual([100, 200, 400, 800, 1600, 2000]);
    mid.reset();
    expect(mid.delay()).toBe(100);
    const high = new Backoff(100, 2000, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => high.delay())).toEqual([120, 240, 480, 960, 1920, 2000]);
  });
});
