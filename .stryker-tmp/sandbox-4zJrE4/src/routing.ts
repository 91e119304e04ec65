/**
 * Cell paths (reference section 1.2): names joined with `!`, always relative to the cell
 * that sent the message.
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
import { CellRoutingInconsistency } from './cell-errors.js';

/** Separator between cell names in a path. */
export const PATH_CELL_SEP = stryMutAct_9fa48("1719") ? "" : (stryCov_9fa48("1719"), '!');
/** Separator between a cell path and an item (host, id): `cell@item`. */
export const CELL_ITEM_SEP = stryMutAct_9fa48("1720") ? "" : (stryCov_9fa48("1720"), '@');

/** `a!b!c` -> `c!b!a`. */
export function reversePath(path: string): string {
  if (stryMutAct_9fa48("1721")) {
    {}
  } else {
    stryCov_9fa48("1721");
    return stryMutAct_9fa48("1722") ? path.split(PATH_CELL_SEP).join(PATH_CELL_SEP) : (stryCov_9fa48("1722"), path.split(PATH_CELL_SEP).reverse().join(PATH_CELL_SEP));
  }
}

/**
 * The cell that answers, named from the origin's side: the reversed routing path, or with
 * `neighbourOnly` just ourselves and the neighbour we got the message from.
 */
export function responseCellNameFromPath(routingPath: string, neighbourOnly = stryMutAct_9fa48("1723") ? true : (stryCov_9fa48("1723"), false)): string {
  if (stryMutAct_9fa48("1724")) {
    {}
  } else {
    stryCov_9fa48("1724");
    const last = routingPath.lastIndexOf(PATH_CELL_SEP);
    if (stryMutAct_9fa48("1728") ? last >= 0 : stryMutAct_9fa48("1727") ? last <= 0 : stryMutAct_9fa48("1726") ? false : stryMutAct_9fa48("1725") ? true : (stryCov_9fa48("1725", "1726", "1727", "1728"), last < 0)) return routingPath;
    const before = routingPath.lastIndexOf(PATH_CELL_SEP, stryMutAct_9fa48("1729") ? last + 1 : (stryCov_9fa48("1729"), last - 1));
    // One hop (`a!b` -> `b!a`), or only the last two cells wanted: no split and join.
    if (stryMutAct_9fa48("1732") ? before < 0 && neighbourOnly : stryMutAct_9fa48("1731") ? false : stryMutAct_9fa48("1730") ? true : (stryCov_9fa48("1730", "1731", "1732"), (stryMutAct_9fa48("1735") ? before >= 0 : stryMutAct_9fa48("1734") ? before <= 0 : stryMutAct_9fa48("1733") ? false : (stryCov_9fa48("1733", "1734", "1735"), before < 0)) || neighbourOnly)) return stryMutAct_9fa48("1736") ? `` : (stryCov_9fa48("1736"), `${stryMutAct_9fa48("1737") ? routingPath : (stryCov_9fa48("1737"), routingPath.slice(stryMutAct_9fa48("1738") ? last - 1 : (stryCov_9fa48("1738"), last + 1)))}${PATH_CELL_SEP}${stryMutAct_9fa48("1739") ? routingPath : (stryCov_9fa48("1739"), routingPath.slice(stryMutAct_9fa48("1740") ? before - 1 : (stryCov_9fa48("1740"), before + 1), last))}`);
    return stryMutAct_9fa48("1741") ? routingPath.split(PATH_CELL_SEP).join(PATH_CELL_SEP) : (stryCov_9fa48("1741"), routingPath.split(PATH_CELL_SEP).reverse().join(PATH_CELL_SEP));
  }
}

/** Appends one cell to a path (the empty path becomes the name). */
export function appendHop(path: string, name: string): string {
  if (stryMutAct_9fa48("1742")) {
    {}
  } else {
    stryCov_9fa48("1742");
    return path ? stryMutAct_9fa48("1743") ? `` : (stryCov_9fa48("1743"), `${path}${PATH_CELL_SEP}${name}`) : name;
  }
}

/** The last name of a path. */
export function lastCell(path: string): string {
  if (stryMutAct_9fa48("1744")) {
    {}
  } else {
    stryCov_9fa48("1744");
    const i = path.lastIndexOf(PATH_CELL_SEP);
    return (stryMutAct_9fa48("1748") ? i >= 0 : stryMutAct_9fa48("1747") ? i <= 0 : stryMutAct_9fa48("1746") ? false : stryMutAct_9fa48("1745") ? true : (stryCov_9fa48("1745", "1746", "1747", "1748"), i < 0)) ? path : stryMutAct_9fa48("1749") ? path : (stryCov_9fa48("1749"), path.slice(stryMutAct_9fa48("1750") ? i - 1 : (stryCov_9fa48("1750"), i + 1)));
  }
}

/** The cell before the last one on a path (the neighbour a message came from), or undefined at the origin. */
export function previousCell(path: string): string | undefined {
  if (stryMutAct_9fa48("1751")) {
    {}
  } else {
    stryCov_9fa48("1751");
    const last = path.lastIndexOf(PATH_CELL_SEP);
    if (stryMutAct_9fa48("1755") ? last >= 0 : stryMutAct_9fa48("1754") ? last <= 0 : stryMutAct_9fa48("1753") ? false : stryMutAct_9fa48("1752") ? true : (stryCov_9fa48("1752", "1753", "1754", "1755"), last < 0)) return undefined;
    return stryMutAct_9fa48("1756") ? path : (stryCov_9fa48("1756"), path.slice(stryMutAct_9fa48("1757") ? path.lastIndexOf(PATH_CELL_SEP, last - 1) - 1 : (stryCov_9fa48("1757"), path.lastIndexOf(PATH_CELL_SEP, stryMutAct_9fa48("1758") ? last + 1 : (stryCov_9fa48("1758"), last - 1)) + 1), last));
  }
}

/** The first name of a path. */
export function firstCell(path: string): string {
  if (stryMutAct_9fa48("1759")) {
    {}
  } else {
    stryCov_9fa48("1759");
    const i = path.indexOf(PATH_CELL_SEP);
    return (stryMutAct_9fa48("1763") ? i >= 0 : stryMutAct_9fa48("1762") ? i <= 0 : stryMutAct_9fa48("1761") ? false : stryMutAct_9fa48("1760") ? true : (stryCov_9fa48("1760", "1761", "1762", "1763"), i < 0)) ? path : stryMutAct_9fa48("1764") ? path : (stryCov_9fa48("1764"), path.slice(0, i));
  }
}
function countSeps(s: string): number {
  if (stryMutAct_9fa48("1765")) {
    {}
  } else {
    stryCov_9fa48("1765");
    let n = 0;
    for (let i = s.indexOf(PATH_CELL_SEP); stryMutAct_9fa48("1768") ? i < 0 : stryMutAct_9fa48("1767") ? i > 0 : stryMutAct_9fa48("1766") ? false : (stryCov_9fa48("1766", "1767", "1768"), i >= 0); i = s.indexOf(PATH_CELL_SEP, stryMutAct_9fa48("1769") ? i - 1 : (stryCov_9fa48("1769"), i + 1))) stryMutAct_9fa48("1770") ? n-- : (stryCov_9fa48("1770"), n++);
    return n;
  }
}

/**
 * The next cell on the way to `target`, given the path travelled so far; `null` when we
 * are the target. Throws CellRoutingInconsistency with the reference's reasons.
 */
export function nextHopName(target: string, routingPath: string): string | null {
  if (stryMutAct_9fa48("1771")) {
    {}
  } else {
    stryCov_9fa48("1771");
    if (stryMutAct_9fa48("1774") ? target !== routingPath : stryMutAct_9fa48("1773") ? false : stryMutAct_9fa48("1772") ? true : (stryCov_9fa48("1772", "1773", "1774"), target === routingPath)) return null;
    const currentHops = countSeps(routingPath);
    const destHops = countSeps(target);
    if (stryMutAct_9fa48("1777") ? destHops < currentHops && !target.startsWith(routingPath + PATH_CELL_SEP) : stryMutAct_9fa48("1776") ? false : stryMutAct_9fa48("1775") ? true : (stryCov_9fa48("1775", "1776", "1777"), (stryMutAct_9fa48("1780") ? destHops >= currentHops : stryMutAct_9fa48("1779") ? destHops <= currentHops : stryMutAct_9fa48("1778") ? false : (stryCov_9fa48("1778", "1779", "1780"), destHops < currentHops)) || (stryMutAct_9fa48("1781") ? target.startsWith(routingPath + PATH_CELL_SEP) : (stryCov_9fa48("1781"), !(stryMutAct_9fa48("1782") ? target.endsWith(routingPath + PATH_CELL_SEP) : (stryCov_9fa48("1782"), target.startsWith(stryMutAct_9fa48("1783") ? routingPath - PATH_CELL_SEP : (stryCov_9fa48("1783"), routingPath + PATH_CELL_SEP)))))))) {
      if (stryMutAct_9fa48("1784")) {
        {}
      } else {
        stryCov_9fa48("1784");
        throw new CellRoutingInconsistency(stryMutAct_9fa48("1785") ? `` : (stryCov_9fa48("1785"), `destination is ${target} but routing_path is ${routingPath}`));
      }
    }
    const rest = stryMutAct_9fa48("1786") ? target : (stryCov_9fa48("1786"), target.slice(stryMutAct_9fa48("1787") ? routingPath.length - 1 : (stryCov_9fa48("1787"), routingPath.length + 1)));
    const sep = rest.indexOf(PATH_CELL_SEP);
    return (stryMutAct_9fa48("1791") ? sep >= 0 : stryMutAct_9fa48("1790") ? sep <= 0 : stryMutAct_9fa48("1789") ? false : stryMutAct_9fa48("1788") ? true : (stryCov_9fa48("1788", "1789", "1790", "1791"), sep < 0)) ? rest : stryMutAct_9fa48("1792") ? rest : (stryCov_9fa48("1792"), rest.slice(0, sep));
  }
}

/** `cell@item`, or just the item when there is no cell. */
export function cellWithItem(cell: string | null | undefined, item: string | number): string {
  if (stryMutAct_9fa48("1793")) {
    {}
  } else {
    stryCov_9fa48("1793");
    return cell ? stryMutAct_9fa48("1794") ? `` : (stryCov_9fa48("1794"), `${cell}${CELL_ITEM_SEP}${item}`) : String(item);
  }
}

/** Splits `cell@item` at the last `@`; `[null, s]` when there is none. */
export function splitCellAndItem(s: string): [string | null, string] {
  if (stryMutAct_9fa48("1795")) {
    {}
  } else {
    stryCov_9fa48("1795");
    const i = s.lastIndexOf(CELL_ITEM_SEP);
    return (stryMutAct_9fa48("1799") ? i >= 0 : stryMutAct_9fa48("1798") ? i <= 0 : stryMutAct_9fa48("1797") ? false : stryMutAct_9fa48("1796") ? true : (stryCov_9fa48("1796", "1797", "1798", "1799"), i < 0)) ? stryMutAct_9fa48("1800") ? [] : (stryCov_9fa48("1800"), [null, s]) : stryMutAct_9fa48("1801") ? [] : (stryCov_9fa48("1801"), [stryMutAct_9fa48("1802") ? s : (stryCov_9fa48("1802"), s.slice(0, i)), stryMutAct_9fa48("1803") ? s : (stryCov_9fa48("1803"), s.slice(stryMutAct_9fa48("1804") ? i - 1 : (stryCov_9fa48("1804"), i + 1)))]);
  }
}

/** A valid short cell name: non-empty, without `!` or `@`. */
export function isValidCellName(name: string): boolean {
  if (stryMutAct_9fa48("1805")) {
    {}
  } else {
    stryCov_9fa48("1805");
    return stryMutAct_9fa48("1808") ? name.length > 0 && !name.includes(PATH_CELL_SEP) || !name.includes(CELL_ITEM_SEP) : stryMutAct_9fa48("1807") ? false : stryMutAct_9fa48("1806") ? true : (stryCov_9fa48("1806", "1807", "1808"), (stryMutAct_9fa48("1810") ? name.length > 0 || !name.includes(PATH_CELL_SEP) : stryMutAct_9fa48("1809") ? true : (stryCov_9fa48("1809", "1810"), (stryMutAct_9fa48("1813") ? name.length <= 0 : stryMutAct_9fa48("1812") ? name.length >= 0 : stryMutAct_9fa48("1811") ? true : (stryCov_9fa48("1811", "1812", "1813"), name.length > 0)) && (stryMutAct_9fa48("1814") ? name.includes(PATH_CELL_SEP) : (stryCov_9fa48("1814"), !name.includes(PATH_CELL_SEP))))) && (stryMutAct_9fa48("1815") ? name.includes(CELL_ITEM_SEP) : (stryCov_9fa48("1815"), !name.includes(CELL_ITEM_SEP))));
  }
}