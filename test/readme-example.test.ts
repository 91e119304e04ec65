import { expect, it } from 'vitest';
import { smallTree } from './examples/small-tree.js';

it('the README example builds a tree, runs two handlers and calls them through the client', async () => {
  await expect(smallTree()).resolves.toEqual({ uptime: 'h1 up 3 days (api!eu)', cells: ['api!eu', 'api'], values: [[], []] });
});
