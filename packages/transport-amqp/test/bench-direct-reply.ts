// Calls per second through this transport against its raw floor (amqplib with direct reply-to),
// server and client in separate processes, 64 calls in flight, ~400 byte requests, ~100 byte replies.
//   cd /work/main && npx tsx packages/transport-amqp/test/bench-direct-reply.ts [seconds] [rounds]
// Not a vitest file: the real benchmark lives in tools/bench; this is the transport's own check.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import { cellTopology, createAmqpTransport } from '../src/index.js';

const URL_ = 'amqp://guest:guest@127.0.0.1:5672/%2F';
const REQ = JSON.stringify({ pad: 'x'.repeat(370), n: 0 });
const REP = JSON.stringify({ pad: 'y'.repeat(80) });
const INFLIGHT = 64;

async function serve(mode: string, name: string): Promise<void> {
  if (mode === 'raw') {
    const c = await connect(URL_);
    const ch = await c.createChannel();
    await ch.assertQueue(name, { durable: true });
    await ch.prefetch(64);
    await ch.consume(name, (m) => {
      if (!m) return;
      ch.sendToQueue(m.properties.replyTo as string, Buffer.from(REP), { correlationId: m.properties.correlationId as string });
      ch.ack(m);
    });
  } else {
    await createAmqpTransport().listen({ cell: name, url: URL_ }, async (m) => m.reply?.(REP));
  }
  process.stdout.write('ready\n');
}

async function measure(call: () => Promise<unknown>, seconds: number): Promise<number> {
  const warm = Date.now() + 1000;
  while (Date.now() < warm) await Promise.all(Array.from({ length: INFLIGHT }, call));
  let n = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: INFLIGHT }, async () => {
      while (Date.now() < end) {
        await call();
        n++;
      }
    }),
  );
  return n / ((Date.now() - start) / 1000);
}

async function client(mode: string, name: string, seconds: number): Promise<number> {
  if (mode === 'raw') {
    const c = await connect(URL_);
    const ch = await c.createChannel();
    const waiters = new Map<string, () => void>();
    let seq = 0;
    await ch.consume(
      'amq.rabbitmq.reply-to',
      (m) => {
        const id = m?.properties.correlationId as string;
        const w = waiters.get(id);
        if (w) {
          waiters.delete(id);
          w();
        }
      },
      { noAck: true },
    );
    const call = () =>
      new Promise<void>((resolve) => {
        const id = String(++seq);
        waiters.set(id, resolve);
        ch.sendToQueue(name, Buffer.from(REQ), { correlationId: id, replyTo: 'amq.rabbitmq.reply-to' });
      });
    const rate = await measure(call, seconds);
    await c.close();
    return rate;
  }
  const t = createAmqpTransport();
  const link = t.connect({ name, urls: [URL_] }, { cell: 'bench' });
  const opts = { messageType: 'targeted', fanout: false, expectReply: true, durable: false } as const;
  const rate = await measure(() => link.send(REQ, { ...opts, deadline: Date.now() + 10_000 }), seconds);
  await t.close();
  return rate;
}

/** CPU time (user + system) of a process, in microseconds, from /proc. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
}

function brokerPid(): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-f', 'beam.smp']).toString().trim().split('\n')[0]);
  } catch {
    return undefined;
  }
}

async function round(mode: string, seconds: number): Promise<number> {
  const name = `bench-${mode}-${process.pid}`;
  const server = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'serve', mode, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => server.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const beam = brokerPid();
  const [b0, s0, c0] = [beam ? cpuMicros(beam) : 0, cpuMicros(server.pid!), process.cpuUsage()];
  try {
    const rate = await client(mode, name, seconds);
    const calls = rate * (seconds + 1); // + the warm-up second, roughly
    const c = process.cpuUsage(c0);
    const per = (us: number) => Math.round(us / calls);
    console.log(
      `  ${mode}: CPU per call (us): broker ${beam ? per(cpuMicros(beam) - b0) : '?'}, server ${per(cpuMicros(server.pid!) - s0)}, client ${per(c.user + c.system)}`,
    );
    return rate;
  } finally {
    server.kill();
    const c = await connect(URL_);
    const ch = await c.createChannel();
    if (mode === 'raw') await ch.deleteQueue(name);
    else {
      const t = cellTopology(name);
      for (const q of Object.values(t.queues)) await ch.deleteQueue(q);
      await ch.deleteExchange(t.fanout);
    }
    await c.close();
  }
}

async function main(): Promise<void> {
  const [first, mode, name] = process.argv.slice(2);
  if (first === 'serve' && mode && name) return serve(mode, name);
  const seconds = Number(first ?? 5);
  const rounds = Number(process.argv[3] ?? 3);
  const raw: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < rounds; i++) {
    raw.push(await round('raw', seconds));
    ours.push(await round('cellwire', seconds));
    console.log(`round ${i + 1}: raw ${Math.round(raw[i]!)} calls/s, transport-amqp ${Math.round(ours[i]!)} calls/s`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`median: raw ${Math.round(median(raw))}, transport-amqp ${Math.round(median(ours))}, ratio ${(median(ours) / median(raw)).toFixed(2)}`);
}

void main();
