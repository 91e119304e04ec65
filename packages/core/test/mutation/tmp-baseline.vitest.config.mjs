// TEMPORARY (deleted after the baseline measurement): the mutation config, with core's tests as they were before issue 18.
import { mergeConfig } from 'vitest/config';
import base from './vitest.config.mjs';
const before = ['codec', 'collector', 'errors', 'log-lines', 'reliability', 'reply-channels', 'routing', 'runner', 'small-modules', 'state', 'versions', 'waiters'];
const config = mergeConfig(base, {});
config.test.include = before.map((n) => `test/${n}.test.ts`);
export default config;
