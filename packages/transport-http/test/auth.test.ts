import { describe, expect, it } from 'vitest';
import { HEADERS, MESSAGE_PATH, signMessage } from '../src/index.js';
import { castOptions, envelope, rawPost, recorder, SECRET, transport } from './fixtures.js';

const secrets = { api: SECRET };

async function child(options: Record<string, unknown> = {}, listenSecrets: Record<string, string> | undefined = secrets) {
  const t = transport();
  const rec = recorder();
  const listener = await t.listen({ cell: 'child1', url: 'http://127.0.0.1:0', secrets: listenSecrets, options }, rec.handler);
  return { t, rec, url: listener.urls[0]!, messages: listener.urls[0]! + MESSAGE_PATH };
}

function signed(from: string, secret: string, body: string, timestamp = Date.now(), to = 'child1'): Record<string, string> {
  return {
    'content-type': 'application/json',
    [HEADERS.from]: encodeURIComponent(from),
    [HEADERS.timestamp]: String(timestamp),
    [HEADERS.signature]: signMessage(secret, { timestamp, from, to }, body),
  };
}

describe('per-link authentication', () => {
  it('accepts a correctly signed request (control case)', async () => {
    const { rec, messages } = await child();
    const answer = await rawPost(messages, signed('api', SECRET, envelope()), envelope());
    expect(answer.status).toBe(202);
    expect(rec.received).toHaveLength(1);
  });

  it.each([
    ['unsigned', () => ({ 'content-type': 'application/json', [HEADERS.from]: 'api', [HEADERS.timestamp]: String(Date.now()) })],
    ['no headers at all', () => ({ 'content-type': 'application/json' })],
    ['wrong signature', () => signed('api', 'not-the-secret', envelope())],
    ['signature of another body', () => signed('api', SECRET, envelope(2))],
    ['stale timestamp', () => signed('api', SECRET, envelope(), Date.now() - 31_000)],
    ['timestamp from the future', () => signed('api', SECRET, envelope(), Date.now() + 31_000)],
    ['unknown sender', () => signed('intruder', SECRET, envelope())],
    ['sender renamed after signing', () => ({ ...signed('api', SECRET, envelope()), [HEADERS.from]: 'api2' })],
    ['malformed signature', () => ({ ...signed('api', SECRET, envelope()), [HEADERS.signature]: 'zz' })],
  ])('%s: 401 unauthenticated and the handler did not run', async (_name, headers) => {
    const { rec, messages } = await child();
    const answer = await rawPost(messages, headers(), envelope());
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(rec.received).toHaveLength(0);
  });

  it('the clock window is configurable', async () => {
    const { rec, messages } = await child({ maxClockSkewMs: 120_000 });
    const answer = await rawPost(messages, signed('api', SECRET, envelope(), Date.now() - 60_000), envelope());
    expect(answer.status).toBe(202);
    expect(rec.received).toHaveLength(1);
  });

  it('a link with the wrong secret rejects with unauthenticated naming the cell', async () => {
    const { t, rec, url } = await child();
    const link = t.connect({ name: 'child1', urls: [url], secret: 'wrong' }, { cell: 'api' });
    await expect(link.send(envelope(), castOptions())).rejects.toMatchObject({ code: 'unauthenticated', cell: 'child1' });
    const unsigned = t.connect({ name: 'child1', urls: [url] }, { cell: 'api' });
    await expect(unsigned.send(envelope(), castOptions())).rejects.toMatchObject({ code: 'unauthenticated', cell: 'child1' });
    expect(rec.received).toHaveLength(0);
  });

  it('cell names outside header-safe ASCII survive signing', async () => {
    const { t, rec, url } = await child({}, { 'cellule-é!1': 's3cret' });
    const link = t.connect({ name: 'child1', urls: [url], secret: 's3cret' }, { cell: 'cellule-é!1' });
    await link.send(envelope(), castOptions());
    expect(rec.received[0]?.from).toBe('cellule-é!1');
  });

  it('no secrets: every message is refused unless allowUnsigned', async () => {
    const strict = await child({}, undefined);
    const refused = await rawPost(strict.messages, { 'content-type': 'application/json' }, envelope());
    expect(refused.status).toBe(401);
    expect(strict.rec.received).toHaveLength(0);

    const dev = await child({ allowUnsigned: true }, {});
    const accepted = await rawPost(dev.messages, { 'content-type': 'application/json', [HEADERS.from]: 'api' }, envelope());
    expect(accepted.status).toBe(202);
    expect(dev.rec.received[0]?.from).toBe('api');
  });

  it('allowUnsigned does not switch off secrets that are configured', async () => {
    const { rec, messages } = await child({ allowUnsigned: true });
    const answer = await rawPost(messages, { 'content-type': 'application/json', [HEADERS.from]: 'api' }, envelope());
    expect(answer.status).toBe(401);
    expect(rec.received).toHaveLength(0);
  });
});
