/**
 * End to end, through the built `cellwire` executable: three `cellwire serve` processes from
 * config files (api-cell; child-cell1 under it over AMQP; grandchild-cell1 under that over
 * HTTP with a shared secret), driven with `cellwire call` and `cellwire tree`.
 *
 * Needs the build (`npm test` builds first) and RabbitMQ on 127.0.0.1:5672
 * (`bash scripts/ensure-rabbitmq.sh`). Cell names get a per-run suffix so that runs never
 * share queues; the queues are deleted afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'packages/cell/dist/cli.js');
const fixtures = path.join(root, 'test/fixtures/e2e');
const BROKER = 'amqp://guest:guest@127.0.0.1:5672/%2F';

const suffix = `-e2e${randomBytes(3).toString('hex')}`;
const API = `api-cell${suffix}`;
const CHILD = `child-cell1${suffix}`;
const GRANDCHILD = `grandchild-cell1${suffix}`;
const GRANDCHILD_PATH = `${API}!${CHILD}!${GRANDCHILD}`;
// The cell API is closed without a token: the cells read theirs, the CLI and fetch send it.
const API_TOKEN = randomBytes(24).toString('hex');
const env = {
  ...process.env,
  CELLWIRE_E2E_LINK_SECRET: randomBytes(24).toString('hex'),
  CELLWIRE_E2E_API_TOKEN: API_TOKEN,
  CELLWIRE_API_TOKEN: API_TOKEN,
};

interface Served {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly url: string;
  output: string;
  exit?: Promise<number | null>;
}

const served: Served[] = [];
let dir: string;
let apiUrl: string;

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

function brokerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(5672, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs the CLI to completion. */
function run(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`cellwire ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    p.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `cellwire call` against api-cell; fails the test with the CLI's stderr when it fails. */
async function call(method: string, args: object): Promise<any> {
  const r = await run(['call', apiUrl, method, '--args', JSON.stringify(args), '--timeout', '15']);
  if (r.code !== 0) throw new Error(`cellwire call ${method} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  return { status: res.status, body: await res.json() };
}

async function poll<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${served.map((s) => `--- ${s.name}\n${s.output}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Writes a fixture config with this run's names and ports. */
function config(name: string, values: Record<string, string | number>): string {
  let text = readFileSync(path.join(fixtures, `${name}.json`), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replaceAll(`{{${k}}}`, String(v));
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, text);
  return file;
}

function serve(name: string, file: string, url: string): Served {
  const proc = spawn(process.execPath, [cli, 'serve', '--config', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const s: Served = { name, proc, url, output: '' };
  proc.stdout?.on('data', (d) => (s.output += d));
  proc.stderr?.on('data', (d) => (s.output += d));
  s.exit = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  served.push(s);
  return s;
}

async function deleteQueues(): Promise<void> {
  // amqplib is the AMQP transport's own dependency; the test only borrows it for cleanup.
  const amqp = await import('amqplib');
  const conn = await amqp.connect(BROKER);
  try {
    for (const cell of [API, CHILD, GRANDCHILD]) {
      for (const type of ['targeted', 'broadcast', 'response']) {
        const ch = await conn.createChannel();
        await ch.deleteQueue(`cellwire.${cell}.${type}`).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
      const ch = await conn.createChannel();
      await ch.deleteExchange(`cellwire.${cell}.fanout`).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
  } finally {
    await conn.close();
  }
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx nx run-many -t build, or npm test)`);
  if (!(await brokerAnswers())) throw new Error('RabbitMQ does not answer on 127.0.0.1:5672: run bash scripts/ensure-rabbitmq.sh');
  dir = mkdtempSync(path.join(tmpdir(), 'cellwire-e2e-'));
  const ports = { api_port: await freePort(), child_port: await freePort(), grandchild_port: await freePort(), suffix };
  apiUrl = `http://127.0.0.1:${ports.api_port}`;
  const cells = [
    serve(GRANDCHILD, config('grandchild-cell1', ports), `http://127.0.0.1:${ports.grandchild_port}`),
    serve(CHILD, config('child-cell1', ports), `http://127.0.0.1:${ports.child_port}`),
    serve(API, config('api-cell', ports), apiUrl),
  ];
  for (const c of cells) {
    await poll(`${c.name} to be ready`, async () => {
      if (c.proc.exitCode !== null) throw new Error(`${c.name} exited with ${c.proc.exitCode}:\n${c.output}`);
      const r = await getJson(`${c.url}/v1/health`);
      // The ready line comes through a pipe and may trail the HTTP answer a little.
      return r.status === 200 && r.body.ok && r.body.ready && c.output.includes(' ready, ') ? r.body : undefined;
    });
  }
});

afterAll(async () => {
  for (const s of served) if (s.proc.exitCode === null) s.proc.kill('SIGTERM');
  await Promise.all(
    served.map(async (s) => {
      const killer = setTimeout(() => s.proc.kill('SIGKILL'), 10_000);
      await s.exit;
      clearTimeout(killer);
    }),
  );
  if (await brokerAnswers()) await deleteQueues();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('three cellwire serve processes: api-cell -(amqp)- child-cell1 -(http)- grandchild-cell1', () => {
  const uuid = randomUUID();

  it('prints one ready line per cell with its API URL', () => {
    for (const s of served) expect(s.output).toContain(`cell ${s.name} ready, HTTP API at ${s.url}`);
  });

  it('learns the capacities of the whole tree at the top', async () => {
    const state = await poll('the grandchild capacities to reach the top', async () => {
      const r = await getJson(`${apiUrl}/v1/state`);
      const child = r.body.children.find((c: any) => c.name === CHILD);
      // api-cell (16 GB) + child (16 GB) + grandchild (2 x 32 GB), less the 10 % reserve.
      return child?.last_seen && r.body.capacities.ram_free?.total_mb > 90_000 ? r.body : undefined;
    });
    expect(state.name).toBe(API);
    expect(state.is_top).toBe(true);
    expect(state.children[0]).toMatchObject({ name: CHILD, transport: 'amqp', mute: false });
    expect(state.capabilities.hypervisor).toEqual(['kvm', 'xen']);
  });

  it('builds an instance in the grandchild and sees it at the top with its cell_name', async () => {
    const accepted = await call('build_instances', {
      target_cell: GRANDCHILD_PATH,
      build_inst_kwargs: {
        instances: [{ uuid, display_name: 'e2e-vm', project_id: 'e2e', user_id: 'e2e' }],
        image: { id: 'cirros', name: 'cirros', status: 'active', properties: {} },
        filter_properties: {
          instance_type: { id: 1, flavorid: '1', name: 'm1.tiny', memory_mb: 512, vcpus: 1, root_gb: 1, ephemeral_gb: 0, swap: 0 },
          scheduler_hints: {},
        },
        admin_password: null,
        injected_files: [],
        requested_networks: null,
        security_groups: ['default'],
        block_device_mapping: [],
        legacy_bdm: false,
      },
    });
    expect(accepted).toMatchObject({ status: 'accepted', method: 'build_instances' });
    const atTop = await poll('the instance at the top', async () => {
      const r = await getJson(`${apiUrl}/v1/instances`);
      return r.body.instances.find((i: any) => i.uuid === uuid && i.cell_name === GRANDCHILD_PATH);
    });
    expect(atTop.cell_name).toBe(GRANDCHILD_PATH);
    // It lives in the grandchild's own store too.
    const below = await getJson(`${served.find((s) => s.name === GRANDCHILD)?.url}/v1/instances/${uuid}`);
    expect(below.status).toBe(200);
  });

  it('stops it (stop_instance, do_cast false) and sees vm_state stopped at the top', async () => {
    const r = await call('stop_instance', { instance: { uuid, cell_name: GRANDCHILD_PATH }, do_cast: false });
    expect(r).toMatchObject({ cell_name: GRANDCHILD_PATH, failure: false });
    const stopped = await poll('vm_state stopped at the top', async () => {
      const x = await getJson(`${apiUrl}/v1/instances/${uuid}`);
      return x.status === 200 && x.body.vm_state === 'stopped' ? x.body : undefined;
    });
    expect(stopped.vm_state).toBe('stopped');
  });

  it('lists services across the tree (service_get_all)', async () => {
    const list = await call('service_get_all', {});
    expect(list.map((r: any) => r.cell_name).sort()).toEqual([API, `${API}!${CHILD}`, GRANDCHILD_PATH].sort());
    for (const r of list) {
      expect(r.failure).toBe(false);
      expect(r.value.length).toBeGreaterThan(0);
    }
    const hosts = list.flatMap((r: any) => r.value.map((s: any) => s.host));
    expect(hosts).toEqual(expect.arrayContaining(['api-host1', 'child-host1', 'gc-host1', 'gc-host2']));
  });

  it('exits 1 with the error on stderr for a failure, 2 for bad usage', async () => {
    const bad = await run(['call', apiUrl, 'get_host_uptime', '--args', JSON.stringify({ cell_name: `${API}!nope`, host_name: 'x' })]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('failed');
    const unknown = await run(['call', apiUrl, 'no_such_method']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Method 'no_such_method' is not a known method");
    const usage = await run(['frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: cellwire');
  });

  it('draws the tree from the top', async () => {
    const r = await run(['tree', apiUrl]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${API}\\s+ram \\d+ MB free`));
    expect(lines[1]).toContain(`└── ${CHILD}`);
  });

  it('stops every cell cleanly on SIGTERM', async () => {
    for (const s of served) s.proc.kill('SIGTERM');
    const codes = await Promise.all(served.map((s) => s.exit));
    expect(codes).toEqual([0, 0, 0]);
    // Warnings are expected (a cell that starts before its parent cannot tell it yet), errors are not.
    for (const s of served) expect(s.output).not.toMatch(/"level":(50|60|"error"|"fatal")/);
  });
});
