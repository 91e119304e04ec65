import { packageConfig } from '../../vitest.shared';

export default packageConfig({ testTimeout: 120_000 });
