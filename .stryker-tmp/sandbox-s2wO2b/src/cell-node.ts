/**
 * A runner wired to the network: listens on its URLs and links to each neighbour through
 * the transport that the neighbour URL's scheme names, so one tree can mix transports.
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
import { InvalidArgument } from './cell-errors.js';
import { MessageRunner, type RunnerOptions } from './runner.js';
import type { Link, ListenConfig, Listener, NeighbourConfig, Transport } from './transport.js';
export interface CellNodeOptions extends RunnerOptions {
  /** Transports available to this cell; each neighbour uses the one for its URL scheme. */
  readonly transports: readonly Transport[];
  /** Where this cell receives messages (one entry per transport it serves on). */
  readonly listen?: readonly Omit<ListenConfig, 'cell'>[];
  readonly parents?: readonly NeighbourConfig[];
  readonly children?: readonly NeighbourConfig[];
}

/** A running cell: its runner, listeners and links. */
export interface CellNode {
  readonly runner: MessageRunner;
  readonly listeners: readonly Listener[];
  /** Stops listening, fails open calls and closes links. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The transport serving a URL's scheme. */
export function transportFor(transports: readonly Transport[], url: string): Transport {
  if (stryMutAct_9fa48("51")) {
    {}
  } else {
    stryCov_9fa48("51");
    const scheme = stryMutAct_9fa48("53") ? url.toLowerCase() : stryMutAct_9fa48("52") ? url.slice(0, Math.max(0, url.indexOf(':'))).toUpperCase() : (stryCov_9fa48("52", "53"), url.slice(0, stryMutAct_9fa48("54") ? Math.min(0, url.indexOf(':')) : (stryCov_9fa48("54"), Math.max(0, url.indexOf(stryMutAct_9fa48("55") ? "" : (stryCov_9fa48("55"), ':'))))).toLowerCase());
    const t = transports.find(stryMutAct_9fa48("56") ? () => undefined : (stryCov_9fa48("56"), x => x.schemes.includes(scheme)));
    if (stryMutAct_9fa48("59") ? false : stryMutAct_9fa48("58") ? true : stryMutAct_9fa48("57") ? t : (stryCov_9fa48("57", "58", "59"), !t)) throw new InvalidArgument(stryMutAct_9fa48("60") ? `` : (stryCov_9fa48("60"), `no transport for '${scheme}:' URLs (${url}); have ${transports.flatMap(stryMutAct_9fa48("61") ? () => undefined : (stryCov_9fa48("61"), x => x.schemes)).join(stryMutAct_9fa48("62") ? "" : (stryCov_9fa48("62"), ', '))}`));
    return t;
  }
}

/**
 * @example
 * const node = await startCellNode({
 *   name: 'api-cell', handlers, transports: [net.transport()],
 *   listen: [{ url: 'memory://api-cell' }],
 *   children: [{ name: 'child-cell1', urls: ['memory://child-cell1'] }],
 * });
 */
export async function startCellNode(options: CellNodeOptions): Promise<CellNode> {
  if (stryMutAct_9fa48("63")) {
    {}
  } else {
    stryCov_9fa48("63");
    const runner = new MessageRunner(options);
    const links: Link[] = stryMutAct_9fa48("64") ? ["Stryker was here"] : (stryCov_9fa48("64"), []);
    const listeners: Listener[] = stryMutAct_9fa48("65") ? ["Stryker was here"] : (stryCov_9fa48("65"), []);
    const close = async () => {
      if (stryMutAct_9fa48("66")) {
        {}
      } else {
        stryCov_9fa48("66");
        await Promise.allSettled(listeners.map(stryMutAct_9fa48("67") ? () => undefined : (stryCov_9fa48("67"), l => l.close())));
        runner.close();
        await Promise.allSettled(links.map(stryMutAct_9fa48("68") ? () => undefined : (stryCov_9fa48("68"), l => l.close())));
      }
    };
    try {
      if (stryMutAct_9fa48("69")) {
        {}
      } else {
        stryCov_9fa48("69");
        for (const [side, list] of [['parent', options.parents ?? []], ['child', options.children ?? []]] as const) {
          if (stryMutAct_9fa48("70")) {
            {}
          } else {
            stryCov_9fa48("70");
            for (const n of list) {
              if (stryMutAct_9fa48("71")) {
                {}
              } else {
                stryCov_9fa48("71");
                const url = n.urls[0];
                if (stryMutAct_9fa48("74") ? false : stryMutAct_9fa48("73") ? true : stryMutAct_9fa48("72") ? url : (stryCov_9fa48("72", "73", "74"), !url)) throw new InvalidArgument(stryMutAct_9fa48("75") ? `` : (stryCov_9fa48("75"), `neighbour ${n.name} has no URL`));
                const link = transportFor(options.transports, url).connect(n, stryMutAct_9fa48("76") ? {} : (stryCov_9fa48("76"), {
                  cell: options.name
                }));
                links.push(link);
                runner.addNeighbour(side, n.name, link);
              }
            }
          }
        }
        for (const l of stryMutAct_9fa48("77") ? options.listen && [] : (stryCov_9fa48("77"), options.listen ?? (stryMutAct_9fa48("78") ? ["Stryker was here"] : (stryCov_9fa48("78"), [])))) {
          if (stryMutAct_9fa48("79")) {
            {}
          } else {
            stryCov_9fa48("79");
            listeners.push(await transportFor(options.transports, l.url).listen(stryMutAct_9fa48("80") ? {} : (stryCov_9fa48("80"), {
              ...l,
              cell: options.name
            }), runner.receive));
          }
        }
      }
    } catch (e) {
      if (stryMutAct_9fa48("81")) {
        {}
      } else {
        stryCov_9fa48("81");
        await close();
        throw e;
      }
    }
    return stryMutAct_9fa48("82") ? {} : (stryCov_9fa48("82"), {
      runner,
      listeners,
      close,
      [Symbol.asyncDispose]: close
    });
  }
}