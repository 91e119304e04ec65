// TEMPORARY (deleted after the baseline measurement).
import base from '../../stryker.config.mjs';
export default { ...base, concurrency: 1, vitest: { ...base.vitest, configFile: 'test/mutation/tmp-baseline.vitest.config.mjs' }, jsonReporter: { fileName: 'reports/mutation/baseline.json' }, reporters: ['json', 'progress'] };
