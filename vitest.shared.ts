// One place that maps every @cellwire/* import to its source, so tests run against src
// without a build and see the same module instance everywhere.
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkgs = ['schema', 'core', 'client', 'transport-memory', 'transport-http', 'transport-amqp', 'otel', 'cell'];

export const alias = Object.fromEntries(pkgs.map((p) => [`@cellwire/${p}`, `${root}packages/${p}/src/index.ts`]));

/** Vitest config for one workspace folder; writes .vitest-result.json for the summary line. */
export function packageConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { alias },
    test: {
      include: ['test/**/*.test.ts', '*.test.ts', '**/*.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**'],
      reporters: ['default', ['json', { outputFile: '.vitest-result.json' }]],
      passWithNoTests: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
