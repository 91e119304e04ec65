import { packageBuild } from '../../tsup.shared.ts';

// Two entries: the library (src/index.ts) and the `cellwire` executable (dist/cli.js).
export default packageBuild({ entry: ['src/index.ts', 'src/cli.ts'] });
