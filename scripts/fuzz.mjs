#!/usr/bin/env node
/**
 * `npm run fuzz`: 100,000 hostile inputs to a running 3-cell tree, counting crashes (there must
 * be none). Run with `node --import tsx scripts/fuzz.mjs [--seed N] [--inputs N]`.
 *
 * The tree: api-cell <-AMQP- child-cell2 <-HTTP- grandchild-cell1, each cell a process of its
 * own (scripts/cell-probe.mjs) with a file store, its API on its HTTP listener and its queues
 * on a private broker. child-cell2 has one more child, `evil`: this script, holding that
 * link's real secret. Inputs, from a seeded PRNG (a run is reproducible from its seed):
 *
 * - api: requests to the cells' HTTP APIs: random and mutated `POST /v1/call/{method}` bodies
 *   (every method, unknown ones, deep nesting, huge and odd values, invalid UTF-8, wrong types),
 *   other paths and verbs, missing or wrong tokens.
 * - http: cell messages to `POST /v1/cell-messages`: unsigned or wrongly signed, and signed by
 *   `evil` with the real link secret (so they pass the door and reach the runner) carrying
 *   mutated targeted, broadcast and response envelopes; and raw malformed HTTP on the socket.
 * - amqp: bodies published straight to the cells' targeted, broadcast and response queues
 *   (mutated envelopes, garbage bytes, odd properties and headers, reply-to other queues).
 * - responses: answers `evil` gives to what child-cell2 sends it (broadcasts, calls and casts
 *   the script triggers through the API): random statuses, garbage or mutated response
 *   envelopes, correctly or wrongly signed, cut mid-body, or never sent.
 *
 * A crash is a cell process that exits (an uncaught exception or unhandled rejection ends it
 * with code 70); it is counted and the cell restarted. Also counted: API answers 500
 * (`internal`: a bug, though not a crash) and `error` log lines. The figures go to the
 * "Fuzz" section of RELIABILITY.md.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { novaCells, cellState } from '../packages/schema/src/index.ts';
import { HEADERS, MESSAGE_PATH, signMessage, signReply } from '../packages/transport-http/src/index.ts';
import * as kit from './reliability-kit.mjs';

const { values: argv } = parseArgs({ options: { seed: { type: 'string', default: '13' }, inputs: { type: 'string', default: '100000' } } });
const SEED = Number(argv.seed);
const TOTAL = Number(argv.inputs);
const R = kit.prng(SEED);
const { pick, int, chance } = R;

// Shares of the inputs: api 35 %, http 35 %, amqp 20 %, responses 10 %.
const PLAN = { api: Math.round(TOTAL * 0.35), http: Math.round(TOTAL * 0.35), amqp: Math.round(TOTAL * 0.2) };
PLAN.responses = TOTAL - PLAN.api - PLAN.http - PLAN.amqp;

const CELLS = ['api-cell', 'child-cell2', 'grandchild-cell1'];
const METHODS = [...Object.values(novaCells.methods), ...Object.values(cellState.methods)];
const WIRE = METHODS.map((m) => m.name);

// ------------------------------------------------------------------ hostile values

const WEIRD_STRINGS = [
  '',
  ' ',
  '!',
  '@',
  'api-cell!',
  '!api-cell',
  'api-cell!!child-cell2',
  'api-cell!child-cell2!grandchild-cell1',
  'api-cell!child-cell2!evil',
  'api-cell@x',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '😀'.repeat(50),
  'a'.repeat(5000),
  '%00',
  '../../etc/passwd',
  '${7*7}',
  '<script>alert(1)</script>',
  "'; DROP TABLE instances; --",
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'null',
  'true',
];
const WEIRD_NUMBERS = [0, -0, -1, 1, 0.5, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, Number.MIN_VALUE, 1e-7, 123456789012345];
const KEYS = ['__proto__', 'constructor', 'prototype', 'uuid', 'cell_name', 'host_name', 'instance', 'args', 'ctxt', 'responses', 'value', 'failure', 'kwargs', 'class', 'module', 'a', ''];

function randomValue(depth = 0) {
  const r = int(depth > 4 ? 6 : 9);
  switch (r) {
    case 0:
      return null;
    case 1:
      return chance(0.5);
    case 2:
      return pick(WEIRD_NUMBERS);
    case 3:
    case 4:
      return pick(WEIRD_STRINGS);
    case 5:
      return randomUUID();
    case 6:
      return Array.from({ length: int(5) }, () => randomValue(depth + 1));
    default: {
      const o = {};
      for (let i = int(5); i > 0; i--) o[pick(KEYS)] = randomValue(depth + 1);
      return o;
    }
  }
}

/** Replaces, drops, adds or retypes 1-4 fields somewhere in a copy of `value`. */
function mutate(value) {
  const copy = structuredClone(value);
  const n = 1 + int(4);
  for (let i = 0; i < n; i++) {
    const paths = [];
    const walk = (v, p) => {
      if (v && typeof v === 'object') for (const k of Object.keys(v)) (paths.push([...p, k]), walk(v[k], [...p, k]));
    };
    walk(copy, []);
    if (paths.length === 0) return randomValue();
    const p = pick(paths);
    let parent = copy;
    for (const k of p.slice(0, -1)) parent = parent[k];
    const key = p[p.length - 1];
    const op = int(4);
    if (op === 0) delete parent[key];
    else if (op === 1) parent[key] = randomValue();
    else if (op === 2) parent[pick(KEYS)] = randomValue();
    else parent[key] = typeof parent[key] === 'string' ? pick(WEIRD_NUMBERS) : pick(WEIRD_STRINGS);
  }
  return copy;
}

/** Percent-encodes any string, lone surrogates included (as their UTF-8 replacement bytes). */
const enc = (s) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

/** Text of a nested array `depth` deep (the codec refuses more than 100 before parsing). */
const deep = (depth) => '['.repeat(depth) + ']'.repeat(depth);

/** Raw bodies that are not (good) JSON. */
function rawBody() {
  switch (int(9)) {
    case 0:
      return '{';
    case 1:
      return '{"args": {"a": ';
    case 2:
      return Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3, 0x28]);
    case 3:
      return '\ufeff{"args":{}}';
    case 4:
      return deep(pick([50, 101, 1000, 20_000]));
    case 5:
      return String(pick(WEIRD_NUMBERS));
    case 6:
      return JSON.stringify(pick(WEIRD_STRINGS));
    case 7:
      return '{"args": {"x": "' + 'y'.repeat(int(3) === 0 ? 1_100_000 : 50_000) + '"}}';
    default:
      return '{"args":{},"args":{"cell_name":"dup"}}';
  }
}

// ------------------------------------------------------------------ sample arguments

const INSTANCE = () => ({
  uuid: randomUUID(),
  vm_state: 'active',
  task_state: null,
  display_name: 'fuzz',
  host: 'grandchild-cell1-h1',
  cell_name: 'api-cell!child-cell2!grandchild-cell1',
  memory_mb: 512,
  vcpus: 1,
  metadata: { k: 'v' },
});
const SAMPLES = {
  service_get_all: () => ({ filters: { disabled: false } }),
  get_host_uptime: () => ({ cell_name: pick(['api-cell!child-cell2!grandchild-cell1', 'api-cell!child-cell2']), host_name: 'grandchild-cell1-h1' }),
  service_update: () => ({ cell_name: 'api-cell!child-cell2!grandchild-cell1', host_name: 'grandchild-cell1-h1', binary: 'nova-compute', params_to_update: { disabled: false } }),
  instance_update_at_top: () => ({ instance: INSTANCE() }),
  instance_destroy_at_top: () => ({ instance: INSTANCE() }),
  service_get_by_compute_host: () => ({ cell_name: 'api-cell!child-cell2', host_name: 'child-cell2-h1' }),
  compute_node_get_all: () => ({ hypervisor_match: 'kvm' }),
  sync_instances: () => ({ project_id: 'p', updated_since: null, deleted: false }),
  task_log_get_all: () => ({ task_name: 't', period_beginning: '2020-01-01T00:00:00Z', period_ending: '2020-01-02T00:00:00Z' }),
};
const argsFor = (wire) => (Object.hasOwn(SAMPLES, wire) ? SAMPLES[wire]() : (randomValue(2) ?? {}));

// ------------------------------------------------------------------ figures

const figures = {
  api: { sent: 0, '2xx': 0, '4xx': 0, '5xx': 0, internal: 0, none: 0 },
  http: { sent: 0, '2xx': 0, '4xx': 0, '5xx': 0, internal: 0, none: 0, raw: 0 },
  amqp: { sent: 0, refusedByClient: 0 },
  responses: { sent: 0, triggers: 0 },
  crashes: [],
};
const classify = (f, r) => {
  f.sent++;
  const code = r.status === 0 ? `no answer (${r.error})` : `${r.status}${r.body?.error?.code ? ` ${r.body.error.code}` : ''}`;
  f.codes ??= {};
  f.codes[code] = (f.codes[code] ?? 0) + 1;
  if (r.status === 0) f.none++;
  else if (r.status < 300) f['2xx']++;
  else if (r.status < 500) f['4xx']++;
  else {
    f['5xx']++;
    if (r.body?.error?.code === 'internal') {
      f.internal++;
      if (f.internalSamples === undefined) f.internalSamples = [];
      if (f.internalSamples.length < 5) f.internalSamples.push(r.body.error.message);
    }
  }
};

// ------------------------------------------------------------------ evil: a hostile child of child-cell2

let evilBudget = 0;
function evilServer() {
  return http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.on('end', () => {
      const wantsReply = req.headers[HEADERS.reply] === '1';
      if (evilBudget <= 0) {
        // Outside the budget evil behaves, so the tree stays usable between rounds.
        res.writeHead(wantsReply ? 204 : 202);
        return res.end();
      }
      evilBudget--;
      figures.responses.sent++;
      answerHostile(req, res, Buffer.concat(chunks), wantsReply);
    });
  });
}

function answerHostile(req, res, body, wantsReply) {
  let request;
  try {
    request = JSON.parse(body.toString('utf8'));
  } catch {
    request = {};
  }
  const status = pick([200, 200, 200, 204, 202, 400, 401, 413, 429, 500, 503, 302, 418]);
  let out;
  switch (int(7)) {
    case 0:
      out = '';
      break;
    case 1: {
      const b = rawBody();
      out = typeof b === 'string' ? b : 'garbage';
      break;
    }
    case 2:
      out = JSON.stringify(randomValue());
      break;
    default: {
      // A response envelope that looks right for this request, mutated.
      const env = {
        message_type: 'response',
        ctxt: request.ctxt ?? {},
        method_name: 'parse_responses',
        method_kwargs: { responses: [{ cell_name: `${request.routing_path ?? 'child-cell2'}!evil`, value: randomValue(), failure: chance(0.3) }] },
        direction: 'up',
        need_response: false,
        fanout: false,
        uuid: randomUUID(),
        routing_path: 'evil',
        hop_count: 1,
        max_hop_count: 10,
        target_cell: `evil!${request.routing_path ?? 'child-cell2'}`,
        response_uuid: request.uuid ?? randomUUID(),
      };
      out = JSON.stringify(chance(0.7) ? mutate(env) : env);
    }
  }
  const how = int(10);
  if (how === 0) {
    // Cut mid-body.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(out.length + 100) });
    res.write(out.slice(0, Math.max(1, out.length >> 1)));
    return setTimeout(() => res.destroy(), 5);
  }
  if (how === 1) {
    // No answer; the socket goes after a while (the sender's deadline decides before).
    return setTimeout(() => res.destroy(), 1500);
  }
  const headers = { 'content-type': pick(['application/json', 'text/plain', 'application/json; charset=latin1']) };
  const sig = req.headers[HEADERS.signature];
  if (chance(0.7) && typeof sig === 'string') headers[HEADERS.signature] = signReply(kit.SECRETS.S_EVIL, { request: sig, responder: 'evil', status }, status === 204 ? '' : out);
  else if (chance(0.5)) headers[HEADERS.signature] = 'ab'.repeat(32);
  res.writeHead(status, headers);
  res.end(status === 204 || (!wantsReply && status === 202) ? undefined : out);
}

// ------------------------------------------------------------------ inputs

function apiInput(urls) {
  const url = urls[pick(CELLS)];
  const kindOf = int(10);
  const tokenChoice = int(20) === 0 ? pick([undefined, 'wrong', '']) : kit.TOKEN;
  const opts = { timeoutMs: 15_000, token: tokenChoice };
  if (kindOf === 0) {
    const path = pick(['/v1/state', '/v1/health', '/v1/instances', `/v1/instances/${pick(WEIRD_STRINGS)}`, '/v1/recent?limit=-1', '/v1/recent?limit=1e9', '/v1/tree?timeout_ms=NaN', '/v1/tree?timeout_ms=99999999', '/metrics', '/ui', '/v1/../v1/state', '/%2e%2e/', '/v1/call/', '/v1/call', `/v1/nope/${int(100)}`, '/v1/instances?vm_state=%00&host=' + enc(pick(WEIRD_STRINGS))]);
    const verb = pick(['GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
    // fetch itself refuses a body on GET and HEAD.
    return kit.api(url, verb, path, verb !== 'GET' && verb !== 'HEAD' && chance(0.3) ? randomValue() : undefined, opts);
  }
  const wire = chance(0.9) ? pick(WIRE) : pick(WEIRD_STRINGS.filter((s) => s.length < 200));
  const path = `/v1/call/${enc(wire)}`;
  if (kindOf === 1) return kit.api(url, 'POST', path, rawBody(), { ...opts, raw: true, headers: { 'content-type': pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', '']) } });
  let body;
  if (kindOf <= 3) body = randomValue();
  else {
    body = { args: argsFor(wire), timeout_s: chance(0.8) ? 2 : pick([...WEIRD_NUMBERS, 'x', null]) };
    if (chance(0.3)) body.ctxt = chance(0.5) ? randomValue() : { request_id: pick(WEIRD_STRINGS), roles: [pick(WEIRD_STRINGS)], is_admin: chance(0.5) };
    if (chance(0.5)) body = mutate(body);
  }
  return kit.api(url, 'POST', path, body, opts);
}

/** An envelope child-cell2 would accept from evil, before mutation. */
function evilEnvelope() {
  const m = pick(METHODS);
  const type = pick(['targeted', 'targeted', 'broadcast', 'response']);
  const env = {
    message_type: type,
    ctxt: { request_id: `req-fuzz-${int(1e9)}`, user_id: 'fuzz', project_id: 'fuzz', is_admin: chance(0.5), roles: [], read_deleted: 'no', timestamp: new Date().toISOString() },
    method_name: type === 'response' ? 'parse_responses' : m.name,
    method_kwargs: type === 'response' ? { responses: [{ cell_name: 'evil', value: randomValue(), failure: chance(0.5) }] } : argsFor(m.name),
    direction: 'up',
    need_response: chance(0.5),
    fanout: chance(0.1),
    uuid: chance(0.95) ? randomUUID() : pick(WEIRD_STRINGS),
    routing_path: 'evil',
    hop_count: 1,
    max_hop_count: pick([10, 10, 1, 2, 0, 100]),
    deadline: Date.now() + pick([2000, 2000, -1000, 0, 1e12, 5]),
  };
  if (type !== 'broadcast') env.target_cell = pick(['evil!child-cell2', 'evil!child-cell2!api-cell', 'evil!child-cell2!grandchild-cell1', 'evil', 'evil!nowhere', 'evil!child-cell2!api-cell!child-cell2']);
  if (type === 'response') env.response_uuid = randomUUID();
  return chance(0.8) ? mutate(env) : env;
}

function httpInput(urls, ports) {
  const k = int(20);
  if (k === 0) return rawSocket(ports[pick(CELLS)]);
  const cell = k < 8 ? pick(CELLS) : 'child-cell2';
  const url = urls[cell];
  let body;
  const bodyKind = int(10);
  if (bodyKind === 0) body = rawBody();
  else if (bodyKind === 1) body = JSON.stringify(randomValue());
  else body = JSON.stringify(evilEnvelope());
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const timestamp = chance(0.95) ? Date.now() : Date.now() - pick([31_000, -31_000, 1e12]);
  const reply = chance(0.5) ? '1' : '';
  const deadline = reply ? String(Date.now() + pick([2000, 100, -5, 1e12])) : '';
  const headers = { 'content-type': 'application/json', [HEADERS.timestamp]: String(timestamp) };
  if (reply) headers[HEADERS.reply] = reply;
  if (deadline) headers[HEADERS.deadline] = deadline;
  if (k < 8) {
    // Unsigned, wrongly signed, an unknown sender, or a real neighbour's name without its secret.
    headers[HEADERS.from] = pick(['evil', 'api-cell', 'child-cell2', 'grandchild-cell1', 'nobody', '', '%ff', 'a'.repeat(300)]);
    if (chance(0.7)) headers[HEADERS.signature] = chance(0.5) ? 'ab'.repeat(32) : pick(WEIRD_STRINGS.slice(0, 10));
  } else {
    headers[HEADERS.from] = 'evil';
    headers[HEADERS.signature] = signMessage(kit.SECRETS.S_EVIL, { timestamp, from: 'evil', to: 'child-cell2', reply, deadline }, bytes);
  }
  return kit.api(url, 'POST', MESSAGE_PATH, bytes, { raw: true, token: undefined, headers, timeoutMs: 15_000 });
}

/** Malformed HTTP straight on the socket. Resolves with a pseudo answer. */
function rawSocket(port) {
  figures.http.raw++;
  const lines = [
    'GARBAGE\r\n\r\n',
    'POST /v1/cell-messages HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n{',
    'POST /v1/cell-messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'GET /' + 'a'.repeat(20_000) + ' HTTP/1.1\r\nHost: x\r\n\r\n',
    'POST /v1/call/service_get_all HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}',
    'POST /v1/cell-messages HTTP/1.1\r\n' + 'X-A: b\r\n'.repeat(2000) + '\r\n',
    '\x00\x01\x02\x03\xff\xfe',
    'POST /v1/cell-messages HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}',
  ];
  const payload = pick(lines);
  return new Promise((resolve) => {
    const s = new Socket();
    let got = '';
    const done = () => {
      s.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      resolve({ status: m ? Number(m[1]) : 0 });
    };
    s.setTimeout(2000, done);
    s.on('data', (d) => {
      got += d;
      if (got.includes('\r\n\r\n')) done();
    });
    s.on('error', done);
    s.on('close', done);
    s.connect(port, '127.0.0.1', () => s.end(payload));
  });
}

function amqpMessage() {
  const cell = pick(CELLS);
  const queue = `cellwire.${cell}.${pick(['targeted', 'broadcast', 'response'])}`;
  let body;
  const k = int(10);
  if (k === 0) {
    const b = rawBody();
    body = typeof b === 'string' ? Buffer.from(b) : b;
  }
  else if (k === 1) body = Buffer.from(JSON.stringify(randomValue()));
  else {
    const env = evilEnvelope();
    // Speak as a neighbour of the receiving cell (AMQP links here are unsigned).
    if (env && typeof env === 'object' && !Array.isArray(env)) {
      const from = cell === 'api-cell' ? 'child-cell2' : cell === 'child-cell2' ? pick(['api-cell', 'grandchild-cell1']) : 'child-cell2';
      env.routing_path = chance(0.8) ? from : pick(WEIRD_STRINGS);
      env.direction = cell === 'api-cell' || (cell === 'child-cell2' && from === 'grandchild-cell1') ? 'up' : 'down';
      if (typeof env.target_cell === 'string') env.target_cell = env.target_cell.replace(/^evil/, from);
    }
    body = Buffer.from(JSON.stringify(env));
  }
  const props = {
    contentType: pick(['application/json', 'text/plain', undefined, 'application/octet-stream']),
    persistent: chance(0.5),
    headers: chance(0.5) ? { 'x-cellwire-attempts': pick([-1, 0, 'x', 1e9, 2]), 'x-cellwire-signature': pick(WEIRD_STRINGS.slice(0, 10)), [pick(KEYS) || 'k']: pick(WEIRD_STRINGS.slice(0, 10)) } : undefined,
    correlationId: chance(0.5) ? pick(WEIRD_STRINGS.slice(0, 12)) : undefined,
    replyTo: chance(0.3) ? pick(['amq.rabbitmq.reply-to', 'cellwire.api-cell.targeted', 'nowhere', 'amq.rabbitmq.reply-to.g1h2AA==.bogus']) : undefined,
  };
  return { queue, body, props };
}

// ------------------------------------------------------------------ run

async function main() {
  const started = Date.now();
  await kit.startBroker();
  const broker = await kit.freshVhost('fuzz');
  const dir = kit.workDir('fuzz');
  const ports = Object.fromEntries(await Promise.all(CELLS.map(async (c) => [c, await kit.freePort()])));
  const evilPort = await kit.freePort();
  const evil = evilServer();
  await new Promise((r) => evil.listen(evilPort, '127.0.0.1', r));

  const configs = kit.treeConfigs({ dir, ports, links: { top: 'amqp', leaf: 'http' }, amqpUrl: broker.url, evilPort, logLevel: 'error', updateIntervalS: 30 });
  const cells = await kit.startTree(configs, dir);
  const urls = Object.fromEntries(CELLS.map((c) => [c, cells[c].url]));
  console.log(`fuzz: seed ${SEED}, ${TOTAL} inputs (api ${PLAN.api}, http ${PLAN.http}, amqp ${PLAN.amqp}, responses ${PLAN.responses}); tree up in ${Date.now() - started} ms`);

  // A cell that dies is counted and restarted, so the run goes on.
  let watching = true;
  const watch = (async () => {
    while (watching) {
      for (const c of Object.values(cells)) {
        if (!c.alive && c.crashed) {
          const last = c.stderr.filter((l) => l.startsWith('CRASH') || l.includes('"level":50') || l.includes('"level":60')).slice(-3);
          figures.crashes.push({ cell: c.name, at_s: Math.round((Date.now() - started) / 1000), why: last.join(' | ').slice(0, 500) || c.stderr.slice(-2).join(' | ') });
          console.log(`fuzz: CRASH of ${c.name}: ${figures.crashes.at(-1).why}`);
          c.crashed = false;
          await c.start().catch((e) => console.log(`fuzz: could not restart ${c.name}: ${e.message}`));
          urls[c.name] = c.url;
        }
      }
      await kit.sleep(200);
    }
  })();

  const progress = (what, i, n) => {
    if (i > 0 && i % 5000 === 0) console.log(`fuzz: ${what} ${i}/${n} (${Math.round((Date.now() - started) / 1000)} s)`);
  };

  // api
  const tApi = Date.now();
  await kit.pool(PLAN.api, 32, async (i) => {
    progress('api', i, PLAN.api);
    classify(figures.api, await apiInput(urls));
  });
  const apiS = (Date.now() - tApi) / 1000;

  // http cell messages
  const tHttp = Date.now();
  await kit.pool(PLAN.http, 32, async (i) => {
    progress('http', i, PLAN.http);
    classify(figures.http, await httpInput(urls, ports));
  });
  const httpS = (Date.now() - tHttp) / 1000;

  // amqp bodies, with publisher confirms, and the queues kept short
  const tAmqp = Date.now();
  const conn = await kit.amqp.connect(broker.url);
  conn.on('error', () => undefined);
  let ch = await conn.createConfirmChannel();
  ch.on('error', () => undefined);
  for (let i = 0; i < PLAN.amqp; i++) {
    progress('amqp', i, PLAN.amqp);
    const { queue, body, props } = amqpMessage();
    try {
      ch.sendToQueue(queue, body, Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)));
      figures.amqp.sent++;
    } catch {
      figures.amqp.refusedByClient++;
      ch = await conn.createConfirmChannel();
      ch.on('error', () => undefined);
    }
    if (i % 200 === 199) {
      await ch.waitForConfirms().catch(async () => {
        ch = await conn.createConfirmChannel();
        ch.on('error', () => undefined);
      });
      // Let the cells drain their queues before piling on more.
      for (;;) {
        let depth = 0;
        const probe = await conn.createChannel();
        probe.on('error', () => undefined);
        for (const c of CELLS) for (const t of ['targeted', 'broadcast', 'response']) depth += (await probe.checkQueue(`cellwire.${c}.${t}`).catch(() => ({ messageCount: 0 }))).messageCount;
        await probe.close().catch(() => undefined);
        if (depth < 2000) break;
        await kit.sleep(100);
      }
    }
  }
  await ch.waitForConfirms().catch(() => undefined);
  await conn.close().catch(() => undefined);
  const amqpS = (Date.now() - tAmqp) / 1000;

  // responses: evil answers what child-cell2 sends it, triggered through the API
  const tResp = Date.now();
  evilBudget = PLAN.responses;
  let trig = 0;
  while (evilBudget > 0 && Date.now() - tResp < 600_000) {
    await kit.pool(Math.min(evilBudget, 500), 16, async () => {
      trig++;
      const k = int(4);
      if (k === 0) await kit.call(urls['child-cell2'], 'service_get_all', {}, { timeout_s: 2 });
      else if (k === 1) await kit.call(urls['api-cell'], 'service_get_all', {}, { timeout_s: 3 });
      else if (k === 2) await kit.call(urls['child-cell2'], 'get_host_uptime', { cell_name: 'child-cell2!evil', host_name: 'h' }, { timeout_s: 2 });
      else await kit.call(urls['child-cell2'], 'service_update', { cell_name: 'child-cell2!evil', host_name: 'h', binary: 'nova-compute', params_to_update: { disabled: true } }, { timeout_s: 2 });
    });
    progress('responses', PLAN.responses - evilBudget, PLAN.responses);
  }
  figures.responses.triggers = trig;
  evilBudget = 0;
  const respS = (Date.now() - tResp) / 1000;

  // Settle, then check the tree still works.
  await kit.sleep(3000);
  watching = false;
  await watch;
  const alive = CELLS.filter((c) => cells[c].alive);
  const all = await kit.call(urls['api-cell'], 'service_get_all', {}, { timeout_s: 5 });
  const answered = Array.isArray(all.body) ? all.body.filter((r) => !r.failure).map((r) => r.cell_name).sort() : [];
  const uptime = await kit.call(urls['api-cell'], 'get_host_uptime', { cell_name: 'api-cell!child-cell2!grandchild-cell1', host_name: 'grandchild-cell1-h1' }, { timeout_s: 5 });
  const healths = await Promise.all(CELLS.map((c) => kit.health(urls[c])));
  const pending = healths.map((h) => h?.runner?.pending ?? '?');
  const errorLines = Object.fromEntries(CELLS.map((c) => [c, cells[c].stderr.filter((l) => l.includes('"level":50')).length]));
  const errorSamples = CELLS.flatMap((c) => cells[c].stderr.filter((l) => l.includes('"level":50')).slice(0, 2).map((l) => `${c}: ${(() => { try { return JSON.parse(l).msg; } catch { return l; } })()}`.slice(0, 300)));
  const mem = await Promise.all(CELLS.map((c) => cells[c].probe()));
  await kit.stopTree(cells);
  await broker.drop();
  evil.closeAllConnections();
  await new Promise((r) => evil.close(r));
  const total = figures.api.sent + figures.http.sent + figures.amqp.sent + figures.responses.sent;
  const seconds = Math.round((Date.now() - started) / 1000);

  const top = (codes = {}) =>
    Object.entries(codes)
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${kit.fmt(n)}`)
      .join(', ');
  const ok = figures.crashes.length === 0 && alive.length === 3 && answered.length === 3 && uptime.status === 200;
  const row = (name, f, s, extra = '') => `| ${name} | ${kit.fmt(f.sent)} | ${s.toFixed(0)} | ${f['2xx'] ?? ''} | ${f['4xx'] ?? ''} | ${f['5xx'] ?? ''} | ${f.internal ?? ''} | ${f.none ?? ''} | ${extra} |`;
  const md = `## Fuzz

\`node --import tsx scripts/fuzz.mjs --seed ${SEED}\`, ${new Date().toISOString().slice(0, 10)}, ${kit.machine()}. ${seconds} s in all.

**${kit.fmt(total)} hostile inputs, ${figures.crashes.length} crashes.** ${ok ? 'After the run every cell was up and the tree answered: `service_get_all` from api-cell got ' + answered.length + ' good Responses (' + answered.join(', ') + '; evil a failure), `get_host_uptime` to grandchild-cell1 answered ' + uptime.status + '.' : 'THE TREE DID NOT SURVIVE: alive ' + alive.join(', ') + '; service_get_all good answers ' + answered.join(', ') + '; get_host_uptime ' + uptime.status + '.'}

Tree: api-cell <-AMQP- child-cell2 <-HTTP (signed)- grandchild-cell1, plus \`evil\`, an HTTP child of child-cell2 played by the fuzzer with the link's real secret. Every cell a process of its own, file store, API on its HTTP listener (bearer token), queues on the private broker.

| inputs | sent | s | 2xx | 4xx | 5xx | of which \`internal\` | no answer | notes |
|---|---|---|---|---|---|---|---|---|
${row('API requests (bodies, paths, verbs, tokens)', figures.api, apiS)}
${row('cell messages over HTTP (unsigned, forged, and signed by evil)', figures.http, httpS, `${figures.http.raw} raw malformed HTTP on the socket`)}
| AMQP bodies to the cells' queues | ${kit.fmt(figures.amqp.sent)} | ${amqpS.toFixed(0)} | | | | | | published with confirms; ${figures.amqp.refusedByClient} refused by amqplib itself |
| responses: evil's answers to child-cell2 | ${kit.fmt(figures.responses.sent)} | ${respS.toFixed(0)} | | | | | | triggered by ${kit.fmt(figures.responses.triggers)} API calls through child-cell2 and api-cell |

- Answers by status and code: API ${top(figures.api.codes)}; cell messages ${top(figures.http.codes)}.
- Crashes (a cell process that exited): ${figures.crashes.length}${figures.crashes.length ? `: ${figures.crashes.map((c) => `${c.cell} at ${c.at_s} s (${c.why})`).join('; ')}` : ''}.
- API answers 500 \`internal\` (a bug, not a crash): ${figures.api.internal}${figures.api.internalSamples ? ` (${figures.api.internalSamples.join('; ')})` : ''}; on the message path: ${figures.http.internal}.
- \`error\` log lines: ${Object.entries(errorLines).map(([c, n]) => `${c} ${n}`).join(', ')}${errorSamples.length ? ` (e.g. ${errorSamples.join('; ')})` : ''}.
- "No answer" is the client's own 15 s limit or a connection the server closed on purpose (a body over the limit, a malformed request); the cells kept serving.
- After the run: runner pending ${pending.join(' / ')} (api-cell / child-cell2 / grandchild-cell1); heap after GC ${mem.map((m) => kit.mb(m.heapUsed)).join(' / ')}, RSS ${mem.map((m) => kit.mb(m.rss)).join(' / ')}.
`;
  kit.report('fuzz', md, ok);
}

kit.runMain(main);
