/**
 * Cell paths (reference section 1.2): names joined with `!`, always relative to the cell
 * that sent the message.
 */
// @ts-nocheck

import { CellRoutingInconsistency } from './cell-errors.js';

/** Separator between cell names in a path. */
export const PATH_CELL_SEP = '!';
/** Separator between a cell path and an item (host, id): `cell@item`. */
export const CELL_ITEM_SEP = '@';

/** `a!b!c` -> `c!b!a`. */
export function reversePath(path: string): string {
  return path.split(PATH_CELL_SEP).reverse().join(PATH_CELL_SEP);
}

/**
 * The cell that answers, named from the origin's side: the reversed routing path, or with
 * `neighbourOnly` just ourselves and the neighbour we got the message from.
 */
export function responseCellNameFromPath(routingPath: string, neighbourOnly = false): string {
  const last = routingPath.lastIndexOf(PATH_CELL_SEP);
  if (last < 0) return routingPath;
  const before = routingPath.lastIndexOf(PATH_CELL_SEP, last - 1);
  // One hop (`a!b` -> `b!a`), or only the last two cells wanted: no split and join.
  if (before < 0 || neighbourOnly) return `${routingPath.slice(last + 1)}${PATH_CELL_SEP}${routingPath.slice(before + 1, last)}`;
  return routingPath.split(PATH_CELL_SEP).reverse().join(PATH_CELL_SEP);
}

/** Appends one cell to a path (the empty path becomes the name). */
export function appendHop(path: string, name: string): string {
  return path ? `${path}${PATH_CELL_SEP}${name}` : name;
}

/** The last name of a path. */
export function lastCell(path: string): string {
  const i = path.lastIndexOf(PATH_CELL_SEP);
  return i < 0 ? path : path.slice(i + 1);
}

/** The cell before the last one on a path (the neighbour a message came from), or undefined at the origin. */
export function previousCell(path: string): string | undefined {
  const last = path.lastIndexOf(PATH_CELL_SEP);
  if (last < 0) return undefined;
  return path.slice(path.lastIndexOf(PATH_CELL_SEP, last - 1) + 1, last);
}

/** The first name of a path. */
export function firstCell(path: string): string {
  const i = path.indexOf(PATH_CELL_SEP);
  return i < 0 ? path : path.slice(0, i);
}

function countSeps(s: string): number {
  let n = 0;
  for (let i = s.indexOf(PATH_CELL_SEP); i >= 0; i = s.indexOf(PATH_CELL_SEP, i + 1)) n++;
  return n;
}

/**
 * The next cell on the way to `target`, given the path travelled so far; `null` when we
 * are the target. Throws CellRoutingInconsistency with the reference's reasons.
 */
export function nextHopName(target: string, routingPath: string): string | null {
  if (target === routingPath) return null;
  const currentHops = countSeps(routingPath);
  const destHops = countSeps(target);
  if (destHops < currentHops || !target.startsWith(routingPath + PATH_CELL_SEP)) {
    throw new CellRoutingInconsistency(`destination is ${target} but routing_path is ${routingPath}`);
  }
  const rest = target.slice(routingPath.length + 1);
  const sep = rest.indexOf(PATH_CELL_SEP);
  return sep < 0 ? rest : rest.slice(0, sep);
}

/** `cell@item`, or just the item when there is no cell. */
export function cellWithItem(cell: string | null | undefined, item: string | number): string {
  return cell ? `${cell}${CELL_ITEM_SEP}${item}` : String(item);
}

/** Splits `cell@item` at the last `@`; `[null, s]` when there is none. */
export function splitCellAndItem(s: string): [string | null, string] {
  const i = s.lastIndexOf(CELL_ITEM_SEP);
  return i < 0 ? [null, s] : [s.slice(0, i), s.slice(i + 1)];
}

/** A valid short cell name: non-empty, without `!` or `@`. */
export function isValidCellName(name: string): boolean {
  return name.length > 0 && !name.includes(PATH_CELL_SEP) && !name.includes(CELL_ITEM_SEP);
}
