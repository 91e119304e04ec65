/** Writing generated files, or checking them (`--check`): stale, missing and stray files. */
import fs from 'node:fs';
import path from 'node:path';
import type { GeneratedFiles } from './generate.js';

/** Files under `dirs` (relative to root) that the generator did not produce. */
export function strays(root: string, dirs: readonly string[], files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) continue;
    for (const f of fs.readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (!f.isFile()) continue;
      const rel = path.relative(root, path.join(f.parentPath, f.name)).split(path.sep).join('/');
      if (!files.has(rel)) out.push(rel);
    }
  }
  return out.sort();
}

/** What is wrong with the files on disk: one line per stale, missing or stray file. */
export function problems(root: string, dirs: readonly string[], files: GeneratedFiles): string[] {
  const out: string[] = [];
  for (const [rel, content] of files) {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) out.push(`${rel} (missing)`);
    else if (fs.readFileSync(abs, 'utf8') !== content) out.push(`${rel} (stale: differs from what the generator writes)`);
  }
  for (const rel of strays(root, dirs, files)) out.push(`${rel} (stray: not generated from the methods file)`);
  return out;
}

/** Writes what changed and removes strays; returns [written, removed]. */
export function writeFiles(root: string, dirs: readonly string[], files: GeneratedFiles): [number, number] {
  let written = 0;
  for (const [rel, content] of files) {
    const abs = path.join(root, rel);
    if (fs.existsSync(abs) && fs.readFileSync(abs, 'utf8') === content) continue;
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    written++;
  }
  const extra = strays(root, dirs, files);
  for (const rel of extra) fs.rmSync(path.join(root, rel));
  return [written, extra.length];
}
