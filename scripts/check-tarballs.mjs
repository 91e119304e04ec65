#!/usr/bin/env node
/**
 * What scripts/check-packages.sh checks in the packed tarballs beyond attw and publint:
 *
 * - imports: every bare specifier that the shipped JavaScript (dist/, bin/) imports or
 *   requires is a Node builtin or a declared dependency / peerDependency /
 *   optionalDependency (a devDependency is not installed for a user); relative imports
 *   resolve to files in the tarball. @cellwire/core in particular neither declares nor
 *   imports ajv (its validators are precompiled);
 * - siblings: no `"*"` is left for an @cellwire/* package, and every sibling is pinned to
 *   this release's version (the fixed group of .changeset/config.json);
 * - metadata: license Apache-2.0 with the repository's LICENSE file, a README.md with the
 *   install line, a CHANGELOG.md, engines.node ">=20", sideEffects, repository.directory,
 *   publishConfig.access "public";
 * - bins: each bin is in the tarball, starts with a node shebang, and is a committed file
 *   (not under dist/), so that npm can link it in a fresh clone before any build;
 * - layout: no CommonJS copy of an executable (`cli.cjs`), no source maps where the policy
 *   in tsup.shared.ts says none (schema, codegen), and source maps that embed their sources
 *   elsewhere; @cellwire/schema ships its JSON Schemas.
 *
 * Usage: node scripts/check-tarballs.mjs TARBALL...   Exit 1 naming every problem.
 */
import { builtinModules } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import ts from 'typescript';
import { tarEntries } from './pack.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LICENSE = readFileSync(path.join(root, 'LICENSE'), 'utf8');
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Packages whose tarballs carry no source maps (tsup.shared.ts explains why). */
const NO_MAPS = new Set(['@cellwire/schema', '@cellwire/codegen']);

/** The files of a .tgz: path below package/ -> Buffer. */
function unpack(file) {
  const tar = gunzipSync(readFileSync(file));
  const files = new Map();
  for (const e of tarEntries(tar).entries) {
    if (e.type !== '0' && e.type !== '\0') continue;
    files.set(e.path.replace(/^package\//, ''), tar.subarray(e.dataOffset, e.dataOffset + e.size));
  }
  return files;
}

/**
 * Module specifiers a built file imports: import and export-from declarations, and `import()`
 * and `require()` calls with a literal argument. Parsed with the TypeScript compiler, so
 * code that only writes code (cellwire-codegen's templates) is not taken for an import.
 */
export function specifiers(code, fileName = 'file.js') {
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found = new Set();
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.add(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) found.add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...found];
}

function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function checkTarball(file) {
  const problems = [];
  const files = unpack(file);
  const pkg = JSON.parse(files.get('package.json')?.toString('utf8') ?? '{}');
  const name = pkg.name ?? path.basename(file);
  const bad = (msg) => problems.push(`${name}: ${msg}`);
  const declared = new Set(['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((f) => Object.keys(pkg[f] ?? {})));

  // Imports.
  for (const [rel, buf] of files) {
    if (!/^(dist|bin)\/.*\.(c|m)?js$/.test(rel)) continue;
    for (const spec of specifiers(buf.toString('utf8'), rel)) {
      if (spec.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
        if (!files.has(target)) bad(`${rel} imports ${spec}, which is not in the tarball`);
      } else if (!BUILTINS.has(spec) && !BUILTINS.has(packageOf(spec)) && !declared.has(packageOf(spec)) && packageOf(spec) !== name) {
        bad(`${rel} imports ${spec}, which ${name} does not declare as a dependency`);
      }
    }
  }
  if (name === '@cellwire/core') {
    if (declared.has('ajv') || pkg.devDependencies?.ajv) bad('declares ajv: its validators are precompiled, it must not depend on ajv');
    for (const [rel, buf] of files) if (/\.(c|m)?js$/.test(rel) && specifiers(buf.toString('utf8'), rel).some((s) => packageOf(s) === 'ajv')) bad(`${rel} imports ajv`);
  }

  // Siblings pinned together.
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (dep.startsWith('@cellwire/') && range !== pkg.version) bad(`${field}.${dep} is "${range}", not this release's version ${pkg.version}`);
    }
  }

  // Metadata.
  if (pkg.license !== 'Apache-2.0') bad(`license is ${JSON.stringify(pkg.license)}, not "Apache-2.0"`);
  if (files.get('LICENSE')?.toString('utf8') !== LICENSE) bad('LICENSE is missing or differs from the repository LICENSE');
  const readme = files.get('README.md')?.toString('utf8');
  if (!readme) bad('no README.md');
  else if (!readme.includes(`npm install ${name}`) && !readme.includes(`npm install -D ${name}`)) bad(`README.md has no install line (npm install ${name})`);
  if (!files.has('CHANGELOG.md')) bad('no CHANGELOG.md');
  if (pkg.engines?.node !== '>=20') bad(`engines.node is ${JSON.stringify(pkg.engines?.node)}, not ">=20"`);
  if (pkg.sideEffects === undefined) bad('no sideEffects field');
  if (!pkg.repository?.directory) bad('repository has no directory');
  if (pkg.publishConfig?.access !== 'public') bad('publishConfig.access is not "public"');

  // Bins.
  for (const [bin, target] of Object.entries(typeof pkg.bin === 'string' ? { [name]: pkg.bin } : (pkg.bin ?? {}))) {
    const rel = path.posix.normalize(target);
    const buf = files.get(rel);
    if (!buf) bad(`bin ${bin} -> ${target} is not in the tarball`);
    else if (!buf.toString('utf8').startsWith('#!/usr/bin/env node')) bad(`bin ${bin} -> ${target} has no node shebang`);
    if (rel.startsWith('dist/')) bad(`bin ${bin} -> ${target} is build output: npm cannot link it in a fresh clone before the build`);
    const dir = pkg.repository?.directory;
    if (dir && !existsSync(path.join(root, dir, rel))) bad(`bin ${bin} -> ${target} is not in the repository at ${dir}/${rel}`);
  }

  // Layout.
  for (const rel of files.keys()) {
    if (/(^|\/)cli\.(cjs|d\.cts|d\.ts)(\.map)?$/.test(rel)) bad(`ships ${rel}: the executable is ESM only, and no library entry`);
    if (rel.endsWith('.map')) {
      if (NO_MAPS.has(name)) bad(`ships ${rel}: no source maps in this package (tsup.shared.ts)`);
      else {
        const map = JSON.parse(files.get(rel).toString('utf8'));
        const sources = (map.sources ?? []).length;
        if (sources > 0 && (map.sourcesContent ?? []).filter((s) => typeof s === 'string').length !== sources) bad(`${rel} does not embed its sources (the map would point at files not shipped)`);
      }
    }
  }
  if (name === '@cellwire/schema') {
    for (const rel of ['schemas/nova-cells/openapi.json', 'schemas/nova-cells/asyncapi.json', 'schemas/cell-state/openapi.json', 'schemas/nova-cells/get_host_uptime.json']) {
      if (!files.has(rel)) bad(`does not ship ${rel}`);
    }
  }
  if (name === '@cellwire/cell' && !files.has('schemas/cell-config.json')) bad('does not ship schemas/cell-config.json');
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const tarballs = process.argv.slice(2);
  if (tarballs.length === 0) {
    console.error('usage: node scripts/check-tarballs.mjs TARBALL...');
    process.exitCode = 2;
  } else {
    const problems = tarballs.flatMap(checkTarball);
    for (const p of problems) console.log(`  ${p}`);
    console.log(problems.length === 0 ? `tarballs: ${tarballs.length} checked, no problem` : `tarballs: ${problems.length} problem(s)`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  }
}
