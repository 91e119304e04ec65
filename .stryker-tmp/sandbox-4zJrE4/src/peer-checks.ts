/**
 * A peer speaks only for itself. What a neighbour sends, as a message or as a reply on an
 * exchange, must be its own to send: these checks run before the runner acts on it, so a
 * confused or hostile neighbour cannot answer for another cell or send against the tree.
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
import { decodeEnvelope } from './codec.js';
import { CellwireError } from './errors.js';
import type { NeighbourState } from './neighbours.js';
import { appendHop, PATH_CELL_SEP } from './routing.js';
import type { Envelope } from './wire.js';

/**
 * When the transport knows who sent a message (`from`), that cell must be the last hop of
 * its routing path, and the direction must fit the link (from a child only up, from a
 * parent only down). Throws `unauthenticated`.
 */
export function checkSender(env: Envelope, from: string | undefined, self: string, state: NeighbourState): void {
  if (stryMutAct_9fa48("1458")) {
    {}
  } else {
    stryCov_9fa48("1458");
    if (stryMutAct_9fa48("1461") ? from !== undefined : stryMutAct_9fa48("1460") ? false : stryMutAct_9fa48("1459") ? true : (stryCov_9fa48("1459", "1460", "1461"), from === undefined)) return;
    const sep = env.routing_path.lastIndexOf(PATH_CELL_SEP);
    const last = (stryMutAct_9fa48("1465") ? sep >= 0 : stryMutAct_9fa48("1464") ? sep <= 0 : stryMutAct_9fa48("1463") ? false : stryMutAct_9fa48("1462") ? true : (stryCov_9fa48("1462", "1463", "1464", "1465"), sep < 0)) ? env.routing_path : stryMutAct_9fa48("1466") ? env.routing_path : (stryCov_9fa48("1466"), env.routing_path.slice(stryMutAct_9fa48("1467") ? sep - 1 : (stryCov_9fa48("1467"), sep + 1)));
    if (stryMutAct_9fa48("1470") ? last === from : stryMutAct_9fa48("1469") ? false : stryMutAct_9fa48("1468") ? true : (stryCov_9fa48("1468", "1469", "1470"), last !== from)) throw new CellwireError(stryMutAct_9fa48("1471") ? "" : (stryCov_9fa48("1471"), 'unauthenticated'), stryMutAct_9fa48("1472") ? `` : (stryCov_9fa48("1472"), `cell ${from} sent a message whose last hop is '${last}'`));
    const side = state.children.has(from) ? stryMutAct_9fa48("1473") ? "" : (stryCov_9fa48("1473"), 'child') : state.parents.has(from) ? stryMutAct_9fa48("1474") ? "" : (stryCov_9fa48("1474"), 'parent') : undefined;
    if (stryMutAct_9fa48("1477") ? side !== undefined : stryMutAct_9fa48("1476") ? false : stryMutAct_9fa48("1475") ? true : (stryCov_9fa48("1475", "1476", "1477"), side === undefined)) throw new CellwireError(stryMutAct_9fa48("1478") ? "" : (stryCov_9fa48("1478"), 'unauthenticated'), stryMutAct_9fa48("1479") ? `` : (stryCov_9fa48("1479"), `cell ${from} is not a neighbour of ${self}`));
    const fits = (stryMutAct_9fa48("1482") ? side !== 'child' : stryMutAct_9fa48("1481") ? false : stryMutAct_9fa48("1480") ? true : (stryCov_9fa48("1480", "1481", "1482"), side === (stryMutAct_9fa48("1483") ? "" : (stryCov_9fa48("1483"), 'child')))) ? stryMutAct_9fa48("1486") ? env.direction !== 'up' : stryMutAct_9fa48("1485") ? false : stryMutAct_9fa48("1484") ? true : (stryCov_9fa48("1484", "1485", "1486"), env.direction === (stryMutAct_9fa48("1487") ? "" : (stryCov_9fa48("1487"), 'up'))) : stryMutAct_9fa48("1490") ? env.direction !== 'down' : stryMutAct_9fa48("1489") ? false : stryMutAct_9fa48("1488") ? true : (stryCov_9fa48("1488", "1489", "1490"), env.direction === (stryMutAct_9fa48("1491") ? "" : (stryCov_9fa48("1491"), 'down')));
    if (stryMutAct_9fa48("1494") ? false : stryMutAct_9fa48("1493") ? true : stryMutAct_9fa48("1492") ? fits : (stryCov_9fa48("1492", "1493", "1494"), !fits)) throw new CellwireError(stryMutAct_9fa48("1495") ? "" : (stryCov_9fa48("1495"), 'unauthenticated'), stryMutAct_9fa48("1496") ? `` : (stryCov_9fa48("1496"), `cell ${from} is a ${side}: it cannot send a message going ${env.direction}`));
  }
}

/**
 * A reply that came back on the exchange `env` was sent on, decoded and checked like any
 * message: a response, to `env`, from the neighbour `from`. Anything else throws an
 * InvalidArgument naming that neighbour, not retryable.
 */
export function decodeReply(reply: string, env: Envelope, from: string): Envelope {
  if (stryMutAct_9fa48("1497")) {
    {}
  } else {
    stryCov_9fa48("1497");
    try {
      if (stryMutAct_9fa48("1498")) {
        {}
      } else {
        stryCov_9fa48("1498");
        const decoded = decodeEnvelope(reply);
        if (stryMutAct_9fa48("1501") ? decoded.message_type === 'response' : stryMutAct_9fa48("1500") ? false : stryMutAct_9fa48("1499") ? true : (stryCov_9fa48("1499", "1500", "1501"), decoded.message_type !== (stryMutAct_9fa48("1502") ? "" : (stryCov_9fa48("1502"), 'response')))) throw new InvalidArgument(stryMutAct_9fa48("1503") ? `` : (stryCov_9fa48("1503"), `expected a response, got a ${decoded.message_type} message`));
        if (stryMutAct_9fa48("1506") ? decoded.response_uuid === env.uuid : stryMutAct_9fa48("1505") ? false : stryMutAct_9fa48("1504") ? true : (stryCov_9fa48("1504", "1505", "1506"), decoded.response_uuid !== env.uuid)) throw new InvalidArgument(stryMutAct_9fa48("1507") ? `` : (stryCov_9fa48("1507"), `the reply answers message ${decoded.response_uuid}, not ${env.uuid}`));
        const last = stryMutAct_9fa48("1508") ? decoded.routing_path : (stryCov_9fa48("1508"), decoded.routing_path.slice(stryMutAct_9fa48("1509") ? decoded.routing_path.lastIndexOf(PATH_CELL_SEP) - 1 : (stryCov_9fa48("1509"), decoded.routing_path.lastIndexOf(PATH_CELL_SEP) + 1)));
        if (stryMutAct_9fa48("1512") ? last === from : stryMutAct_9fa48("1511") ? false : stryMutAct_9fa48("1510") ? true : (stryCov_9fa48("1510", "1511", "1512"), last !== from)) throw new InvalidArgument(stryMutAct_9fa48("1513") ? `` : (stryCov_9fa48("1513"), `the reply claims to come from '${last}'`));
        return decoded;
      }
    } catch (e) {
      if (stryMutAct_9fa48("1514")) {
        {}
      } else {
        stryCov_9fa48("1514");
        throw new InvalidArgument(stryMutAct_9fa48("1515") ? `` : (stryCov_9fa48("1515"), `cell ${from} answered with an unusable reply: ${(e as Error).message}`), stryMutAct_9fa48("1516") ? {} : (stryCov_9fa48("1516"), {
          cell: appendHop(env.routing_path, from),
          retryable: stryMutAct_9fa48("1517") ? true : (stryCov_9fa48("1517"), false)
        }));
      }
    }
  }
}