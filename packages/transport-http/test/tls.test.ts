import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CellwireError } from '@cellwire/core';
import { callOptions, castOptions, closedPortUrl, envelope, recorder, SECRET, transport } from './fixtures.js';

const OPENSSL = '/usr/bin/openssl';
let dir: string;

/** A private CA and a server certificate for IP 127.0.0.1 signed by it, made with the openssl CLI. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cellwire-tls-'));
  const run = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cellwire test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function httpsChild() {
  const t = transport();
  const rec = recorder((m) => m.reply?.('{"secure":true}'));
  // The listener takes file paths; the link below takes PEM text: both forms work.
  const listener = await t.listen(
    {
      cell: 'child1',
      url: 'https://127.0.0.1:0',
      secrets: { api: SECRET },
      options: { tls: { cert: join(dir, 'server.crt'), key: join(dir, 'server.key') } },
    },
    rec.handler,
  );
  return { t, rec, listener };
}

describe('https', () => {
  it('a link trusting the CA round-trips over TLS', async () => {
    const { t, rec, listener } = await httpsChild();
    expect(listener.urls[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET, options: { tls: { ca } } }, { cell: 'api' });
    await expect(link.send(envelope(), callOptions())).resolves.toBe('{"secure":true}');
    expect(rec.received).toHaveLength(1);
  });

  it('a link without the CA fails fast and the handler never runs', async () => {
    const { t, rec, listener } = await httpsChild();
    const link = t.connect({ name: 'child1', urls: listener.urls, secret: SECRET }, { cell: 'api' });
    const deadline = Date.now() + 10_000;
    const err = await link.send(envelope(), castOptions({ deadline })).catch((e: unknown) => e);
    expect(Date.now()).toBeLessThan(deadline);
    expect(err).toBeInstanceOf(CellwireError);
    expect(err).toMatchObject({ code: 'unavailable', cell: 'child1', retryable: false });
    expect((err as Error).message).toMatch(/TLS/);
    expect(rec.received).toHaveLength(0);
  });

  it('https url without tls material, or tls on a plain http url, is refused at listen', async () => {
    const t = transport();
    await expect(t.listen({ cell: 'c', url: 'https://127.0.0.1:0' }, recorder().handler)).rejects.toMatchObject({ code: 'invalid_argument' });
    const cert = join(dir, 'server.crt');
    const key = join(dir, 'server.key');
    await expect(t.listen({ cell: 'c', url: 'http://127.0.0.1:0', options: { tls: { cert, key } } }, recorder().handler)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('failover passes over an https instance that is down', async () => {
    const { t, listener } = await httpsChild();
    const down = (await closedPortUrl()).replace('http:', 'https:');
    const ca = join(dir, 'ca.crt');
    const link = t.connect({ name: 'child1', urls: [down, listener.urls[0]!], secret: SECRET, options: { tls: { ca } } }, { cell: 'api' });
    for (let i = 0; i < 2; i++) await expect(link.send(envelope(), callOptions())).resolves.toBe('{"secure":true}');
  });
});
