/**
 * Draws a tree of cells with their capacities, as `cellwire tree` and the demo print it:
 *
 * ```
 * api-cell                ram 120832 MB free (512 MB x 228, 2048 MB x 56) · disk 5400 GB free
 * ├── child-cell1         ram 14336 MB free (512 MB x 27, 2048 MB x 6) · disk 900 GB free
 * └── child-cell2         ram ...
 *     └── grandchild-cell1
 * ```
 */
import type { Capacities, CapacityUnits } from '@cellwire/schema';
import type { CellStateView, NeighbourView } from './service.js';
import type { TreeCell } from './subtree.js';

/** One cell in a drawing. */
export interface TreeNode {
  readonly name: string;
  /** The cell's capacities, its subtree included (what its parent sees). */
  readonly capacities?: Capacities;
  /** A short remark after the capacities: `mute`, `state not reachable`, ... */
  readonly note?: string;
  readonly children: readonly TreeNode[];
}

/**
 * The lines of a drawing, capacities aligned in one column.
 *
 * @example
 * renderTree({ name: 'api-cell', children: [{ name: 'child-cell1', children: [] }] }).join('\n');
 */
export function renderTree(root: TreeNode): string[] {
  const rows: { prefix: string; node: TreeNode }[] = [];
  const walk = (node: TreeNode, prefix: string, childPrefix: string) => {
    rows.push({ prefix, node });
    node.children.forEach((c, i) => {
      const last = i === node.children.length - 1;
      walk(c, `${childPrefix}${last ? '└── ' : '├── '}`, `${childPrefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '', '');
  const width = Math.max(...rows.map((r) => r.prefix.length + r.node.name.length)) + 2;
  return rows.map(({ prefix, node }) => {
    const label = `${prefix}${node.name}`;
    const detail = [node.capacities ? formatCapacities(node.capacities) : undefined, node.note ? `(${node.note})` : undefined]
      .filter(Boolean)
      .join(' ');
    return detail ? `${label.padEnd(width)}${detail}` : label;
  });
}

/**
 * One line for a cell's capacities.
 *
 * @example
 * formatCapacities({ ram_free: { total_mb: 2048, units_by_mb: { '512': 4 } } }); // 'ram 2048 MB free (512 MB x 4)'
 */
export function formatCapacities(c: Capacities): string {
  const parts: string[] = [];
  if (c.ram_free) parts.push(`ram ${c.ram_free.total_mb} MB free${units(c.ram_free, 'MB')}`);
  if (c.disk_free) parts.push(`disk ${Math.round(c.disk_free.total_mb / 1024)} GB free`);
  return parts.length > 0 ? parts.join(' · ') : 'no capacity reported';
}

function units(u: CapacityUnits, unit: string): string {
  const entries = Object.entries(u.units_by_mb ?? {}).sort((a, b) => Number(a[0]) - Number(b[0]));
  if (entries.length === 0) return '';
  return ` (${entries.map(([mb, n]) => `${mb} ${unit} x ${n}`).join(', ')})`;
}

/**
 * A drawing of a cell's `GET /v1/tree` answer (what `cellwire tree` prints): a child read from
 * itself with its own children; one reached over memory or AMQP `as reported over ...`; an
 * HTTP child that could not be read `as reported; its state is not reachable`.
 *
 * @example
 * renderTree(treeFromCell(await (await fetch(`${url}/v1/tree`, { headers })).json()));
 */
export function treeFromCell(cell: TreeCell): TreeNode {
  const mute = cell.mute ? 'mute' : undefined;
  let how: string | undefined;
  if (cell.source === 'parent') how = cell.unreachable !== undefined || cell.transport === 'http' ? 'as reported; its state is not reachable' : `as reported over ${cell.transport ?? '?'}`;
  const note = [mute, how].filter(Boolean).join(', ');
  return { name: cell.name, capacities: cell.capacities, ...(note ? { note } : {}), children: (cell.children ?? []).map(treeFromCell) };
}

/** Fetches a cell's `GET /v1/state`, or undefined when it cannot be had. */
export type StateFetcher = (baseUrl: string) => Promise<CellStateView | undefined>;

/**
 * Builds the tree below a cell from its state: a child whose URL is http(s) is asked for
 * its own state in turn (its HTTP API shares its message listener); any other child is
 * drawn from what it last reported to its parent, without its own children.
 */
export async function treeFromState(state: CellStateView, fetchState: StateFetcher, depth = 0): Promise<TreeNode> {
  const children = await Promise.all(state.children.map((c) => childNode(c, fetchState, depth)));
  return { name: state.name, capacities: state.capacities, children };
}

async function childNode(child: NeighbourView, fetchState: StateFetcher, depth: number): Promise<TreeNode> {
  const mute = child.mute ? 'mute' : undefined;
  const url = child.urls[0];
  if (child.transport === 'http' && url && depth < 16) {
    const state = await fetchState(url);
    if (state && state.name === child.name) {
      const node = await treeFromState(state, fetchState, depth + 1);
      return mute ? { ...node, note: mute } : node;
    }
    return { name: child.name, capacities: child.capacities, note: [mute, 'as reported; its state is not reachable'].filter(Boolean).join(', '), children: [] };
  }
  return {
    name: child.name,
    capacities: child.capacities,
    note: [mute, `as reported over ${child.transport}`].filter(Boolean).join(', '),
    children: [],
  };
}
