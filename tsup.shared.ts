// Shared tsup settings: every package ships ESM + CJS + .d.ts from src/index.ts.
import { defineConfig, type Options } from 'tsup';

export function packageBuild(extra: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: 'tsconfig.json',
    ...extra,
  });
}
