import { describe, expect, it } from 'vitest';
import { HEADERS, MESSAGE_PATH, signMessage } from '../src/index.js';
import { castOptions, envelope, rawPost, recorder, SECRET, transport } from './fixtures.js';

const secrets = { api: SECRET };

async function child(options: Record<string, unknown> = {}) {
  const t = transport();
  const rec = recorder();
  const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets, options }, rec.handler);
  const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
  return { t, rec, link, messages: listener.urls[0]! + MESSAGE_PATH };
}

function signed(body: string | Buffer): Record<string, string> {
  const ts = Date.now();
  return {
    'content-type': 'application/json',
    [HEADERS.from]: 'api',
    [HEADERS.timestamp]: String(ts),
    [HEADERS.signature]: signMessage(SECRET, { timestamp: ts, from: 'api', to: 'child1' }, body),
  };
}

const big = (bytes: number) => JSON.stringify({ message_type: 'targeted', pad: 'x'.repeat(bytes) });

describe('body limits and decoding', () => {
  it('over 1 MiB: 413 payload_too_large, handler not run, and the server still serves', async () => {
    const { rec, link } = await child();
    await expect(link.send(big(1024 * 1024), castOptions())).rejects.toMatchObject({ code: 'payload_too_large', cell: 'child1' });
    expect(rec.received).toHaveLength(0);
    await expect(link.send(envelope(), castOptions())).resolves.toBeUndefined();
    await expect(link.send(big(1000 * 1000), castOptions())).resolves.toBeUndefined(); // just under the limit
    expect(rec.received).toHaveLength(2);
  });

  it('a chunked body (no content-length) is cut off at the limit without reading it all', async () => {
    const { rec, link, messages } = await child({ maxBodyBytes: 64 * 1024 });
    let produced = 0;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    // 64 MiB endless-ish stream; the listener must answer long before it ends.
    async function* stream() {
      for (let i = 0; i < 4096; i++) {
        produced += chunk.length;
        yield chunk;
      }
    }
    const headers = { ...signed(''), 'transfer-encoding': 'chunked' };
    // The signature is checked after the size, so 413 comes first for an oversized body.
    const answer = await rawPost(messages, headers, stream());
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(produced).toBeLessThan(64 * 1024 * 1024);
    expect(rec.received).toHaveLength(0);
    await expect(link.send(envelope(), castOptions())).resolves.toBeUndefined();
  });

  it('the limit is configurable', async () => {
    const { link } = await child({ maxBodyBytes: 100 });
    await expect(link.send(big(200), castOptions())).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(link.send('{"a":1}', castOptions())).resolves.toBeUndefined();
  });

  it.each([
    ['malformed JSON', '{"message_type": ', /not JSON/],
    ['an array', '[1,2]', /must be a JSON object, got an array/],
    ['a string', '"hello"', /must be a JSON object, got a string/],
    ['null', 'null', /got null/],
    ['empty', '', /not JSON/],
  ])('%s: 400 invalid_argument saying what was wrong; handler not run', async (_name, body, message) => {
    const { rec, link, messages } = await child();
    const answer = await rawPost(messages, signed(body), body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'invalid_argument', message: expect.stringMatching(message) } });
    // Through a link the same answer is an invalid_argument CellwireError.
    await expect(link.send(body, castOptions())).rejects.toMatchObject({ code: 'invalid_argument', cell: 'child1' });
    expect(rec.received).toHaveLength(0);
    await expect(link.send(envelope(), castOptions())).resolves.toBeUndefined();
  });

  it('invalid UTF-8: 400 invalid_argument', async () => {
    const { rec, messages } = await child();
    const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]); // {"\xff\xfe":1}
    const answer = await rawPost(messages, signed(body), body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'invalid_argument', message: expect.stringMatching(/UTF-8/) } });
    expect(rec.received).toHaveLength(0);
  });
});
