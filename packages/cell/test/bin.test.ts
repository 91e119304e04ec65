/**
 * The `cellwire` executable as npm installs it: bin/cellwire.mjs, a committed file (npm links
 * a workspace's bin at `npm ci`, before any build, and only when the target exists), which
 * runs dist/cli.js. And the ESM-only build: no CommonJS copy of the executable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repo = path.resolve(pkgDir, '../..');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; files: string[] };

describe('the cellwire bin', () => {
  it('is a committed file outside dist/, shipped in the package', () => {
    const target = pkg.bin.cellwire as string;
    expect(target).toBe('./bin/cellwire.mjs');
    expect(existsSync(path.join(pkgDir, target))).toBe(true);
    expect(readFileSync(path.join(pkgDir, target), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(pkg.files).toContain('bin');
    // Not ignored by git, so a fresh clone has it.
    const ignored = spawnSync('git', ['check-ignore', '-q', path.join(pkgDir, target)], { cwd: repo });
    if (ignored.status !== 128) expect(ignored.status).toBe(1);
  });

  it('is what the lockfile records, so that npm ci links it', () => {
    const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { bin?: Record<string, string> }> };
    const recorded = lock.packages['packages/cell']?.bin ?? {};
    expect(Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, `./${v.replace(/^\.\//, '')}`]))).toEqual(pkg.bin);
  });

  it('runs the built command line', () => {
    const out = execFileSync(process.execPath, [path.join(pkgDir, 'bin/cellwire.mjs'), '--version'], { encoding: 'utf8' });
    expect(out).toBe(`cellwire ${pkg.version}\n`);
    const help = spawnSync(process.execPath, [path.join(pkgDir, 'bin/cellwire.mjs'), 'help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: cellwire <command>');
    const bad = spawnSync(process.execPath, [path.join(pkgDir, 'bin/cellwire.mjs'), 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });

  it('is built as ESM only: no cli.cjs', () => {
    expect(existsSync(path.join(pkgDir, 'dist/cli.js'))).toBe(true);
    expect(existsSync(path.join(pkgDir, 'dist/cli.cjs'))).toBe(false);
    expect(existsSync(path.join(pkgDir, 'dist/index.cjs'))).toBe(true);
  });
});
