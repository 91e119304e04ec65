import { cpSync, rmSync } from 'node:fs';
import { packageBuild } from '../../tsup.shared.ts';

// The services' JSON Schemas, generated into the repository's schemas/ by `npm run generate`,
// are copied into this package's schemas/ (gitignored, an nx output of build) and published
// as `@cellwire/schema/schemas/<service>/<file>.json`: the file sits where its export points,
// so even node10 resolution finds it.
const SCHEMAS = ['nova-cells', 'cell-state'];

// No source maps: this package is nearly all generated code (see tsup.shared.ts).
export default packageBuild({
  sourcemap: false,
  async onSuccess() {
    rmSync('schemas', { recursive: true, force: true });
    for (const dir of SCHEMAS) cpSync(`../../schemas/${dir}`, `schemas/${dir}`, { recursive: true });
  },
});
