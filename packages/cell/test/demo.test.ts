/**
 * `cellwire demo`: the 8-cell tour runs in seconds, prints the tree, the routes and the
 * results, and leaves nothing running.
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';
import { runCli } from '../src/command-line.js';

describe('cellwire demo', () => {
  it('tours the 8-cell tree and prints the key lines', async () => {
    const lines: string[] = [];
    const result = await runDemo({ print: (l) => lines.push(l) });
    const text = lines.join('\n');

    expect(result.cells).toHaveLength(8);
    expect(result.elapsedMs).toBeLessThan(10_000);

    // The tree, with capacities, in the reference layout.
    const tree = lines.filter((l) => /^ {3}\S/.test(l) && /ram \d+ MB free/.test(l));
    expect(tree.map((l) => l.slice(3).replace(/\s+ram \d+ MB free.*$/, ''))).toEqual([
      'api-cell',
      '├── child-cell1',
      '├── child-cell2',
      '│   └── grandchild-cell1',
      '├── child-cell3',
      '│   ├── grandchild-cell2',
      '│   └── grandchild-cell3',
      '└── child-cell4',
    ]);

    // Routes of the messages.
    expect(text).toMatch(/api-cell -> child-cell\d : build_instances \(targeted down, cast\)/);
    expect(text).toContain('api-cell -> child-cell2 : service_get_all (broadcast down, call)');
    expect(text).toMatch(/grandchild-cell1 -> child-cell2 : instance_update_at_top \(broadcast up, cast\)/);

    // Every instance reached the top with its cell; the grandchild one is stopped there.
    expect(Object.values(result.placed)).toHaveLength(4);
    for (const cell of Object.values(result.placed)) expect(cell).toMatch(/^api-cell(!|$)/);
    expect(Object.values(result.placed)).toContain('api-cell!child-cell2!grandchild-cell1');
    expect(text).toContain('-> demo-gc at the top: cell_name api-cell!child-cell2!grandchild-cell1');
    expect(result.stoppedState).toBe('stopped');
    expect(text).toContain('-> demo-gc at the top: vm_state stopped');

    // Services and stats from all 8 cells.
    expect(Object.keys(result.services)).toHaveLength(8);
    for (const n of Object.values(result.services)) expect(n).toBeGreaterThan(0);
    expect(result.totals.count).toBe(16);
    expect(text).toMatch(/total\s+nodes 16,/);
    expect(text).toMatch(/^Done in \d+\.\d s: \d+ messages between 8 cells \(\d+ shown above\)\.$/m);
  });

  it('runs as `cellwire demo` and exits 0', async () => {
    let out = '';
    const code = await runCli(['demo'], { stdout: (t) => (out += t), stderr: () => {} });
    expect(code).toBe(0);
    expect(out).toContain('cellwire demo: the 8-cell tree');
  });
});
