/**
 * Links that carry envelopes as values (Link.sendValue, Inbound.value / replyValue / unique),
 * as an in-process transport does: the runner hands them the envelope itself, never text,
 * answers such a message with a value, and keeps no dedupe entry for what cannot repeat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  copyEnvelope,
  makeContext,
  MessageRunner,
  serve,
  type DedupeStore,
  type Envelope,
  type Inbound,
  type Interceptor,
  type Link,
  type Response,
  type RunnerOptions,
  type SendContext,
  type SendNext,
  type SendOptions,
} from '../src/index.js';
import { testHandlers } from './helpers/handlers.js';
import { serving } from './helpers/parts.js';
import { runnersOf, wire } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

const { echo, gather } = testService.methods;
const ctxt = makeContext({ request_id: 'req-values' });

interface Sent {
  readonly from: string;
  readonly to: string;
  /** The sender's own envelope (read later: what it kept), and its reply_ms while sendValue ran. */
  readonly env: Envelope;
  readonly replyMsDuring: number | undefined;
  /** reply_ms in the copy as it was made (the receiver takes it out of its copy). */
  readonly copiedReplyMs: number | undefined;
  readonly copy: Envelope;
}

interface ValueTree {
  cell(name: string): MessageRunner;
  readonly sent: Sent[];
  /** Replies given as text (`reply`) and as values (`replyValue`). */
  readonly replies: { text: number; value: number };
  close(): void;
}

let open: ValueTree | undefined;
afterEach(() => {
  open?.close();
  open = undefined;
});

/** Runners wired by value links; `unique` says what the links vouch for. */
function valueTree(
  layout: Record<string, string[]>,
  options: (cell: string) => Partial<RunnerOptions> = () => ({}),
  unique = true,
  /** How many value replies fail (throw) before they work: a transport failing to answer. */
  failingReplies = 0,
): ValueTree {
  const runners = runnersOf(layout, serving(options));
  const sent: Sent[] = [];
  const replies = { text: 0, value: 0 };
  const link = (from: string, to: string): Link => ({
    cell: to,
    close: async () => undefined,
    // A link that reports a round trip, so that calls carry reply_ms.
    latency: () => ({ srttMs: 2, rttvarMs: 1, samples: 1 }),
    send: () => Promise.reject(new Error('a value link must not be handed text')),
    sendValue: (env: Envelope, opts: SendOptions) => {
      // Copied now, as the contract says: the runner may change its envelope once this returns.
      const copy = copyEnvelope(env);
      sent.push({ from, to, env, replyMsDuring: env.reply_ms, copiedReplyMs: copy.reply_ms, copy });
      return new Promise<Envelope | undefined>((resolve) => {
        setImmediate(() => {
          const inbound: Inbound = {
            data: JSON.stringify(copy),
            value: copy,
            from,
            ...(unique ? { unique: true } : {}),
            ...(opts.expectReply
              ? {
                  reply: (r: string | undefined) => {
                    if (r !== undefined) replies.text++;
                    resolve(r === undefined ? undefined : (JSON.parse(r) as Envelope));
                  },
                  replyValue: (e: Envelope) => {
                    if (failingReplies > 0) {
                      failingReplies--;
                      throw new Error('the exchange broke');
                    }
                    replies.value++;
                    resolve(copyEnvelope(e));
                  },
                }
              : {}),
          };
          void runners.get(to)!.receive(inbound).then(() => {
            if (!opts.expectReply) resolve(undefined);
          });
        });
      });
    },
  });
  wire(layout, runners, link);
  open = {
    cell: (name) => runners.get(name)!,
    sent,
    replies,
    close: () => {
      for (const r of runners.values()) r.close();
    },
  };
  return open;
}

describe('links that carry values', () => {
  it('get the envelope itself, never text, and a call and a broadcast are answered by value', async () => {
    const t = valueTree({ top: ['mid'], mid: ['leaf'] });
    const r = (await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'v' })) as Response;
    expect(r.valueOrRaise()).toBe('v@top!mid!leaf');
    const all = (await t.cell('top').invoke(gather, ctxt, {})) as Response[];
    expect(all.map((x) => x.valueOrRaise())).toEqual(['top!mid!leaf', 'top!mid', 'top']);
    // Every hop of both went out by value (send rejects), and every answer came back by value.
    expect(t.sent.map((s) => `${s.from}>${s.to}`)).toEqual(['top>mid', 'mid>leaf', 'top>mid', 'mid>leaf']);
    expect(t.replies).toEqual({ text: 0, value: 4 });
  });

  it("carry this hop's reply_ms in the copy only: the sender's envelope does not keep it", async () => {
    const t = valueTree({ top: ['mid'], mid: ['leaf'] });
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'v' }, { deadline: Date.now() + 2_000 });
    expect(t.sent).toHaveLength(2);
    for (const s of t.sent) {
      expect(s.replyMsDuring).toBeGreaterThan(0);
      expect(s.copiedReplyMs).toBe(s.replyMsDuring);
      expect(s.env.reply_ms).toBeUndefined();
    }
  });

  it('also through send hooks: the hooks see the envelope, the link gets it as a value', async () => {
    const seen: string[] = [];
    const hook: Interceptor = Object.assign((next: Parameters<Interceptor>[0]) => next, {
      send: (next: SendNext) => (s: SendContext) => {
        seen.push(`${s.cell}>${s.neighbour}:${s.message.method_name}`);
        return next(s);
      },
    });
    const t = valueTree({ top: ['mid'] }, (cell) => (cell === 'top' ? { interceptors: [hook] } : {}));
    expect(((await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'h' })) as Response).valueOrRaise()).toBe('h@top!mid');
    expect(seen).toEqual(['top>mid:echo']);
    expect(t.replies).toEqual({ text: 0, value: 1 });
  });

  it('that vouch a message cannot repeat keep no dedupe entry for a targeted one; a broadcast is still remembered', async () => {
    const kept: string[] = [];
    const store: DedupeStore = { load: () => [], add: (k) => void kept.push(k), expire: () => undefined };
    const t = valueTree({ top: ['leaf'] }, (cell) => (cell === 'leaf' ? { dedupeStore: store } : {}));
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!leaf', text: 'once' });
    expect(kept).toEqual([]);
    await t.cell('top').invoke(gather, ctxt, {});
    expect(kept).toEqual([t.sent[1]!.copy.uuid]);
  });

  it('that do not vouch for it get every uuid remembered, targeted ones too', async () => {
    const kept: string[] = [];
    const store: DedupeStore = { load: () => [], add: (k) => void kept.push(k), expire: () => undefined };
    const t = valueTree({ top: ['leaf'] }, (cell) => (cell === 'leaf' ? { dedupeStore: store } : {}), false);
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!leaf', text: 'once' });
    expect(kept).toEqual([t.sent[0]!.copy.uuid]);
  });

  it('a reply that cannot be given is logged and its exchange released: the runner never rejects, and serves on', async () => {
    const lines: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => void lines.push(m) };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const t = valueTree({ top: ['leaf'] }, (cell) => (cell === 'leaf' ? { logger } : {}), true, 1);
      // The answer was lost with the exchange: the caller gets its deadline, typed.
      await expect(t.cell('top').invoke(echo, ctxt, { cell_name: 'top!leaf', text: 'lost' }, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'timeout' });
      expect(lines).toEqual([expect.stringMatching(/^could not answer top on its exchange: the exchange broke/)]);
      const again = (await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!leaf', text: 'next' })) as Response;
      expect(again.valueOrRaise()).toBe('next@top!leaf');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a handler value that cannot travel is a typed failure of its cell, made where it ran', async () => {
    const t = valueTree({ top: ['leaf'] }, (cell) =>
      cell === 'leaf'
        ? {
            services: [
              serve(testService, {
                ...testHandlers(cell),
                echo: async () => {
                  const o: Record<string, unknown> = {};
                  o.self = o;
                  return o as never;
                },
              }),
            ],
          }
        : {},
    );
    const r = (await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!leaf', text: 'x' })) as Response;
    expect(r.failure).toBe(true);
    expect(r.error).toMatchObject({ code: 'internal' });
    expect(r.error!.message).toMatch(/^handler of echo returned a value that cannot be sent: result\.self/);
    // The failure was answered by value like any answer: nothing was lost on the way.
    expect(t.replies).toEqual({ text: 0, value: 1 });
  });
});
