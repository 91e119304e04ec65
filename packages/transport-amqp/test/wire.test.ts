import { describe, expect, it } from 'vitest';
import { CellwireError } from '@cellwire/core';
import { Backoff } from '../src/connection.js';
import { decodeErrorReply, encodeErrorReply, signMessage, signReply, verifyMessage, verifyReply, type SignedMessage } from '../src/wire.js';

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
  const m: SignedMessage = { timestamp: '1700000000000', from: 'a', to: 'b', exchange: '', routingKey: 'cellwire.b.targeted', reply: true, correlationId: '1f' };
  const body = Buffer.from('{"x":1}');

  it('bind the secret, the body and everything that steers the message', () => {
    const sig = signMessage('s', m, body);
    expect(verifyMessage('s', m, body, sig)).toBe(true);
    expect(verifyMessage('t', m, body, sig)).toBe(false);
    expect(verifyMessage('s', m, Buffer.from('{"x":2}'), sig)).toBe(false);
    for (const change of [
      { from: 'c' },
      { to: 'c' },
      { timestamp: '1700000000001' },
      { exchange: 'cellwire.b.fanout' },
      { routingKey: 'cellwire.b.broadcast' },
      { reply: false },
      { correlationId: '20' },
    ] as Partial<SignedMessage>[]) {
      expect(verifyMessage('s', { ...m, ...change }, body, sig)).toBe(false);
    }
    expect(verifyMessage('s', m, body, 'short')).toBe(false);
    expect(verifyMessage('s', m, body, undefined)).toBe(false);
  });

  it('replies are bound to the message they answer, the answering cell and their kind', () => {
    const r = { request: signMessage('s', m, body), responder: 'b', error: false };
    const sig = signReply('s', r, body);
    expect(verifyReply('s', r, body, sig)).toBe(true);
    expect(verifyReply('t', r, body, sig)).toBe(false);
    expect(verifyReply('s', { ...r, request: signMessage('s', { ...m, correlationId: '20' }, body) }, body, sig)).toBe(false);
    expect(verifyReply('s', { ...r, responder: 'c' }, body, sig)).toBe(false);
    expect(verifyReply('s', { ...r, error: true }, body, sig)).toBe(false);
    // A reply signature is never a message signature, nor the other way round.
    expect(verifyMessage('s', m, body, sig)).toBe(false);
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
