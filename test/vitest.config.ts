import { packageConfig } from '../vitest.shared.ts';

export default packageConfig({ testTimeout: 60_000, fileParallelism: false });
