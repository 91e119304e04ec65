import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../src/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cellwire-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** The message of the ConfigError that loading `value` throws. */
function errorOf(value: unknown, env: Record<string, string> = {}): string {
  const file = write('bad.json', value);
  try {
    loadConfig(file, { env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.replace(file, '<file>');
  }
  throw new Error('expected a config error');
}

describe('loadConfig', () => {
  it('reads the config example of docs/cell-service.md, with defaults filled in', () => {
    const file = write('api-cell.json', {
      name: 'api-cell',
      listen: 'http://127.0.0.1:7001',
      parents: [],
      children: [
        { name: 'child-cell1', url: 'http://127.0.0.1:7002', secret_env: 'LINK_SECRET_1' },
        { name: 'child-cell2', url: 'amqp://guest:guest@127.0.0.1:5672/%2F' },
        { name: 'child-cell3', url: 'memory://child-cell3' },
      ],
      max_hop_count: 10,
      call_timeout_s: 60,
      capabilities: { hypervisor: ['kvm', 'xen'], os: ['linux'] },
      hosts: [{ name: 'host1', vcpus: 16, memory_mb: 65536, local_gb: 1000, hypervisor_type: 'kvm' }],
      store: ':memory:',
    });
    const c = loadConfig(file, { env: { LINK_SECRET_1: 's3cret' } });
    expect(c.name).toBe('api-cell');
    expect(c.listen).toEqual(['http://127.0.0.1:7001']);
    expect(c.children.map((n) => [n.name, n.urls, n.secret])).toEqual([
      ['child-cell1', ['http://127.0.0.1:7002'], 's3cret'],
      ['child-cell2', ['amqp://guest:guest@127.0.0.1:5672/%2F'], undefined],
      ['child-cell3', ['memory://child-cell3'], undefined],
    ]);
    expect(c).toMatchObject({
      updateIntervalS: 60,
      muteChildIntervalS: 300,
      reservePercent: 10,
      maxHopCount: 10,
      callTimeoutS: 60,
      store: ':memory:',
      allowUnsigned: false,
      maxBodyBytes: 1024 * 1024,
      logLevel: 'info',
      file,
    });
    expect(c.hosts[0]?.name).toBe('host1');
  });

  it('takes listen lists, urls lists, secret files and a store path relative to the config file', () => {
    writeFileSync(path.join(dir, 'link.secret'), 'from-a-file\n');
    const file = write('child.json', {
      name: 'child-cell1',
      listen: ['http://127.0.0.1:0', 'amqp://guest:guest@127.0.0.1:5672/%2F'],
      parents: [{ name: 'api-cell', urls: ['http://10.0.0.1:7001', 'http://10.0.0.2:7001'], secret_file: 'link.secret' }],
      store: 'data/child.sqlite',
      update_interval_s: 5,
    });
    const c = loadConfig(file);
    expect(c.listen).toHaveLength(2);
    expect(c.parents[0]).toEqual({ name: 'api-cell', urls: ['http://10.0.0.1:7001', 'http://10.0.0.2:7001'], secret: 'from-a-file' });
    expect(c.store).toBe(path.join(dir, 'data/child.sqlite'));
    expect(c.updateIntervalS).toBe(5);
  });

  it.each([
    [{ name: 'a', listen: 'http://127.0.0.1:1', children: [{ name: 'b', url: 'memory://b' }, { name: 'c', url: 'ftp://x' }] }, "children[1].url: unsupported scheme 'ftp:'"],
    [{ listen: 'memory://a' }, "name: must be a non-empty string, got nothing"],
    [{ name: 'a!b', listen: 'memory://a' }, "name: 'a!b' may not contain '!' or '@'"],
    [{ name: 'a' }, 'listen: is required'],
    [{ name: 'a', listen: [] }, 'listen: must hold at least one URL'],
    [{ name: 'a', listen: ['memory://a', 42] }, 'listen[1]: must be a URL string, got 42'],
    [{ name: 'a', listen: 'memory://a', parents: [{ name: 'p' }] }, 'parents[0].url: is required'],
    [{ name: 'a', listen: 'memory://a', parents: [{ name: 'p', url: 'memory://p', urls: ['memory://p'] }] }, "parents[0]: give 'url' or 'urls', not both"],
    [{ name: 'a', listen: 'memory://a', children: [{ name: 'a', url: 'memory://a' }] }, "children[0].name: 'a' is this cell's own name"],
    [{ name: 'a', listen: 'memory://a', parents: [{ name: 'b', url: 'memory://b' }], children: [{ name: 'b', url: 'memory://b' }] }, "children[0].name: 'b' is already listed as parents[0]"],
    [{ name: 'a', listen: 'memory://a', children: [{ name: 'b', url: 'memory://b', secret: 'x' }] }, 'children[0].secret: secrets are never written in the config'],
    [{ name: 'a', listen: 'memory://a', children: [{ name: 'b', url: 'memory://b', secret_env: 'NOPE_NOT_SET' }] }, 'children[0].secret_env: environment variable NOPE_NOT_SET is not set'],
    [{ name: 'a', listen: 'memory://a', children: [{ name: 'b', url: 'memory://b', secret_file: 'missing.secret' }] }, 'children[0].secret_file: cannot read'],
    [{ name: 'a', listen: 'http://127.0.0.1:1', children: [{ name: 'b', url: 'http://127.0.0.1:2' }] }, 'children[0]: an http link needs secret_env or secret_file (or allow_unsigned: true'],
    [{ name: 'a', listen: 'memory://a', update_interval_s: 0 }, 'update_interval_s: must be greater than 0, got 0'],
    [{ name: 'a', listen: 'memory://a', reserve_percent: 120 }, 'reserve_percent: must be at most 100, got 120'],
    [{ name: 'a', listen: 'memory://a', max_hop_count: 2.5 }, 'max_hop_count: must be a whole number, got 2.5'],
    [{ name: 'a', listen: 'memory://a', call_timeout_s: '60' }, "call_timeout_s: must be a number, got '60'"],
    [{ name: 'a', listen: 'memory://a', allow_unsigned: 'yes' }, "allow_unsigned: must be true or false, got 'yes'"],
    [{ name: 'a', listen: 'memory://a', log_level: 'loud' }, "log_level: must be one of debug, info, warn, error, silent, got 'loud'"],
    [{ name: 'a', listen: 'memory://a', capabilities: { hypervisor: 'kvm' } }, "capabilities.hypervisor: must be a list of strings, got 'kvm'"],
    [{ name: 'a', listen: 'memory://a', hosts: [{ name: 'h1', vcpus: 4, memory_mb: 0, local_gb: 10 }] }, 'hosts[0].memory_mb: must be a positive whole number, got 0'],
    [{ name: 'a', listen: 'memory://a', hosts: [{ name: 'h1', vcpus: 4, memory_mb: 1, local_gb: 1 }, { name: 'h1', vcpus: 4, memory_mb: 1, local_gb: 1 }] }, "hosts[1].name: host 'h1' is listed twice"],
    [{ name: 'a', listen: 'memory://a', lisen: 'typo' }, 'lisen: unknown field'],
    [{ name: 'a', listen: 'https://127.0.0.1:1' }, 'tls: an https listen URL needs tls.cert and tls.key'],
    [{ name: 'a', listen: 'memory://a', api_listen: 'memory://api' }, "api_listen: must be an http:// or https:// URL, got 'memory://api'"],
    [{ name: 'a', listen: 'memory://a', api_listen: 'https://127.0.0.1:0' }, 'tls: an https api_listen URL needs tls.cert and tls.key'],
    [{ name: 'a', listen: 'memory://a', api_token_env: 'NOPE_NOT_SET' }, 'api_token_env: environment variable NOPE_NOT_SET is not set'],
    [{ name: 'a', listen: 'memory://a', api_token_file: 'missing.token' }, 'api_token_file: cannot read'],
    [{ name: 'a', listen: 'memory://a', api_token_env: 'T', api_token_file: 'x' }, "api_token_file: give 'api_token_env' or 'api_token_file', not both"],
    [{ name: 'a', listen: 'memory://a', api_token_env: 'SHORT' }, 'api_token_env: the API token is too short: use at least 16 characters'],
    [{ name: 'a', listen: 'memory://a', api_token_env: 'SPACED' }, 'api_token_env: the API token must be printable ASCII without spaces'],
    [{ name: 'a', listen: 'memory://a', api_anonymous: 'yes' }, "api_anonymous: must be true or false, got 'yes'"],
    [{ name: 'a', listen: 'memory://a', api_hosts: ['http://cells.example.net'] }, "api_hosts[0]: must be a host name or address with an optional :PORT"],
    [{ name: 'a', listen: 'memory://a', api_hosts: 'cells.example.net' }, "api_hosts: must be a list of strings, got 'cells.example.net'"],
    [{ name: 'a', listen: 'memory://a', api_token: 'inline' }, 'api_token: unknown field'],
    [[1, 2], 'must be a JSON object, got a list'],
    ['{ "name": ', 'not valid JSON'],
  ])('refuses %j naming the field', (value, expected) => {
    const message = errorOf(value, { T: 'a-token-of-32-characters-0123456', SHORT: 'short', SPACED: 'a token with spaces in it' });
    expect(message.startsWith('config error in <file>: ')).toBe(true);
    expect(message).toContain(expected);
  });

  it('refuses an http link without a secret when another one has a secret, even in development mode', () => {
    const message = errorOf(
      {
        name: 'a',
        listen: 'http://127.0.0.1:1',
        allow_unsigned: true,
        children: [
          { name: 'b', url: 'http://127.0.0.1:2', secret_env: 'S' },
          { name: 'c', url: 'http://127.0.0.1:3' },
        ],
      },
      { S: 'x' },
    );
    expect(message).toContain('children[1]: needs secret_env or secret_file: b has a secret');
  });

  it('accepts unsigned http links with allow_unsigned: true', () => {
    const c = parseConfig({ name: 'a', listen: 'http://127.0.0.1:1', allow_unsigned: true, children: [{ name: 'b', url: 'http://127.0.0.1:2' }] });
    expect(c.allowUnsigned).toBe(true);
  });

  it('reads the API settings: the token from a variable or a file, the names, the switches', () => {
    writeFileSync(path.join(dir, 'api.token'), 'token-from-a-file-0123456789\n');
    const file = write('api.json', {
      name: 'a',
      listen: 'http://127.0.0.1:0',
      api_listen: 'http://127.0.0.1:7081',
      api_token_file: 'api.token',
      api_hosts: ['Cells.Example.Net', 'api.example.net:8443', '[fd00::5]:7081'],
      strip_auth_token: true,
    });
    expect(loadConfig(file)).toMatchObject({
      apiListen: 'http://127.0.0.1:7081',
      apiToken: 'token-from-a-file-0123456789',
      apiAnonymous: false,
      apiHosts: ['cells.example.net', 'api.example.net:8443', '[fd00::5]:7081'],
      stripAuthToken: true,
    });
    const defaults = parseConfig({ name: 'a', listen: 'memory://a', api_token_env: 'T' }, { env: { T: 'token-from-the-env-0123' } });
    expect(defaults).toMatchObject({ apiToken: 'token-from-the-env-0123', apiAnonymous: false, apiHosts: [], stripAuthToken: false });
    expect(defaults.apiListen).toBeUndefined();
    expect(parseConfig({ name: 'a', listen: 'memory://a', api_anonymous: true }).apiToken).toBeUndefined();
  });

  it('names a file it cannot read', () => {
    expect(() => loadConfig(path.join(dir, 'nope.json'))).toThrow(/^config error in .*nope\.json: cannot read the file/);
  });
});
