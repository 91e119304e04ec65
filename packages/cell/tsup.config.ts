import { cpSync, rmSync } from 'node:fs';
import { packageWithBins } from '../../tsup.shared.ts';

// The library (src/index.ts, ESM + CJS) and the `cellwire` executable (dist/cli.js, ESM only:
// bin/cellwire.mjs imports it; nothing requires it). The config file's JSON Schema, generated
// into the repository's schemas/ by `npm run generate`, is copied into this package's schemas/
// (gitignored, an nx output of build) and published as
// `@cellwire/cell/schemas/cell-config.json`, for a config file's `"$schema"`.
export default packageWithBins(['src/cli.ts'], {
  async onSuccess() {
    rmSync('schemas', { recursive: true, force: true });
    cpSync('../../schemas/cell-config.json', 'schemas/cell-config.json');
  },
});
