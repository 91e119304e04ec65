/**
 * Deadlines that know the distance (docs/wire-format.md, `reply_ms`). Each link learns the
 * round-trip time to its neighbour from the exchanges it makes, as TCP does (RFC 6298:
 * smoothed RTT and RTT variance). A cell that forwards a call stops waiting for its
 * neighbours when its own answer still has time to get home: the deadline less the time the
 * answer needs to travel back (`reply_ms`, which the sender of the message, who measured the
 * link, puts in the envelope) less a small guard per hop. Without an estimate a hop keeps
 * back the fixed margin of `hopWaitUntil`, as before.
 */
import { hopWaitUntil } from './deadline.js';
import type { Link } from './transport.js';
import type { Envelope } from './wire.js';

/** A link's round-trip time, as estimated from the exchanges it made. */
export interface LinkLatency {
  /** Smoothed round-trip time (ms). */
  readonly srttMs: number;
  /** Round-trip time variance (mean deviation, ms). */
  readonly rttvarMs: number;
  /** Exchanges measured so far. */
  readonly samples: number;
}

/** RFC 6298 gains: alpha = 1/8 for the smoothed RTT, beta = 1/4 for its variance. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;

/** The longest one-way time a hop reserves for a link, however bad its estimate. */
export const MAX_ONE_WAY_MS = 30_000;
/** Kept back at every hop besides the return time: a guard against clock and timer slop. */
export const REPLY_GUARD_MS = 5;
/**
 * Kept back at every hop besides the return time: encoding, decoding and handing the answer
 * on, and a timer that fires a little late on a busy machine.
 */
export const HOP_ALLOWANCE_MS = 10;

/**
 * The smoothed round-trip time of one link (RFC 6298, section 2), fed with one sample per
 * exchange. Cheap: three numbers, a few multiplications per sample, no timer and no
 * allocation. `latency()` returns the estimator itself (a live view), or undefined before
 * the first sample.
 *
 * A transport measures an exchange from the moment it sends to the moment the answer is
 * in, less the time the neighbour held the message before answering (its handler, and for
 * a broadcast its whole subtree), which the neighbour reports: what is left is the link.
 *
 * @example
 * const rtt = new RttEstimator();
 * const t0 = performance.now();
 * const answer = await exchange(); // the neighbour says it held the message `heldMs`
 * rtt.exchange(performance.now() - t0, heldMs);
 * rtt.latency(); // { srttMs, rttvarMs, samples }
 */
export class RttEstimator implements LinkLatency {
  srttMs = 0;
  rttvarMs = 0;
  samples = 0;

  /** One round-trip time, in ms. Ignored when it is not a finite number >= 0. */
  sample(rttMs: number): void {
    if (!(rttMs >= 0) || rttMs === Infinity) return;
    if (this.samples === 0) {
      this.srttMs = rttMs;
      this.rttvarMs = rttMs / 2;
    } else {
      // Variance first, with the old smoothed value (RFC 6298, 2.3).
      this.rttvarMs = (1 - BETA) * this.rttvarMs + BETA * Math.abs(this.srttMs - rttMs);
      this.srttMs = (1 - ALPHA) * this.srttMs + ALPHA * rttMs;
    }
    this.samples++;
  }

  /**
   * One exchange: `elapsedMs` from sending to the answer, of which the neighbour held the
   * message `heldMs` (its report; undefined when it gave none, and then nothing is learnt:
   * the time would mix the link with the neighbour's work). A report larger than the
   * exchange itself counts as zero held time.
   */
  exchange(elapsedMs: number, heldMs: number | undefined): void {
    if (heldMs === undefined || !(heldMs >= 0) || !(elapsedMs >= 0)) return;
    this.sample(heldMs <= elapsedMs ? elapsedMs - heldMs : elapsedMs);
  }

  latency(): LinkLatency | undefined {
    return this.samples > 0 ? this : undefined;
  }
}

/**
 * A reported held time (a header's text or number), in ms; undefined when absent or not a
 * number >= 0.
 */
export function heldMsOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && HELD_TEXT.test(value) ? Number(value) : NaN;
  return n >= 0 && n !== Infinity ? n : undefined;
}

const HELD_TEXT = /^\d{1,12}(\.\d{1,6})?$/;

/**
 * How long an answer takes to cross a link one way, pessimistically: half the smoothed
 * round trip plus twice its variance (half of TCP's retransmission timeout), capped at
 * MAX_ONE_WAY_MS.
 */
export function oneWayMs(latency: LinkLatency): number {
  return Math.min(latency.srttMs / 2 + 2 * latency.rttvarMs, MAX_ONE_WAY_MS);
}

/**
 * The `reply_ms` a sender puts in a call it hands to `link`: how long before the message's
 * deadline the receiver's answer must leave it to reach the origin in time. That is the
 * time the sender itself keeps back (`deadline - waitUntil`, zero at the origin) plus the
 * link's one-way time. Undefined when the link has no estimate yet (the receiver then keeps
 * its fixed margin) or the message has no deadline.
 */
export function replyMsFor(link: Link, deadline: number | undefined, waitUntil: number): number | undefined {
  const latency = link.latency?.();
  if (latency === undefined || deadline === undefined) return undefined;
  const kept = deadline > waitUntil ? deadline - waitUntil : 0;
  return Math.ceil(kept + oneWayMs(latency));
}

/**
 * When a hop stops waiting for its neighbours (and answers with what it has). The origin
 * (hop 1) waits until the deadline itself. A hop below it that was told `replyMs` stops
 * that long before the deadline, less REPLY_GUARD_MS + HOP_ALLOWANCE_MS, so its answer
 * reaches the one that asked in time; without it, the fixed margin of `hopWaitUntil`.
 */
export function replyWaitUntil(deadline: number, hopCount: number, maxMarginMs: number, replyMs: number | undefined, now = Date.now()): number {
  if (hopCount <= 1) return deadline;
  if (replyMs === undefined) return hopWaitUntil(deadline, hopCount, maxMarginMs, now);
  const at = deadline - replyMs - REPLY_GUARD_MS - HOP_ALLOWANCE_MS;
  return Math.min(deadline, Math.max(now, at));
}

/**
 * A received envelope's `reply_ms`, taken out of it: it was meant for this hop, and each copy
 * this cell sends on carries its own (`withReplyMs`).
 */
export function takeReplyMs(env: Envelope): number | undefined {
  const ms = env.reply_ms;
  if (ms === undefined) return undefined;
  env.reply_ms = undefined;
  return ms;
}

/**
 * `text` (an encoded envelope without `reply_ms`) with `reply_ms` added: one string
 * operation per neighbour instead of encoding the envelope once for each.
 */
export function withReplyMs(text: string, replyMs: number): string {
  return `${text.slice(0, -1)},"reply_ms":${replyMs}}`;
}
