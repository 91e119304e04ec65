import { defineConfig } from 'tsup';

// The generator runs on Node only, as ESM: a library entry and the bin.
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: false,
  target: 'node20',
  removeNodeProtocol: false,
  tsconfig: 'tsconfig.json',
});
