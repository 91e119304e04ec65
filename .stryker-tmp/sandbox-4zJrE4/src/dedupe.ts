/**
 * Remembers message keys for a while so that a redelivered message is not run twice.
 *
 * In memory by default, so a restart forgets the window. Given a DedupeStore (a cell's
 * database), the window is loaded from it when made and every first-seen key is written to
 * it before `firstSeen` returns: a message is never run before its uuid is recorded, and a
 * copy replayed after a restart is still a repeat.
 *
 * Keys sit in a Map (membership) and in a queue in arrival order (expiry). Expiry pops the
 * queue from its head, so each message costs O(1). (Iterating the Map itself from its oldest
 * entry, as before, had to step over every entry deleted since V8 last compacted the table:
 * once the window was full, tens of thousands of holes per message.)
 */
// @ts-nocheck

/**
 * Where a DedupeWindow keeps its keys across restarts (`RunnerOptions.dedupeStore`). Core
 * knows no storage: the cell service backs it with a table of its SQLite store. Calls are
 * synchronous, so a key is recorded before the message it names runs.
 */function stryNS_9fa48() {
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
export interface DedupeStore {
  /** The keys still remembered at `now`, each with the time it may be forgotten (ms since epoch). */
  load(now: number): Iterable<readonly [key: string, until: number]>;
  /** Records a key first seen now. A throw refuses the message (it is not run). */
  add(key: string, until: number): void;
  /** Forgets keys whose time has passed (called now and then, not per message). */
  expire(now: number): void;
  /** Forgets one key (a message refused, so that a retry of it may run). */
  forget?(key: string): void;
}
export class DedupeWindow {
  private readonly seen = new Map<string, number>();
  /** Who sent the first copy, for the keys that were given one. */
  private readonly senders = new Map<string, string>();
  /** Keys and their expiry times in insertion order, from `head` on. */
  private keys: string[] = stryMutAct_9fa48("753") ? ["Stryker was here"] : (stryCov_9fa48("753"), []);
  private untils: number[] = stryMutAct_9fa48("754") ? ["Stryker was here"] : (stryCov_9fa48("754"), []);
  private head = 0;

  /** When the store was last asked to expire its keys. */
  private storeExpiredAt = 0;
  constructor(private readonly windowMs = stryMutAct_9fa48("755") ? 5 / 60_000 : (stryCov_9fa48("755"), 5 * 60_000), private readonly maxEntries = 200_000, private readonly store?: DedupeStore, now = Date.now()) {
    if (stryMutAct_9fa48("756")) {
      {}
    } else {
      stryCov_9fa48("756");
      if (stryMutAct_9fa48("759") ? false : stryMutAct_9fa48("758") ? true : stryMutAct_9fa48("757") ? store : (stryCov_9fa48("757", "758", "759"), !store)) return;
      const loaded = stryMutAct_9fa48("761") ? [...store.load(now)].sort((a, b) => a[1] - b[1]) : stryMutAct_9fa48("760") ? [...store.load(now)].filter(([, until]) => until > now) : (stryCov_9fa48("760", "761"), (stryMutAct_9fa48("762") ? [] : (stryCov_9fa48("762"), [...store.load(now)])).filter(stryMutAct_9fa48("763") ? () => undefined : (stryCov_9fa48("763"), ([, until]) => stryMutAct_9fa48("767") ? until <= now : stryMutAct_9fa48("766") ? until >= now : stryMutAct_9fa48("765") ? false : stryMutAct_9fa48("764") ? true : (stryCov_9fa48("764", "765", "766", "767"), until > now))).sort(stryMutAct_9fa48("768") ? () => undefined : (stryCov_9fa48("768"), (a, b) => stryMutAct_9fa48("769") ? a[1] + b[1] : (stryCov_9fa48("769"), a[1] - b[1]))));
      for (const [key, until] of loaded) {
        if (stryMutAct_9fa48("770")) {
          {}
        } else {
          stryCov_9fa48("770");
          this.seen.set(key, until);
          this.keys.push(key);
          this.untils.push(until);
        }
      }
      this.expireStore(now);
    }
  }

  /**
   * True the first time a key is seen within the window; false for a repeat. `sender`, when
   * given, is remembered with a first copy (see `firstSender`).
   */
  firstSeen(key: string, now = Date.now(), sender?: string): boolean {
    if (stryMutAct_9fa48("771")) {
      {}
    } else {
      stryCov_9fa48("771");
      this.expire(now);
      if (stryMutAct_9fa48("773") ? false : stryMutAct_9fa48("772") ? true : (stryCov_9fa48("772", "773"), this.seen.has(key))) return stryMutAct_9fa48("774") ? true : (stryCov_9fa48("774"), false);
      const until = stryMutAct_9fa48("775") ? now - this.windowMs : (stryCov_9fa48("775"), now + this.windowMs);
      // Recorded before anything else: if the store cannot take it, the message is refused
      // (the throw reaches the runner) and nothing here remembers it.
      stryMutAct_9fa48("776") ? this.store.add(key, until) : (stryCov_9fa48("776"), this.store?.add(key, until));
      this.seen.set(key, until);
      if (stryMutAct_9fa48("779") ? sender === undefined : stryMutAct_9fa48("778") ? false : stryMutAct_9fa48("777") ? true : (stryCov_9fa48("777", "778", "779"), sender !== undefined)) this.senders.set(key, sender);
      this.keys.push(key);
      this.untils.push(until);
      return stryMutAct_9fa48("780") ? false : (stryCov_9fa48("780"), true);
    }
  }

  /** The sender of the first copy of a key still in the window, when one was given. */
  firstSender(key: string): string | undefined {
    if (stryMutAct_9fa48("781")) {
      {}
    } else {
      stryCov_9fa48("781");
      return this.senders.get(key);
    }
  }

  /** Forgets a key (a message we refused, so a later retry of it may run). */
  forget(key: string): void {
    if (stryMutAct_9fa48("782")) {
      {}
    } else {
      stryCov_9fa48("782");
      this.seen.delete(key);
      this.senders.delete(key);
      stryMutAct_9fa48("784") ? this.store.forget?.(key) : stryMutAct_9fa48("783") ? this.store?.forget(key) : (stryCov_9fa48("783", "784"), this.store?.forget?.(key));
    }
  }
  get size(): number {
    if (stryMutAct_9fa48("785")) {
      {}
    } else {
      stryCov_9fa48("785");
      return this.seen.size;
    }
  }
  private expire(now: number): void {
    if (stryMutAct_9fa48("786")) {
      {}
    } else {
      stryCov_9fa48("786");
      const keys = this.keys;
      const untils = this.untils;
      let head = this.head;
      while (stryMutAct_9fa48("789") ? head >= keys.length : stryMutAct_9fa48("788") ? head <= keys.length : stryMutAct_9fa48("787") ? false : (stryCov_9fa48("787", "788", "789"), head < keys.length)) {
        if (stryMutAct_9fa48("790")) {
          {}
        } else {
          stryCov_9fa48("790");
          const until = untils[head] as number;
          if (stryMutAct_9fa48("793") ? until > now || this.seen.size <= this.maxEntries : stryMutAct_9fa48("792") ? false : stryMutAct_9fa48("791") ? true : (stryCov_9fa48("791", "792", "793"), (stryMutAct_9fa48("796") ? until <= now : stryMutAct_9fa48("795") ? until >= now : stryMutAct_9fa48("794") ? true : (stryCov_9fa48("794", "795", "796"), until > now)) && (stryMutAct_9fa48("799") ? this.seen.size > this.maxEntries : stryMutAct_9fa48("798") ? this.seen.size < this.maxEntries : stryMutAct_9fa48("797") ? true : (stryCov_9fa48("797", "798", "799"), this.seen.size <= this.maxEntries)))) break;
          const key = keys[head] as string;
          // A forgotten key may have been seen again since: only its own entry expires it.
          if (stryMutAct_9fa48("802") ? this.seen.get(key) !== until : stryMutAct_9fa48("801") ? false : stryMutAct_9fa48("800") ? true : (stryCov_9fa48("800", "801", "802"), this.seen.get(key) === until)) {
            if (stryMutAct_9fa48("803")) {
              {}
            } else {
              stryCov_9fa48("803");
              this.seen.delete(key);
              this.senders.delete(key);
            }
          }
          stryMutAct_9fa48("804") ? head-- : (stryCov_9fa48("804"), head++);
        }
      }
      if (stryMutAct_9fa48("807") ? head > 1024 || head * 2 > keys.length : stryMutAct_9fa48("806") ? false : stryMutAct_9fa48("805") ? true : (stryCov_9fa48("805", "806", "807"), (stryMutAct_9fa48("810") ? head <= 1024 : stryMutAct_9fa48("809") ? head >= 1024 : stryMutAct_9fa48("808") ? true : (stryCov_9fa48("808", "809", "810"), head > 1024)) && (stryMutAct_9fa48("813") ? head * 2 <= keys.length : stryMutAct_9fa48("812") ? head * 2 >= keys.length : stryMutAct_9fa48("811") ? true : (stryCov_9fa48("811", "812", "813"), (stryMutAct_9fa48("814") ? head / 2 : (stryCov_9fa48("814"), head * 2)) > keys.length)))) {
        if (stryMutAct_9fa48("815")) {
          {}
        } else {
          stryCov_9fa48("815");
          this.keys = stryMutAct_9fa48("816") ? keys : (stryCov_9fa48("816"), keys.slice(head));
          this.untils = stryMutAct_9fa48("817") ? untils : (stryCov_9fa48("817"), untils.slice(head));
          head = 0;
        }
      }
      this.head = head;
      if (stryMutAct_9fa48("820") ? this.store || now - this.storeExpiredAt >= STORE_EXPIRY_EVERY_MS : stryMutAct_9fa48("819") ? false : stryMutAct_9fa48("818") ? true : (stryCov_9fa48("818", "819", "820"), this.store && (stryMutAct_9fa48("823") ? now - this.storeExpiredAt < STORE_EXPIRY_EVERY_MS : stryMutAct_9fa48("822") ? now - this.storeExpiredAt > STORE_EXPIRY_EVERY_MS : stryMutAct_9fa48("821") ? true : (stryCov_9fa48("821", "822", "823"), (stryMutAct_9fa48("824") ? now + this.storeExpiredAt : (stryCov_9fa48("824"), now - this.storeExpiredAt)) >= STORE_EXPIRY_EVERY_MS)))) this.expireStore(now);
    }
  }
  private expireStore(now: number): void {
    if (stryMutAct_9fa48("825")) {
      {}
    } else {
      stryCov_9fa48("825");
      this.storeExpiredAt = now;
      stryMutAct_9fa48("826") ? this.store.expire(now) : (stryCov_9fa48("826"), this.store?.expire(now));
    }
  }
}

/** How often a DedupeStore is asked to drop its expired keys. */
const STORE_EXPIRY_EVERY_MS = 10_000;