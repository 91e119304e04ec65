/**
 * The exchanges neighbours wait on (HTTP response, AMQP reply-to, a memory promise), held
 * by message uuid and neighbour until this cell's answer for them is ready, so that the
 * answer goes straight back on the same exchange instead of as a new message. Each one is
 * used or released once: taken for the answer, released empty at its deadline, or released
 * empty when the runner closes; a transport must never be left waiting.
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
import { timerUntil } from './timers.js';

/** Answers a waiting neighbour: with the reply envelope, or `undefined` for no reply this way. */
export type Reply = (data: string | undefined) => void;
interface ReplyChannel {
  readonly reply: Reply;
  readonly timer: NodeJS.Timeout;
}

// One key per message and neighbour: a broadcast reaches a cell once per parent in a graph.
const keyOf = stryMutAct_9fa48("1659") ? () => undefined : (stryCov_9fa48("1659"), (() => {
  const keyOf = (uuid: string, neighbour: string): string => stryMutAct_9fa48("1660") ? `` : (stryCov_9fa48("1660"), `${uuid}>${neighbour}`);
  return keyOf;
})());
export class ReplyChannels {
  private readonly byKey = new Map<string, ReplyChannel>();
  get size(): number {
    if (stryMutAct_9fa48("1661")) {
      {}
    } else {
      stryCov_9fa48("1661");
      return this.byKey.size;
    }
  }

  /** Whether an exchange from `neighbour` for message `uuid` is held. */
  has(uuid: string, neighbour: string): boolean {
    if (stryMutAct_9fa48("1662")) {
      {}
    } else {
      stryCov_9fa48("1662");
      return this.byKey.has(keyOf(uuid, neighbour));
    }
  }

  /**
   * Holds `reply` until it is taken, or until `deadline`, when it is released empty: past
   * the deadline the neighbour stopped waiting, and the exchange must not stay open.
   */
  hold(uuid: string, neighbour: string, reply: Reply, deadline: number): void {
    if (stryMutAct_9fa48("1663")) {
      {}
    } else {
      stryCov_9fa48("1663");
      const key = keyOf(uuid, neighbour);
      const timer = timerUntil(deadline, () => {
        if (stryMutAct_9fa48("1664")) {
          {}
        } else {
          stryCov_9fa48("1664");
          // A later hold of the same key replaced this one: that one's timer decides.
          if (stryMutAct_9fa48("1667") ? this.byKey.get(key)?.timer === timer : stryMutAct_9fa48("1666") ? false : stryMutAct_9fa48("1665") ? true : (stryCov_9fa48("1665", "1666", "1667"), (stryMutAct_9fa48("1668") ? this.byKey.get(key).timer : (stryCov_9fa48("1668"), this.byKey.get(key)?.timer)) !== timer)) return;
          this.byKey.delete(key);
          reply(undefined);
        }
      });
      // A held exchange alone must not keep the process alive.
      stryMutAct_9fa48("1669") ? timer.unref() : (stryCov_9fa48("1669"), timer.unref?.());
      this.byKey.set(key, stryMutAct_9fa48("1670") ? {} : (stryCov_9fa48("1670"), {
        reply,
        timer
      }));
    }
  }

  /** The held exchange from `neighbour` for message `uuid`, removed so it is used once. */
  take(uuid: string, neighbour: string): Reply | undefined {
    if (stryMutAct_9fa48("1671")) {
      {}
    } else {
      stryCov_9fa48("1671");
      const key = keyOf(uuid, neighbour);
      const ch = this.byKey.get(key);
      if (stryMutAct_9fa48("1674") ? false : stryMutAct_9fa48("1673") ? true : stryMutAct_9fa48("1672") ? ch : (stryCov_9fa48("1672", "1673", "1674"), !ch)) return undefined;
      this.byKey.delete(key);
      clearTimeout(ch.timer);
      return ch.reply;
    }
  }

  /** Releases every held exchange empty (the runner is closing). */
  releaseAll(): void {
    if (stryMutAct_9fa48("1675")) {
      {}
    } else {
      stryCov_9fa48("1675");
      for (const [key, ch] of this.byKey) {
        if (stryMutAct_9fa48("1676")) {
          {}
        } else {
          stryCov_9fa48("1676");
          this.byKey.delete(key);
          clearTimeout(ch.timer);
          ch.reply(undefined);
        }
      }
    }
  }
}