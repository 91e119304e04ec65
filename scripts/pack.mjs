#!/usr/bin/env node
/**
 * Packs every publishable workspace (every one not `private`) into tarballs ready for
 * `npm publish <tarball>`, with its sibling @cellwire/* dependencies pinned.
 *
 *   node scripts/pack.mjs [--out DIR] [--json]
 *
 * In the repository siblings depend on each other as `"*"` (npm workspaces link them). A
 * published package must name the exact version it was released with (they move together,
 * .changeset/config.json), so after `npm pack --pack-destination DIR -w <name>` this rewrites
 * package/package.json inside each tarball: every `"*"` sibling in dependencies,
 * devDependencies, peerDependencies and optionalDependencies becomes that sibling's current
 * version. The working tree is never written to: the rewrite happens on the tarball's bytes
 * (one tar entry replaced, the others copied as they are), so an error, Ctrl-C or a
 * concurrent edit cannot leave a package.json changed.
 *
 * Needs the packages built (dist/). Prints one line per tarball (name, version, size, what
 * was pinned), or with --json one object per tarball: { name, version, file, size,
 * unpackedSize, entryCount, pinned }. Exit 1 on any problem: a sibling named by a range that
 * is neither "*" nor the exact version, a dependency on a private workspace, a failed pack.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
const SCOPE = '@cellwire/';

/** Every workspace of the root package.json: { name, version, private, dir }. */
export function workspaces() {
  const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return rootPkg.workspaces.map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    return { name: pkg.name, version: pkg.version, private: pkg.private === true, dir };
  });
}

/**
 * The package.json to publish: `"*"` siblings pinned to their versions. Returns the new
 * object and the list of `field:name@version` it pinned; throws on a sibling it cannot pin.
 */
export function pinSiblings(pkg, versions, privates) {
  const out = structuredClone(pkg);
  const pinned = [];
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(out[field] ?? {})) {
      if (!dep.startsWith(SCOPE)) continue;
      const version = versions.get(dep);
      if (version === undefined) throw new Error(`${pkg.name}: ${field} names ${dep}, which is no workspace of this repository`);
      if (privates.has(dep) && field !== 'devDependencies') throw new Error(`${pkg.name}: ${field} names ${dep}, a private workspace that is never published`);
      if (range === '*') {
        out[field][dep] = version;
        pinned.push(`${field === 'dependencies' ? '' : `${field}:`}${dep}@${version}`);
      } else if (range !== version) {
        throw new Error(`${pkg.name}: ${field}.${dep} is "${range}"; siblings are "*" in the repository (pinned when packed) or exactly ${version}`);
      }
    }
  }
  return { pkg: out, pinned };
}

// ------------------------------------------------------------------ tar (ustar, as npm writes it)

const BLOCK = 512;

function field(header, offset, length) {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** The entries of a tar archive: { path, type, header offset, data offset, size }. */
export function tarEntries(tar) {
  const entries = [];
  let off = 0;
  while (off + BLOCK <= tar.length) {
    const header = tar.subarray(off, off + BLOCK);
    if (header.every((b) => b === 0)) break;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    entries.push({ path: prefix ? `${prefix}/${name}` : name, type, offset: off, dataOffset: off + BLOCK, size });
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return { entries, end: off };
}

/** `tar` with the regular file at `entryPath` replaced by `data`; every other byte as it was. */
export function replaceTarEntry(tar, entryPath, data) {
  const { entries, end } = tarEntries(tar);
  const hit = entries.filter((e) => e.path === entryPath && (e.type === '0' || e.type === '\0'));
  if (hit.length !== 1) throw new Error(`expected one file ${entryPath} in the tarball, found ${hit.length}`);
  const e = hit[0];
  // A pax header before it could carry the old size; npm writes none for a short file.
  const before = entries[entries.indexOf(e) - 1];
  if (before && (before.type === 'x' || before.type === 'X') && /\d+ size=/.test(tar.subarray(before.dataOffset, before.dataOffset + before.size).toString('utf8'))) {
    throw new Error(`${entryPath}: its pax header sets a size; cannot replace it`);
  }
  const header = Buffer.from(tar.subarray(e.offset, e.offset + BLOCK));
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  const pad = Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK);
  const next = e.dataOffset + Math.ceil(e.size / BLOCK) * BLOCK;
  return Buffer.concat([tar.subarray(0, e.offset), header, data, pad, tar.subarray(next, end), tar.subarray(end)]);
}

/** Reads one file of a .tgz. */
export function readTgzFile(tgz, entryPath) {
  const tar = gunzipSync(tgz);
  const e = tarEntries(tar).entries.find((x) => x.path === entryPath);
  return e ? tar.subarray(e.dataOffset, e.dataOffset + e.size) : undefined;
}

/** Rewrites package/package.json of one .tgz file in place; returns what it pinned and the sizes. */
export function pinTarball(file, versions, privates) {
  const tar = gunzipSync(readFileSync(file));
  const text = readTgzFile(readFileSync(file), 'package/package.json');
  if (!text) throw new Error(`${file}: no package/package.json`);
  const { pkg, pinned } = pinSiblings(JSON.parse(text.toString('utf8')), versions, privates);
  const out = pinned.length > 0 ? replaceTarEntry(tar, 'package/package.json', Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`)) : tar;
  const tgz = gzipSync(out, { level: 9 });
  writeFileSync(file, tgz);
  const { entries } = tarEntries(out);
  const files = entries.filter((e) => e.type === '0' || e.type === '\0');
  return { name: pkg.name, version: pkg.version, pinned, size: tgz.length, unpackedSize: files.reduce((n, e) => n + e.size, 0), entryCount: files.length };
}

function parseArgv(argv) {
  const opts = { out: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--out') opts.out = argv[++i];
    else if (a.startsWith('--out=')) opts.out = a.slice(6);
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (opts.out === '') throw new Error('--out needs a directory');
  return opts;
}

const USAGE = 'usage: node scripts/pack.mjs [--out DIR] [--json]   (DIR default: a new temp directory)';

function main(argv) {
  let opts;
  try {
    opts = parseArgv(argv);
  } catch (e) {
    console.error(`pack: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const all = workspaces();
  const versions = new Map(all.map((w) => [w.name, w.version]));
  const privates = new Set(all.filter((w) => w.private).map((w) => w.name));
  const publish = all.filter((w) => !w.private);
  const out = path.resolve(opts.out ?? mkdtempSync(path.join(tmpdir(), 'cellwire-packs-')));
  mkdirSync(out, { recursive: true });
  // npm writes only into --pack-destination; a fresh scratch dir keeps stale tarballs out.
  const scratch = mkdtempSync(path.join(tmpdir(), 'cellwire-pack-'));
  try {
    const args = ['pack', '--json', '--pack-destination', scratch, ...publish.flatMap((w) => ['-w', w.name])];
    const packed = JSON.parse(execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 }));
    const results = [];
    for (const p of packed) {
      const from = path.join(scratch, p.filename);
      const to = path.join(out, p.filename);
      writeFileSync(to, readFileSync(from));
      const r = pinTarball(to, versions, privates);
      results.push({ ...r, file: to });
    }
    const missing = publish.filter((w) => !results.some((r) => r.name === w.name));
    if (missing.length > 0) throw new Error(`npm pack made no tarball for ${missing.map((w) => w.name).join(', ')}`);
    if (opts.json) {
      console.log(JSON.stringify(results, null, 2));
    } else {
      for (const r of results) {
        console.log(`${`${r.name}@${r.version}`.padEnd(34)} ${String(r.size).padStart(8)} B packed ${String(r.unpackedSize).padStart(9)} B unpacked ${String(r.entryCount).padStart(3)} files  pinned: ${r.pinned.join(', ') || 'none'}`);
      }
      console.log(`pack: ${results.length} tarballs in ${out}`);
    }
    return 0;
  } catch (e) {
    console.error(`pack: ${e.message}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
