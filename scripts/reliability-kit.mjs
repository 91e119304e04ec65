/**
 * Shared by scripts/fuzz.mjs, chaos.mjs and soak.mjs: a small tree of real cell processes on
 * 127.0.0.1, a private RabbitMQ node for them, HTTP helpers, and the RELIABILITY.md writer.
 *
 * Cells run from the sources (`node --import tsx scripts/cell-probe.mjs --config FILE`), one
 * process each, so no build is needed and a crash is a process that exits. The probe answers
 * SIGUSR2 with one `PROBE {json}` line on stdout: memory after a forced GC.
 *
 * The broker is a RabbitMQ node of its own (`cwrel@localhost`, 127.0.0.1:5673, data under
 * /tmp/cellwire-reliability-broker), so restarting it never disturbs anyone else's tests on the
 * shared broker at 5672. RELIABILITY_AMQP_URL points the scripts at another broker instead
 * (then the chaos script does not restart it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'packages/transport-amqp/package.json'));
/** amqplib, as the AMQP transport resolves it. */
export const amqp = require('amqplib');

// ------------------------------------------------------------------ a private broker

const BROKER_DIR = '/tmp/cellwire-reliability-broker';
const BROKER_NODE = 'cwrel@localhost';
export const PRIVATE_BROKER_PORT = 5673;
const RABBIT_SBIN = (() => {
  const base = '/usr/lib/rabbitmq/lib';
  if (!existsSync(base)) return undefined;
  const dir = spawnSync('sh', ['-c', `ls -d ${base}/rabbitmq_server-*/sbin | sort -V | tail -1`], { encoding: 'utf8' }).stdout.trim();
  return dir || undefined;
})();

/** The AMQP URL the scripts use, and whether it is the private node (which they may restart). */
export function brokerUrl() {
  const given = process.env.RELIABILITY_AMQP_URL;
  if (given) return { url: given, private: false };
  return { url: `amqp://guest:guest@127.0.0.1:${PRIVATE_BROKER_PORT}/%2F`, private: true };
}

function rabbit(tool, args) {
  if (!RABBIT_SBIN) throw new Error('RabbitMQ is not installed here (no /usr/lib/rabbitmq); set RELIABILITY_AMQP_URL');
  const env = [
    `RABBITMQ_NODENAME=${BROKER_NODE}`,
    'RABBITMQ_NODE_IP_ADDRESS=127.0.0.1',
    `RABBITMQ_NODE_PORT=${PRIVATE_BROKER_PORT}`,
    'RABBITMQ_DIST_PORT=25673',
    `RABBITMQ_MNESIA_BASE=${BROKER_DIR}/mnesia`,
    `RABBITMQ_LOG_BASE=${BROKER_DIR}/log`,
    `RABBITMQ_ENABLED_PLUGINS_FILE=${BROKER_DIR}/enabled_plugins`,
    `RABBITMQ_CONFIG_FILE=${BROKER_DIR}/rabbitmq`,
    `RABBITMQ_PID_FILE=${BROKER_DIR}/pid`,
    `RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'`,
    'HOME=/var/lib/rabbitmq',
  ].join(' ');
  const cmd = `${env} ${RABBIT_SBIN}/${tool} ${args.map((a) => `'${a}'`).join(' ')}`;
  // The Debian package runs RabbitMQ as its own user; as root, become it.
  const asRoot = process.getuid?.() === 0;
  return spawnSync(asRoot ? 'su' : 'sh', asRoot ? ['rabbitmq', '-s', '/bin/sh', '-c', cmd] : ['-c', cmd], { encoding: 'utf8', timeout: 120_000 });
}

export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** Starts the private broker if it is not up; resolves once it accepts AMQP connections. */
export async function startBroker() {
  const b = brokerUrl();
  if (!b.private) return;
  if (await portOpen(PRIVATE_BROKER_PORT)) return;
  mkdirSync(`${BROKER_DIR}/log`, { recursive: true });
  writeFileSync(`${BROKER_DIR}/enabled_plugins`, '[].\n');
  writeFileSync(`${BROKER_DIR}/rabbitmq.conf`, `listeners.tcp.default = 127.0.0.1:${PRIVATE_BROKER_PORT}\nloopback_users = none\n`);
  if (process.getuid?.() === 0) {
    spawnSync('chown', ['-R', 'rabbitmq', BROKER_DIR]);
  }
  const r = rabbit('rabbitmq-server', ['-detached']);
  if (r.status !== 0 && !(await portOpen(PRIVATE_BROKER_PORT))) throw new Error(`could not start the private broker: ${r.stderr || r.stdout}`);
  await until(() => portOpen(PRIVATE_BROKER_PORT), 90_000, 'the private broker to listen');
  // Listening is not enough: wait until a connection really opens.
  await until(async () => {
    try {
      const c = await amqp.connect(b.url);
      await c.close();
      return true;
    } catch {
      return false;
    }
  }, 60_000, 'the private broker to accept connections');
}

/**
 * A virtual host of its own on the private broker for one run (`cw-<tag>`), so that no other
 * tree (a run still going, or one left behind) consumes this run's queues; `drop()` deletes
 * it. With RELIABILITY_AMQP_URL, that URL as it is.
 */
export async function freshVhost(tag) {
  const b = brokerUrl();
  if (!b.private) return { url: b.url, drop: async () => undefined };
  await startBroker();
  const vhost = `cw-${tag}-${randomBytes(3).toString('hex')}`;
  for (const args of [['add_vhost', vhost], ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']]) {
    const r = rabbit('rabbitmqctl', ['-n', BROKER_NODE, ...args]);
    if (r.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  }
  return {
    url: `amqp://guest:guest@127.0.0.1:${PRIVATE_BROKER_PORT}/${encodeURIComponent(vhost)}`,
    vhost,
    drop: async () => {
      if (await portOpen(PRIVATE_BROKER_PORT)) rabbit('rabbitmqctl', ['-n', BROKER_NODE, 'delete_vhost', vhost]);
    },
  };
}

/** Stops the private broker (its durable queues stay on disk). */
export async function stopBroker() {
  if (!brokerUrl().private) return;
  rabbit('rabbitmqctl', ['-n', BROKER_NODE, 'stop']);
  await until(async () => !(await portOpen(PRIVATE_BROKER_PORT)), 60_000, 'the private broker to stop');
}

// ------------------------------------------------------------------ cells

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const TOKEN = `reliability-${randomBytes(12).toString('hex')}`;
export const SECRETS = { S_TOP_MID: randomBytes(16).toString('hex'), S_MID_LEAF: randomBytes(16).toString('hex'), S_EVIL: randomBytes(16).toString('hex') };

/**
 * Configs of the 3-cell tree api-cell <- child-cell2 <- grandchild-cell1 (top, middle, leaf).
 * `links.top` / `links.leaf`: the transport of the top-middle and middle-leaf links ('http' or
 * 'amqp'). Every cell serves its API on its HTTP listener (bearer TOKEN) and, with `amqp`,
 * also consumes its queues on the broker. `evil`: an extra HTTP child of the middle cell at
 * that port (the fuzzer's hostile neighbour).
 */
export function treeConfigs({ dir, ports, links, amqpUrl, listenAmqp = true, evilPort, hosts = true, updateIntervalS = 60, logLevel = 'warn' }) {
  const http = (n) => `http://127.0.0.1:${ports[n]}`;
  const linkTo = (n, transport, secretEnv) => (transport === 'amqp' ? { name: n, url: amqpUrl } : { name: n, url: http(n), secret_env: secretEnv });
  const listen = (n) => (listenAmqp ? [http(n), amqpUrl] : [http(n)]);
  const host = (name) => ({ name, vcpus: 16, memory_mb: 32768, local_gb: 500, hypervisor_type: 'kvm' });
  const common = (n) => ({
    name: n,
    listen: listen(n),
    store: path.join(dir, `${n}.sqlite`),
    api_token_env: 'RELIABILITY_TOKEN',
    log_level: logLevel,
    log_format: 'json',
    update_interval_s: updateIntervalS,
    call_timeout_s: 10,
    ...(hosts ? { hosts: [host(`${n}-h1`), host(`${n}-h2`)] } : {}),
  });
  const mid = {
    ...common('child-cell2'),
    parents: [linkTo('api-cell', links.top, 'S_TOP_MID')],
    children: [linkTo('grandchild-cell1', links.leaf, 'S_MID_LEAF'), ...(evilPort ? [{ name: 'evil', url: `http://127.0.0.1:${evilPort}`, secret_env: 'S_EVIL' }] : [])],
  };
  return {
    'api-cell': { ...common('api-cell'), hosts: [], children: [linkTo('child-cell2', links.top, 'S_TOP_MID')] },
    'child-cell2': mid,
    'grandchild-cell1': { ...common('grandchild-cell1'), parents: [linkTo('child-cell2', links.leaf, 'S_MID_LEAF')] },
  };
}

export function workDir(name) {
  return mkdtempSync(path.join(tmpdir(), `cellwire-${name}-`));
}

/** Every cell process started here: none outlives the script, however it ends. */
const running = new Set();
process.on('exit', () => {
  for (const c of running) c.child?.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of running) c.child?.kill('SIGKILL');
    process.exit(130);
  });
}

/**
 * One cell process. `exit` resolves with { code, signal } when it ends; `crashed` is true when
 * it ended without being asked to. stderr (JSON log lines) is kept, the last 2000 lines.
 */
export class CellProcess {
  constructor(name, configFile, { logFile } = {}) {
    this.name = name;
    this.configFile = configFile;
    this.logFile = logFile;
    this.stopping = false;
    this.crashed = false;
    this.stderr = [];
    this.probes = [];
    this.url = undefined;
  }

  async start(timeoutMs = 60_000) {
    this.stopping = false;
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'scripts/cell-probe.mjs'), '--config', this.configFile], {
      cwd: ROOT,
      env: { ...process.env, RELIABILITY_TOKEN: TOKEN, ...SECRETS, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.pid = child.pid;
    running.add(this);
    child.once('exit', () => running.delete(this));
    let buf = '';
    let ebuf = '';
    const ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start in ${timeoutMs} ms: ${this.stderr.slice(-5).join('\n')}`)), timeoutMs);
      child.stdout.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const m = /^READY (\S+)/.exec(line);
          if (m) {
            this.url = m[1];
            clearTimeout(timer);
            resolve();
          }
          const p = /^PROBE (.*)$/.exec(line);
          if (p) this.probes.push(JSON.parse(p[1]));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited while starting (${code ?? signal}): ${this.stderr.slice(-5).join('\n')}`));
      });
    });
    child.stderr.on('data', (d) => {
      ebuf += d;
      let i;
      while ((i = ebuf.indexOf('\n')) >= 0) {
        this.stderr.push(ebuf.slice(0, i));
        ebuf = ebuf.slice(i + 1);
        if (this.stderr.length > 2000) this.stderr.splice(0, this.stderr.length - 2000);
      }
    });
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.stopping) this.crashed = true;
        resolve({ code, signal });
      }),
    );
    await ready;
    return this;
  }

  /** Memory after a forced GC: { rss, heapUsed, heapTotal, external, arrayBuffers } in bytes. */
  async probe(timeoutMs = 10_000) {
    const n = this.probes.length;
    this.child.kill('SIGUSR2');
    await until(() => this.probes.length > n, timeoutMs, `a probe from ${this.name}`);
    return this.probes[this.probes.length - 1];
  }

  /** SIGKILL: a crash, no cleanup. */
  async kill() {
    this.stopping = true;
    this.child.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM: a clean stop. */
  async stop(timeoutMs = 20_000) {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.stopping = true;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exit;
    clearTimeout(t);
  }

  get alive() {
    return this.child && this.child.exitCode === null && this.child.signalCode === null;
  }
}

/** Writes the configs and starts the cells, parents first. */
export async function startTree(configs, dir) {
  const cells = {};
  for (const [name, config] of Object.entries(configs)) {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(config, null, 2));
    cells[name] = new CellProcess(name, file);
  }
  for (const c of Object.values(cells)) await c.start();
  return cells;
}

export async function stopTree(cells) {
  await Promise.all(Object.values(cells).map((c) => c.stop()));
}

// ------------------------------------------------------------------ HTTP

/** One API request; never throws: { status, body, ms, error }. status 0: no HTTP answer. */
export async function api(url, method, pathname, body, { timeoutMs = 15_000, token = TOKEN, headers = {}, raw = false } = {}) {
  const started = performance.now();
  try {
    const res = await fetch(`${url}${pathname}`, {
      method,
      headers: { ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body !== undefined ? { body: raw ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, ms: performance.now() - started };
  } catch (e) {
    return { status: 0, error: e?.name === 'TimeoutError' ? 'timeout' : (e?.cause?.code ?? e?.message ?? String(e)), ms: performance.now() - started };
  }
}

export const call = (url, method, args, opts = {}) => api(url, 'POST', `/v1/call/${method}`, { args, ...(opts.timeout_s ? { timeout_s: opts.timeout_s } : {}) }, opts);
export const health = async (url) => (await api(url, 'GET', '/v1/health', undefined, { timeoutMs: 5000 })).body;

// ------------------------------------------------------------------ small things

export async function until(ok, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await ok()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A small seeded PRNG (mulberry32): runs are reproducible from their seed. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight. */
export async function pool(n, concurrency, task) {
  let i = 0;
  const worker = async () => {
    while (i < n) {
      const k = i++;
      await task(k);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

export function machine() {
  const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const mem = Math.round(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024 / 1024);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `${cpus} cores, ${mem} GB, Node ${process.version}, load ${load}`;
}

// ------------------------------------------------------------------ RELIABILITY.md

const HEADER = `# cellwire reliability

The figures below are written by \`npm run fuzz\`, \`npm run chaos\` and \`npm run soak\`
(scripts/fuzz.mjs, chaos.mjs, soak.mjs); each rewrites its own section and leaves the rest. Do
not edit those sections by hand: run the command again.
`;

/** Replaces (or adds) the section `key` of RELIABILITY.md. */
export function writeSection(key, markdown) {
  const file = path.join(ROOT, 'RELIABILITY.md');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const begin = `<!-- BEGIN ${key} -->`;
  const end = `<!-- END ${key} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  return file;
}

/** A script's end: writes its section of RELIABILITY.md, prints it, and exits 1 unless `ok`. */
export function report(key, markdown, ok) {
  const file = writeSection(key, markdown);
  console.log(markdown);
  console.log(`${key}: wrote ${file}`);
  process.exitCode = ok ? 0 : 1;
}

/** Runs a script's `main`, then exits (cells and sockets left open do not hold the process); 1 on a throw. */
export function runMain(main) {
  main().then(
    () => process.exit(),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

export const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n));
export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
