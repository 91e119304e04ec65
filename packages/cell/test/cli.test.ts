/**
 * The `cellwire` command line, run in-process through runCli: usage errors, config errors,
 * and serve / call / tree against real cell services on HTTP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@cellwire/core';
import type { Capacities } from '@cellwire/schema';
import { runCli } from '../src/command-line.js';
import { parseConfig } from '../src/config.js';
import { startCellService, type CellService } from '../src/service.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cellwire-cli-'));
// The config files written here go with the test file.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'cli-test-token-0123456789abcdef';

/** Runs one command line, collecting what it prints. */
async function cli(args: string[], extra: { env?: Record<string, string>; signal?: AbortSignal } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: extra.env ?? {},
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
  return { code, stdout, stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('usage', () => {
  it('prints the usage for help, --help and -h', async () => {
    for (const args of [['help'], ['--help'], ['-h']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: cellwire <command>');
      expect(r.stderr).toBe('');
    }
  });

  it.each([
    ['serve', 'Usage: cellwire serve --config FILE', '--config FILE'],
    ['call', 'Usage: cellwire call URL METHOD [--args JSON] [--timeout S] [--ctxt JSON] [--token TOKEN]', '--timeout S'],
    ['tree', 'Usage: cellwire tree URL [--token TOKEN]', '--token TOKEN'],
    ['demo', 'Usage: cellwire demo', '-h, --help'],
  ])('prints the usage of %s for --help and -h, whatever else is on the line', async (command, synopsis, option) => {
    for (const args of [[command, '--help'], [command, '-h'], [command, 'x', '--nope', '--help']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(`${synopsis}\n`)).toBe(true);
      expect(r.stdout).toContain(option);
      expect(r.stdout).toContain('Exit status: 0 done, 1 failed');
    }
  });

  it('prints the version for --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`cellwire ${version}\n`);
    expect((await cli(['--version', 'extra'])).code).toBe(2);
  });

  it("shows the command's own usage after a usage error in it", async () => {
    const r = await cli(['call', 'http://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: cellwire call URL METHOD');
    expect(r.stderr).not.toContain('Usage: cellwire <command>');
  });

  it.each([
    [[], 'no command given'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['serve'], 'serve needs --config FILE'],
    [['serve', '--config'], '--config needs a value'],
    [['serve', '--conf', 'x.json'], 'unknown option --conf'],
    [['serve', '-c', 'x.json'], 'unknown option -c'],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--args'], '--args needs a value'],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--timeout', '-5'], "--timeout needs a value (write --timeout=VALUE for one that starts with '-')"],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--timeout=-5'], '--timeout must be a number of seconds > 0'],
    [['tree', 'http://127.0.0.1:1', '--args', '{}'], 'unknown option --args'],
    [['call', 'http://127.0.0.1:1'], 'expected URL METHOD'],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--args', '{nope'], '--args is not JSON'],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--args', '[1]'], '--args must be a JSON object'],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--timeout', '0'], '--timeout must be a number of seconds > 0'],
    [['call', 'not-a-url', 'service_get_all'], "'not-a-url' is not a URL"],
    [['tree'], 'expected URL'],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--token'], '--token needs a value'],
    [['call', 'http://127.0.0.1:1', 'service_get_all', '--token', 'two words'], 'must be printable ASCII without spaces'],
    [['tree', 'http://127.0.0.1:1', '--token', '@/nonexistent/token-file'], '--token @/nonexistent/token-file: cannot read the file'],
    [['demo', 'extra'], 'expected , got extra'],
  ])('%j exits 2 with a reason and the usage on stderr', async (args, reason) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(reason);
    expect(r.stderr).toContain('Usage: cellwire');
    expect(r.stdout).toBe('');
  });

  it('exits 1 when the cell cannot be reached', async () => {
    const r = await cli(['call', `http://127.0.0.1:${await freePort()}`, 'service_get_all']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/call\/service_get_all/);
  });
});

describe('serve', () => {
  it('refuses a bad config, naming the file and the field', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'a', listen: 'http://127.0.0.1:0', children: [{ name: 'b', url: 'ftp://x' }] }));
    const r = await cli(['serve', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cellwire: config error in ${file}: children[0].url: unsupported scheme 'ftp:' (use memory:, http:, https:, amqp:, amqps:)\n`);
  });

  it('names a missing secret variable', async () => {
    const file = path.join(dir, 'secret.json');
    writeFileSync(file, JSON.stringify({ name: 'a', listen: 'http://127.0.0.1:0', children: [{ name: 'b', url: 'http://127.0.0.1:9', secret_env: 'CW_TEST_SECRET' }] }));
    const r = await cli(['serve', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`config error in ${file}: children[0].secret_env: environment variable CW_TEST_SECRET is not set`);
  });

  it('serves until stopped, printing one ready line with the API URL', async () => {
    const file = path.join(dir, 'solo.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'solo',
        listen: 'http://127.0.0.1:0',
        hosts: [{ name: 'h1', vcpus: 4, memory_mb: 8192, local_gb: 100 }],
        log_level: 'error',
        api_token_env: 'SOLO_API_TOKEN',
      }),
    );
    const stop = new AbortController();
    let stdout = '';
    const done = runCli(['serve', '--config', file], { stdout: (t) => (stdout += t), stderr: () => {}, env: { SOLO_API_TOKEN: TOKEN }, signal: stop.signal });
    const end = Date.now() + 10_000;
    while (!stdout.includes('ready') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const m = /^cellwire: cell solo ready, HTTP API at (http:\/\/127\.0\.0\.1:\d+); listening on http:\/\/127\.0\.0\.1:\d+\n$/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    const url = m?.[1] as string;
    const r = await cli(['call', url, 'service_get_all', '--token', TOKEN]);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ cell_name: 'solo', failure: false });
    expect(list[0].value.map((s: { host: string }) => s.host)).toContain('h1');
    stop.abort();
    expect(await done).toBe(0);
  });
});

describe('call and tree against an HTTP tree', () => {
  const cells: CellService[] = [];
  let topUrl: string;

  beforeAll(async () => {
    const [pTop, pMid, pLeaf] = [await freePort(), await freePort(), await freePort()];
    // Every cell has its own API token; the tree is read through the link secrets.
    const env = { S1: 'top-mid-secret', S2: 'mid-leaf-secret', TOP_TOKEN: TOKEN, MID_TOKEN: 'mid-token-0123456789abcdef', LEAF_TOKEN: 'leaf-token-0123456789abcdef' };
    const url = (p: number) => `http://127.0.0.1:${p}`;
    const host = (name: string, memory_mb: number) => ({ name, vcpus: 8, memory_mb, local_gb: 100 });
    const configs = [
      { name: 'top', listen: url(pTop), children: [{ name: 'mid', url: url(pMid), secret_env: 'S1' }], hosts: [host('top-h1', 4096)], api_token_env: 'TOP_TOKEN' },
      {
        name: 'mid',
        listen: url(pMid),
        parents: [{ name: 'top', url: url(pTop), secret_env: 'S1' }],
        children: [{ name: 'leaf', url: url(pLeaf), secret_env: 'S2' }],
        hosts: [host('mid-h1', 8192)],
        api_token_env: 'MID_TOKEN',
      },
      { name: 'leaf', listen: url(pLeaf), parents: [{ name: 'mid', url: url(pMid), secret_env: 'S2' }], hosts: [host('leaf-h1', 16384)], api_token_env: 'LEAF_TOKEN' },
    ];
    for (const c of configs) cells.push(await startCellService(parseConfig({ ...c, log_level: 'error' }, { env }), { logger: silentLogger }));
    topUrl = cells[0]?.url as string;
    // The leaf was last to start: its report is what completes the top's view.
    const ram = (c: Capacities) => c.ram_free?.total_mb ?? 0;
    const settled = () => ram((cells[0] as CellService).state().capacities) === cells.reduce((n, c) => n + ram(c.state().own_capacities), 0);
    const end = Date.now() + 10_000;
    while (!settled() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(settled()).toBe(true);
  });

  afterAll(async () => {
    await Promise.all(cells.map((c) => c.close()));
  });

  /** The token from the environment, as an operator would keep it out of the process list. */
  const withToken = { env: { CELLWIRE_API_TOKEN: TOKEN } };

  it('prints a targeted Response and exits 0', async () => {
    const r = await cli(['call', topUrl, 'service_get_by_compute_host', '--args', '{"cell_name":"top!mid!leaf","host_name":"leaf-h1"}', '--timeout', '5', '--token', TOKEN]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cell_name: 'top!mid!leaf', failure: false, value: { host: 'leaf-h1' } });
  });

  it('takes the token from --token, --token @FILE or CELLWIRE_API_TOKEN; without one, or a wrong one, exits 1 saying so', async () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    for (const [args, env] of [
      [['--token', TOKEN], {}],
      [['--token', `@${file}`], {}],
      [[], { CELLWIRE_API_TOKEN: TOKEN }],
      // --token wins over the environment.
      [['--token', TOKEN], { CELLWIRE_API_TOKEN: 'stale-token-0123456789' }],
    ] as const) {
      const r = await cli(['call', topUrl, 'service_get_all', ...args], { env });
      expect(r.code, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`).toBe(0);
    }
    const none = await cli(['call', topUrl, 'service_get_all']);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(
      "cellwire: this cell's API needs a bearer token: send 'Authorization: Bearer <token>' (cellwire call --token, or CELLWIRE_API_TOKEN) (HTTP 401, unauthenticated); give --token TOKEN or set CELLWIRE_API_TOKEN\n",
    );
    const wrong = await cli(['call', topUrl, 'service_get_all', '--token', 'wrong-token-0123456789']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('cellwire: wrong bearer token (HTTP 401, unauthenticated)\n');
    const tree = await cli(['tree', topUrl]);
    expect(tree.code).toBe(1);
    expect(tree.stderr).toContain('(HTTP 401, unauthenticated); give --token TOKEN or set CELLWIRE_API_TOKEN');
  });

  it('prints a failure Response, and exits 1 with the error on stderr', async () => {
    const r = await cli(['call', topUrl, 'service_get_by_compute_host', '--args', '{"cell_name":"top!nowhere","host_name":"x"}'], withToken);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ failure: true, value: { class: 'CellRoutingInconsistency' } });
    expect(r.stderr).toContain('failed: Inconsistency in cell routing');
  });

  it('exits 1 on an HTTP error with its message', async () => {
    const r = await cli(['call', topUrl, 'service_get_by_compute_host', '--args', '{"cell_name":"top!mid"}'], withToken);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cellwire: invalid arguments for service_get_by_compute_host: .*host_name.* \(HTTP 400, invalid_argument\)\n$/);
  });

  it('passes --ctxt on to the handlers', async () => {
    const r = await cli(['call', topUrl, 'service_get_all', '--ctxt', '{"user_id":"alice","project_id":"p1","roles":["reader"]}'], withToken);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { cell_name: string }) => x.cell_name)).toEqual(['top!mid!leaf', 'top!mid', 'top']);
  });

  it('draws the tree with capacities: the top asks each HTTP child for its own tree, with the link secret', async () => {
    const r = await cli(['tree', topUrl, '--token', TOKEN]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // Each cell read from itself: no child drawn as its parent last heard from it.
    expect(r.stdout).not.toContain('as reported');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^top\s+ram \d+ MB free/);
    expect(lines[1]).toMatch(/^└── mid\s+ram \d+ MB free/);
    expect(lines[2]).toMatch(/^ {4}└── leaf\s+ram \d+ MB free/);
    const total = (line: string) => Number(/ram (\d+) MB/.exec(line)?.[1]);
    expect(total(lines[0] as string)).toBeGreaterThan(total(lines[1] as string));
    expect(total(lines[1] as string)).toBeGreaterThan(total(lines[2] as string));
  });
});
