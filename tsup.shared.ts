// Shared tsup settings: every package ships ESM + CJS + .d.ts/.d.cts from src/index.ts.
//
// Source maps, per package (`sourcemap` below): a map embeds the sources it maps to
// (sourcesContent), so it is worth shipping only where someone will step into the code.
// - core, client, transports, cell: yes. Hand-written code, bundled into one file per format
//   with its doc comments stripped; the map takes a stack trace (node --enable-source-maps) or
//   a debugger back to the commented TypeScript, which is what a user reads when a deadline,
//   a broadcast or a link misbehaves. The price is real: the maps are about two thirds of
//   these tarballs (core: 113 of 207 kB packed).
// - schema: no. Nearly all of it is generated (descriptors, schema values, ajv standalone
//   validators): mapping back to generated TypeScript tells nobody anything, and its maps
//   were 1.9 MB of 3.7 MB unpacked.
// - codegen: no (tools/codegen/tsup.config.ts). A build-time tool whose errors are messages,
//   not stack traces; its unminified ESM is readable as it is.
import { rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const base: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Node >= 20 everywhere: keep `node:` specifiers (clear builtins, no npm look-alikes).
  removeNodeProtocol: false,
  tsconfig: 'tsconfig.json',
};

/** A library: src/index.ts as ESM and CJS, with types for both. */
export function packageBuild(extra: Options = {}) {
  return defineConfig({ ...base, ...extra });
}

/**
 * A library plus executables: the library as ESM and CJS (src/index.ts), each executable as
 * ESM only (a bin is run by node, never `require`d), sharing the ESM build's chunks. `dist/`
 * is emptied once here: two configs cleaning it in parallel would race. `onSuccess` runs once,
 * after the ESM build.
 */
export function packageWithBins(bins: readonly string[], extra: Options = {}) {
  return defineConfig(() => {
    rmSync('dist', { recursive: true, force: true });
    const { onSuccess, ...rest } = extra;
    const common: Options = { ...base, clean: false, dts: { entry: 'src/index.ts' }, ...rest };
    return [
      { ...common, entry: ['src/index.ts', ...bins], format: ['esm'], ...(onSuccess ? { onSuccess } : {}) },
      { ...common, entry: ['src/index.ts'], format: ['cjs'] },
    ];
  });
}
