import { packageConfig } from '../vitest.shared';

export default packageConfig({ testTimeout: 60_000, fileParallelism: false });
