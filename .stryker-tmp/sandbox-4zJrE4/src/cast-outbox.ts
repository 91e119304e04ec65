/**
 * Casts a cell accepted and could not pass on. A cell in the middle of a cast's path has
 * already said yes to the neighbour that sent it (an HTTP 202, an AMQP ack): when its own
 * next hop refuses, nobody upstream can be told any more. Rather than drop the cast, the
 * runner holds it here, per neighbour, and retries it oldest first, backing off while the
 * neighbour keeps refusing, until the cast's time to live (its deadline) ends.
 *
 * Core knows no storage: `CastOutboxStore` is the hook (the cell service keeps held casts
 * in a table of its SQLite store, so they survive a restart; `memoryCastOutbox()` is the
 * in-process one). Without a store the runner logs and counts such a cast as lost.
 *
 * Order: while a neighbour has casts held, new casts for it are held behind them rather than
 * sent past them, so one neighbour's casts are handed over in the order they came.
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { CellwireError } from './errors.js';
import { logFields } from './log-fields.js';
import type { Logger } from './logger.js';
import type { Side } from './neighbours.js';
import type { RunnerStats } from './runner-options.js';
import type { Link, SendOptions } from './transport.js';
import type { Envelope } from './wire.js';

/** One cast held for a neighbour. */
export interface HeldCast {
  readonly side: Side;
  /** The neighbour's short name. */
  readonly neighbour: string;
  readonly messageType: 'targeted' | 'broadcast';
  readonly fanout: boolean;
  /** The envelope text, exactly as it was to leave this cell. */
  readonly data: string;
  /** When its time to live ends (ms since epoch): it is given up then. */
  readonly until: number;
  /** For the log lines: the message's uuid and method. */
  readonly uuid: string;
  readonly method: string;
}

/** A held cast as the store returns it. */
export interface StoredCast extends HeldCast {
  /** Increasing in the order casts were held. */
  readonly id: number;
}

/** Where a runner keeps held casts (RunnerOptions.castOutbox). Synchronous: a cast is kept before the cell says it took it. */
export interface CastOutboxStore {
  add(cast: HeldCast): void;
  /** Up to `limit` held casts for one neighbour, oldest first. */
  list(side: Side, neighbour: string, limit: number): StoredCast[];
  remove(id: number): void;
  /** How many casts are held, per neighbour. */
  counts(): Iterable<{
    readonly side: Side;
    readonly neighbour: string;
    readonly count: number;
  }>;
}

/** An outbox in this process's memory: held casts retried while it runs, gone if it stops. */
export function memoryCastOutbox(): CastOutboxStore {
  if (stryMutAct_9fa48("11")) {
    {}
  } else {
    stryCov_9fa48("11");
    let seq = 0;
    const rows: StoredCast[] = stryMutAct_9fa48("12") ? ["Stryker was here"] : (stryCov_9fa48("12"), []);
    return stryMutAct_9fa48("13") ? {} : (stryCov_9fa48("13"), {
      add: stryMutAct_9fa48("14") ? () => undefined : (stryCov_9fa48("14"), cast => void rows.push(stryMutAct_9fa48("15") ? {} : (stryCov_9fa48("15"), {
        ...cast,
        id: stryMutAct_9fa48("16") ? --seq : (stryCov_9fa48("16"), ++seq)
      }))),
      list: stryMutAct_9fa48("17") ? () => undefined : (stryCov_9fa48("17"), (side, neighbour, limit) => stryMutAct_9fa48("19") ? rows.slice(0, limit) : stryMutAct_9fa48("18") ? rows.filter(r => r.side === side && r.neighbour === neighbour) : (stryCov_9fa48("18", "19"), rows.filter(stryMutAct_9fa48("20") ? () => undefined : (stryCov_9fa48("20"), r => stryMutAct_9fa48("23") ? r.side === side || r.neighbour === neighbour : stryMutAct_9fa48("22") ? false : stryMutAct_9fa48("21") ? true : (stryCov_9fa48("21", "22", "23"), (stryMutAct_9fa48("25") ? r.side !== side : stryMutAct_9fa48("24") ? true : (stryCov_9fa48("24", "25"), r.side === side)) && (stryMutAct_9fa48("27") ? r.neighbour !== neighbour : stryMutAct_9fa48("26") ? true : (stryCov_9fa48("26", "27"), r.neighbour === neighbour))))).slice(0, limit))),
      remove: id => {
        if (stryMutAct_9fa48("28")) {
          {}
        } else {
          stryCov_9fa48("28");
          const i = rows.findIndex(stryMutAct_9fa48("29") ? () => undefined : (stryCov_9fa48("29"), r => stryMutAct_9fa48("32") ? r.id !== id : stryMutAct_9fa48("31") ? false : stryMutAct_9fa48("30") ? true : (stryCov_9fa48("30", "31", "32"), r.id === id)));
          if (stryMutAct_9fa48("36") ? i < 0 : stryMutAct_9fa48("35") ? i > 0 : stryMutAct_9fa48("34") ? false : stryMutAct_9fa48("33") ? true : (stryCov_9fa48("33", "34", "35", "36"), i >= 0)) rows.splice(i, 1);
        }
      },
      counts: () => {
        if (stryMutAct_9fa48("37")) {
          {}
        } else {
          stryCov_9fa48("37");
          const by = new Map<string, {
            side: Side;
            neighbour: string;
            count: number;
          }>();
          for (const r of rows) {
            if (stryMutAct_9fa48("38")) {
              {}
            } else {
              stryCov_9fa48("38");
              const k = stryMutAct_9fa48("39") ? `` : (stryCov_9fa48("39"), `${r.side}:${r.neighbour}`);
              const c = stryMutAct_9fa48("40") ? by.get(k) && {
                side: r.side,
                neighbour: r.neighbour,
                count: 0
              } : (stryCov_9fa48("40"), by.get(k) ?? (stryMutAct_9fa48("41") ? {} : (stryCov_9fa48("41"), {
                side: r.side,
                neighbour: r.neighbour,
                count: 0
              })));
              stryMutAct_9fa48("42") ? c.count-- : (stryCov_9fa48("42"), c.count++);
              by.set(k, c);
            }
          }
          return by.values();
        }
      }
    });
  }
}

/** What the outbox needs of its runner, given once. */
export interface CastOutboxParts {
  readonly store: CastOutboxStore;
  /** The link to a neighbour now, if it is still one. */
  readonly linkOf: (side: Side, neighbour: string) => Link | undefined;
  readonly stats: RunnerStats;
  readonly logger: Logger;
  /** How long one hand-off may take (the runner's call timeout). */
  readonly handoffMs: number;
  readonly retryMs: number;
  readonly retryMaxMs: number;
}

/** Casts held at most per neighbour and retry round. */
const BATCH = 200;

/** The runner's outbox: holds casts a next hop refused and hands them over when it takes them again. */
export class CastOutbox {
  private readonly store: CastOutboxStore;
  /** Casts held per neighbour (`side:name`). */
  private readonly held = new Map<string, number>();
  /** Per neighbour: refusals in a row, and when to try again. */
  private readonly backoff = new Map<string, {
    fails: number;
    at: number;
  }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = stryMutAct_9fa48("43") ? true : (stryCov_9fa48("43"), false);
  constructor(private readonly parts: CastOutboxParts) {
    if (stryMutAct_9fa48("44")) {
      {}
    } else {
      stryCov_9fa48("44");
      this.store = parts.store;
      // Held before a restart: retried a first delay after start (the links are up by then).
      for (const c of parts.store.counts()) {
        if (stryMutAct_9fa48("45")) {
          {}
        } else {
          stryCov_9fa48("45");
          if (stryMutAct_9fa48("49") ? c.count > 0 : stryMutAct_9fa48("48") ? c.count < 0 : stryMutAct_9fa48("47") ? false : stryMutAct_9fa48("46") ? true : (stryCov_9fa48("46", "47", "48", "49"), c.count <= 0)) continue;
          const k = key(c.side, c.neighbour);
          this.held.set(k, c.count);
          this.backoff.set(k, stryMutAct_9fa48("50") ? {} : (stryCov_9fa48("50"), {
            fails: 0,
            at: stryMutAct_9fa48("51") ? Date.now() - parts.retryMs : (stryCov_9fa48("51"), Date.now() + parts.retryMs)
          }));
        }
      }
      if (stryMutAct_9fa48("55") ? this.size <= 0 : stryMutAct_9fa48("54") ? this.size >= 0 : stryMutAct_9fa48("53") ? false : stryMutAct_9fa48("52") ? true : (stryCov_9fa48("52", "53", "54", "55"), this.size > 0)) this.schedule();
    }
  }

  /** Casts held now. */
  get size(): number {
    if (stryMutAct_9fa48("56")) {
      {}
    } else {
      stryCov_9fa48("56");
      let n = 0;
      for (const c of this.held.values()) stryMutAct_9fa48("57") ? n -= c : (stryCov_9fa48("57"), n += c);
      return n;
    }
  }

  /** Whether casts for this neighbour are held (new ones then queue behind them). */
  holds(side: Side, neighbour: string): boolean {
    if (stryMutAct_9fa48("58")) {
      {}
    } else {
      stryCov_9fa48("58");
      return stryMutAct_9fa48("62") ? (this.held.get(key(side, neighbour)) ?? 0) <= 0 : stryMutAct_9fa48("61") ? (this.held.get(key(side, neighbour)) ?? 0) >= 0 : stryMutAct_9fa48("60") ? false : stryMutAct_9fa48("59") ? true : (stryCov_9fa48("59", "60", "61", "62"), (stryMutAct_9fa48("63") ? this.held.get(key(side, neighbour)) && 0 : (stryCov_9fa48("63"), this.held.get(key(side, neighbour)) ?? 0)) > 0);
    }
  }

  /** Holds a cast whose hand-off was refused (or that queues behind held ones). Throws when the store cannot keep it. */
  hold(cast: HeldCast): void {
    if (stryMutAct_9fa48("64")) {
      {}
    } else {
      stryCov_9fa48("64");
      this.store.add(cast);
      const k = key(cast.side, cast.neighbour);
      this.held.set(k, stryMutAct_9fa48("65") ? (this.held.get(k) ?? 0) - 1 : (stryCov_9fa48("65"), (stryMutAct_9fa48("66") ? this.held.get(k) && 0 : (stryCov_9fa48("66"), this.held.get(k) ?? 0)) + 1));
      stryMutAct_9fa48("67") ? this.parts.stats.castsHeld-- : (stryCov_9fa48("67"), this.parts.stats.castsHeld++);
      if (stryMutAct_9fa48("70") ? false : stryMutAct_9fa48("69") ? true : stryMutAct_9fa48("68") ? this.backoff.has(k) : (stryCov_9fa48("68", "69", "70"), !this.backoff.has(k))) this.backoff.set(k, stryMutAct_9fa48("71") ? {} : (stryCov_9fa48("71"), {
        fails: 1,
        at: stryMutAct_9fa48("72") ? Date.now() - this.parts.retryMs : (stryCov_9fa48("72"), Date.now() + this.parts.retryMs)
      }));
      this.schedule();
    }
  }

  /**
   * One retry round; resolves when it is done. `now`: every neighbour with casts held is tried
   * at once, whatever its backoff (an operator, a test); otherwise only those whose turn came.
   */
  flush(now = stryMutAct_9fa48("73") ? false : (stryCov_9fa48("73"), true)): Promise<void> {
    if (stryMutAct_9fa48("74")) {
      {}
    } else {
      stryCov_9fa48("74");
      stryMutAct_9fa48("75") ? this.running &&= this.round(now).finally(() => {
        this.running = undefined;
        if (this.size > 0) this.schedule();
      }) : (stryCov_9fa48("75"), this.running ??= this.round(now).finally(() => {
        if (stryMutAct_9fa48("76")) {
          {}
        } else {
          stryCov_9fa48("76");
          this.running = undefined;
          if (stryMutAct_9fa48("80") ? this.size <= 0 : stryMutAct_9fa48("79") ? this.size >= 0 : stryMutAct_9fa48("78") ? false : stryMutAct_9fa48("77") ? true : (stryCov_9fa48("77", "78", "79", "80"), this.size > 0)) this.schedule();
        }
      }));
      return this.running;
    }
  }
  close(): void {
    if (stryMutAct_9fa48("81")) {
      {}
    } else {
      stryCov_9fa48("81");
      this.closed = stryMutAct_9fa48("82") ? false : (stryCov_9fa48("82"), true);
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
  private schedule(): void {
    if (stryMutAct_9fa48("83")) {
      {}
    } else {
      stryCov_9fa48("83");
      if (stryMutAct_9fa48("86") ? this.closed && this.timer !== undefined : stryMutAct_9fa48("85") ? false : stryMutAct_9fa48("84") ? true : (stryCov_9fa48("84", "85", "86"), this.closed || (stryMutAct_9fa48("88") ? this.timer === undefined : stryMutAct_9fa48("87") ? false : (stryCov_9fa48("87", "88"), this.timer !== undefined)))) return;
      let at = Infinity;
      for (const k of this.held.keys()) at = stryMutAct_9fa48("89") ? Math.max(at, this.backoff.get(k)?.at ?? 0) : (stryCov_9fa48("89"), Math.min(at, stryMutAct_9fa48("90") ? this.backoff.get(k)?.at && 0 : (stryCov_9fa48("90"), (stryMutAct_9fa48("91") ? this.backoff.get(k).at : (stryCov_9fa48("91"), this.backoff.get(k)?.at)) ?? 0)));
      const delay = stryMutAct_9fa48("92") ? Math.min(0, Math.min(at - Date.now(), this.parts.retryMaxMs)) : (stryCov_9fa48("92"), Math.max(0, stryMutAct_9fa48("93") ? Math.max(at - Date.now(), this.parts.retryMaxMs) : (stryCov_9fa48("93"), Math.min(stryMutAct_9fa48("94") ? at + Date.now() : (stryCov_9fa48("94"), at - Date.now()), this.parts.retryMaxMs))));
      this.timer = setTimeout(() => {
        if (stryMutAct_9fa48("95")) {
          {}
        } else {
          stryCov_9fa48("95");
          this.timer = undefined;
          void this.flush(stryMutAct_9fa48("96") ? true : (stryCov_9fa48("96"), false));
        }
      }, delay);
      // Held casts are kept (in the store) whether or not this process stays up for them.
      stryMutAct_9fa48("97") ? this.timer.unref() : (stryCov_9fa48("97"), this.timer.unref?.());
    }
  }
  private async round(all: boolean): Promise<void> {
    if (stryMutAct_9fa48("98")) {
      {}
    } else {
      stryCov_9fa48("98");
      const now = Date.now();
      const due = stryMutAct_9fa48("99") ? [...this.held.entries()].map(([k]) => k) : (stryCov_9fa48("99"), (stryMutAct_9fa48("100") ? [] : (stryCov_9fa48("100"), [...this.held.entries()])).filter(stryMutAct_9fa48("101") ? () => undefined : (stryCov_9fa48("101"), ([k, n]) => stryMutAct_9fa48("104") ? n > 0 || all || (this.backoff.get(k)?.at ?? 0) <= now : stryMutAct_9fa48("103") ? false : stryMutAct_9fa48("102") ? true : (stryCov_9fa48("102", "103", "104"), (stryMutAct_9fa48("107") ? n <= 0 : stryMutAct_9fa48("106") ? n >= 0 : stryMutAct_9fa48("105") ? true : (stryCov_9fa48("105", "106", "107"), n > 0)) && (stryMutAct_9fa48("109") ? all && (this.backoff.get(k)?.at ?? 0) <= now : stryMutAct_9fa48("108") ? true : (stryCov_9fa48("108", "109"), all || (stryMutAct_9fa48("112") ? (this.backoff.get(k)?.at ?? 0) > now : stryMutAct_9fa48("111") ? (this.backoff.get(k)?.at ?? 0) < now : stryMutAct_9fa48("110") ? false : (stryCov_9fa48("110", "111", "112"), (stryMutAct_9fa48("113") ? this.backoff.get(k)?.at && 0 : (stryCov_9fa48("113"), (stryMutAct_9fa48("114") ? this.backoff.get(k).at : (stryCov_9fa48("114"), this.backoff.get(k)?.at)) ?? 0)) <= now))))))).map(stryMutAct_9fa48("115") ? () => undefined : (stryCov_9fa48("115"), ([k]) => k)));
      await Promise.all(due.map(stryMutAct_9fa48("116") ? () => undefined : (stryCov_9fa48("116"), k => this.retryNeighbour(k))));
    }
  }

  /** Hands a neighbour's held casts over, oldest first, until one is refused. */
  private async retryNeighbour(k: string): Promise<void> {
    if (stryMutAct_9fa48("117")) {
      {}
    } else {
      stryCov_9fa48("117");
      const [side, neighbour] = split(k);
      const {
        stats,
        logger
      } = this.parts;
      for (const cast of this.store.list(side, neighbour, BATCH)) {
        if (stryMutAct_9fa48("118")) {
          {}
        } else {
          stryCov_9fa48("118");
          if (stryMutAct_9fa48("120") ? false : stryMutAct_9fa48("119") ? true : (stryCov_9fa48("119", "120"), this.closed)) return;
          const now = Date.now();
          if (stryMutAct_9fa48("124") ? cast.until > now : stryMutAct_9fa48("123") ? cast.until < now : stryMutAct_9fa48("122") ? false : stryMutAct_9fa48("121") ? true : (stryCov_9fa48("121", "122", "123", "124"), cast.until <= now)) {
            if (stryMutAct_9fa48("125")) {
              {}
            } else {
              stryCov_9fa48("125");
              this.drop(k, cast);
              stryMutAct_9fa48("126") ? stats.castsLost-- : (stryCov_9fa48("126"), stats.castsLost++);
              logger.warn(stryMutAct_9fa48("127") ? `` : (stryCov_9fa48("127"), `gave up cast ${cast.method} (${cast.uuid}) to ${neighbour}: its time to live ended at ${new Date(cast.until).toISOString()} before ${neighbour} took it`), fieldsOf(cast, stryMutAct_9fa48("128") ? {} : (stryCov_9fa48("128"), {
                code: stryMutAct_9fa48("129") ? "" : (stryCov_9fa48("129"), 'timeout')
              })));
              continue;
            }
          }
          const link = this.parts.linkOf(side, neighbour);
          if (stryMutAct_9fa48("132") ? false : stryMutAct_9fa48("131") ? true : stryMutAct_9fa48("130") ? link : (stryCov_9fa48("130", "131", "132"), !link)) return this.failed(k, new CellwireError(stryMutAct_9fa48("133") ? "" : (stryCov_9fa48("133"), 'unavailable'), stryMutAct_9fa48("134") ? `` : (stryCov_9fa48("134"), `${neighbour} is not a ${side} of this cell any more`)));
          const options: SendOptions = stryMutAct_9fa48("135") ? {} : (stryCov_9fa48("135"), {
            messageType: cast.messageType,
            fanout: cast.fanout,
            expectReply: stryMutAct_9fa48("136") ? true : (stryCov_9fa48("136"), false),
            deadline: stryMutAct_9fa48("137") ? Math.max(cast.until, now + this.parts.handoffMs) : (stryCov_9fa48("137"), Math.min(cast.until, stryMutAct_9fa48("138") ? now - this.parts.handoffMs : (stryCov_9fa48("138"), now + this.parts.handoffMs))),
            durable: stryMutAct_9fa48("139") ? false : (stryCov_9fa48("139"), true)
          });
          try {
            if (stryMutAct_9fa48("140")) {
              {}
            } else {
              stryCov_9fa48("140");
              await link.send(cast.data, options);
            }
          } catch (e) {
            if (stryMutAct_9fa48("141")) {
              {}
            } else {
              stryCov_9fa48("141");
              const err = e instanceof CellwireError ? e : CellwireError.from(e, stryMutAct_9fa48("142") ? "" : (stryCov_9fa48("142"), 'unavailable'));
              stryMutAct_9fa48("143") ? stats.castFailures-- : (stryCov_9fa48("143"), stats.castFailures++);
              if (stryMutAct_9fa48("145") ? false : stryMutAct_9fa48("144") ? true : (stryCov_9fa48("144", "145"), err.retryable)) return this.failed(k, err);
              this.drop(k, cast);
              stryMutAct_9fa48("146") ? stats.castsLost-- : (stryCov_9fa48("146"), stats.castsLost++);
              logger.warn(stryMutAct_9fa48("147") ? `` : (stryCov_9fa48("147"), `gave up cast ${cast.method} (${cast.uuid}) to ${neighbour}: ${err.message}`), fieldsOf(cast, stryMutAct_9fa48("148") ? {} : (stryCov_9fa48("148"), {
                code: err.code
              })));
              continue;
            }
          }
          this.drop(k, cast);
          stryMutAct_9fa48("149") ? stats.castsDelivered-- : (stryCov_9fa48("149"), stats.castsDelivered++);
          this.backoff.delete(k);
          logger.debug(stryMutAct_9fa48("150") ? `` : (stryCov_9fa48("150"), `delivered held cast ${cast.method} (${cast.uuid}) to ${neighbour}`), stryMutAct_9fa48("151") ? {} : (stryCov_9fa48("151"), {
            method: cast.method,
            uuid: cast.uuid
          }));
        }
      }
    }
  }
  private drop(k: string, cast: StoredCast): void {
    if (stryMutAct_9fa48("152")) {
      {}
    } else {
      stryCov_9fa48("152");
      this.store.remove(cast.id);
      const left = stryMutAct_9fa48("153") ? (this.held.get(k) ?? 1) + 1 : (stryCov_9fa48("153"), (stryMutAct_9fa48("154") ? this.held.get(k) && 1 : (stryCov_9fa48("154"), this.held.get(k) ?? 1)) - 1);
      if (stryMutAct_9fa48("158") ? left <= 0 : stryMutAct_9fa48("157") ? left >= 0 : stryMutAct_9fa48("156") ? false : stryMutAct_9fa48("155") ? true : (stryCov_9fa48("155", "156", "157", "158"), left > 0)) this.held.set(k, left);else {
        if (stryMutAct_9fa48("159")) {
          {}
        } else {
          stryCov_9fa48("159");
          this.held.delete(k);
          this.backoff.delete(k);
        }
      }
    }
  }

  /** The neighbour still refuses: wait longer before the next try (doubling, up to retryMaxMs). */
  private failed(k: string, err: CellwireError): void {
    if (stryMutAct_9fa48("160")) {
      {}
    } else {
      stryCov_9fa48("160");
      const prev = stryMutAct_9fa48("161") ? this.backoff.get(k)?.fails && 0 : (stryCov_9fa48("161"), (stryMutAct_9fa48("162") ? this.backoff.get(k).fails : (stryCov_9fa48("162"), this.backoff.get(k)?.fails)) ?? 0);
      const fails = stryMutAct_9fa48("163") ? prev - 1 : (stryCov_9fa48("163"), prev + 1);
      const wait = stryMutAct_9fa48("164") ? Math.max(this.parts.retryMaxMs, this.parts.retryMs * 2 ** Math.min(fails - 1, 20)) : (stryCov_9fa48("164"), Math.min(this.parts.retryMaxMs, stryMutAct_9fa48("165") ? this.parts.retryMs / 2 ** Math.min(fails - 1, 20) : (stryCov_9fa48("165"), this.parts.retryMs * 2 ** (stryMutAct_9fa48("166") ? Math.max(fails - 1, 20) : (stryCov_9fa48("166"), Math.min(stryMutAct_9fa48("167") ? fails + 1 : (stryCov_9fa48("167"), fails - 1), 20))))));
      this.backoff.set(k, stryMutAct_9fa48("168") ? {} : (stryCov_9fa48("168"), {
        fails,
        at: stryMutAct_9fa48("169") ? Date.now() - wait : (stryCov_9fa48("169"), Date.now() + wait)
      }));
      if (stryMutAct_9fa48("172") ? fails === 2 && fails % 20 === 0 : stryMutAct_9fa48("171") ? false : stryMutAct_9fa48("170") ? true : (stryCov_9fa48("170", "171", "172"), (stryMutAct_9fa48("174") ? fails !== 2 : stryMutAct_9fa48("173") ? false : (stryCov_9fa48("173", "174"), fails === 2)) || (stryMutAct_9fa48("176") ? fails % 20 !== 0 : stryMutAct_9fa48("175") ? false : (stryCov_9fa48("175", "176"), (stryMutAct_9fa48("177") ? fails * 20 : (stryCov_9fa48("177"), fails % 20)) === 0)))) {
        if (stryMutAct_9fa48("178")) {
          {}
        } else {
          stryCov_9fa48("178");
          this.parts.logger.info(stryMutAct_9fa48("179") ? `` : (stryCov_9fa48("179"), `${stryMutAct_9fa48("180") ? this.held.get(k) && 0 : (stryCov_9fa48("180"), this.held.get(k) ?? 0)} cast(s) held for ${split(k)[1]}, which still refuses them (${err.message}); retrying`));
        }
      }
    }
  }
}

/** The usual fields of a line about a message (request id, trace id, method, uuid), read from the held text. */
function fieldsOf(cast: StoredCast, extra: Record<string, unknown>): Record<string, unknown> {
  if (stryMutAct_9fa48("181")) {
    {}
  } else {
    stryCov_9fa48("181");
    try {
      if (stryMutAct_9fa48("182")) {
        {}
      } else {
        stryCov_9fa48("182");
        return logFields(JSON.parse(cast.data) as Envelope, extra);
      }
    } catch {
      if (stryMutAct_9fa48("183")) {
        {}
      } else {
        stryCov_9fa48("183");
        return stryMutAct_9fa48("184") ? {} : (stryCov_9fa48("184"), {
          method: cast.method,
          uuid: cast.uuid,
          ...extra
        });
      }
    }
  }
}
function key(side: Side, neighbour: string): string {
  if (stryMutAct_9fa48("185")) {
    {}
  } else {
    stryCov_9fa48("185");
    return stryMutAct_9fa48("186") ? `` : (stryCov_9fa48("186"), `${side}:${neighbour}`);
  }
}
function split(k: string): [Side, string] {
  if (stryMutAct_9fa48("187")) {
    {}
  } else {
    stryCov_9fa48("187");
    const i = k.indexOf(stryMutAct_9fa48("188") ? "" : (stryCov_9fa48("188"), ':'));
    return stryMutAct_9fa48("189") ? [] : (stryCov_9fa48("189"), [k.slice(0, i) as Side, stryMutAct_9fa48("190") ? k : (stryCov_9fa48("190"), k.slice(stryMutAct_9fa48("191") ? i - 1 : (stryCov_9fa48("191"), i + 1)))]);
  }
}