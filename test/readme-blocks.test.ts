/**
 * Every ```ts block of README.md, docs/*.md, packages/*\/README.md and tools/*\/README.md is
 * type-checked with the TypeScript compiler, strict, with the workspace's path aliases
 * (tsconfig.base.json: @cellwire/* -> packages/*\/src), so an example that drifts from the
 * API fails here.
 *
 * - Each block is its own module (top-level await allowed), in `src/` of a folder per
 *   document. `<!-- file: src/methods.ts -->` just before a block names its file instead.
 * - A document with a `src/methods.ts` block is run through cellwire-codegen first, exactly
 *   as "Your own methods" says (`--methods src/methods.ts --out src/gen --schemas schemas`),
 *   so its other blocks can import `./gen/index.js` as a reader's project would.
 * - `<!-- fragment -->` just before a block skips it (a few-line excerpt that cannot stand
 *   alone). Keep those few: the count is pinned below.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as codegen } from '../tools/codegen/src/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Fragments allowed across all documents; raise it only for a block that cannot stand alone. */
const MAX_FRAGMENTS = 3;

interface Block {
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  readonly fragment: boolean;
  /** Name given by `<!-- file: NAME -->`, relative to the document's folder. */
  readonly file: string | undefined;
}

function documents(): string[] {
  const docs = ['README.md'];
  const add = (dir: string, pick: (name: string) => string | undefined) => {
    for (const name of readdirSync(path.join(root, dir)).sort()) {
      const rel = pick(name);
      if (rel && existsSync(path.join(root, dir, rel))) docs.push(path.posix.join(dir, rel));
    }
  };
  add('docs', (n) => (n.endsWith('.md') ? n : undefined));
  add('packages', (n) => `${n}/README.md`);
  add('tools', (n) => `${n}/README.md`);
  return docs;
}

/** The ```ts / ```typescript blocks of one markdown document. */
function extractBlocks(doc: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = (open[1] as string).length;
    const fence = open[2] as string;
    // The last non-blank line before the fence may be a directive.
    let j = i - 1;
    while (j >= 0 && (lines[j] as string).trim() === '') j--;
    const before = j >= 0 ? (lines[j] as string).trim() : '';
    const body: string[] = [];
    let k = i + 1;
    for (; k < lines.length; k++) {
      const l = lines[k] as string;
      if (l.trim().startsWith(fence) && l.trim().replace(/[`~]/g, '') === '') break;
      body.push(l.slice(Math.min(indent, l.length - l.trimStart().length)));
    }
    if (k === lines.length) throw new Error(`${doc}:${i + 1}: unclosed code block`);
    blocks.push({
      doc,
      line: i + 1,
      code: `${body.join('\n')}\n`,
      fragment: before === '<!-- fragment -->',
      file: /^<!--\s*file:\s*(\S+)\s*-->$/.exec(before)?.[1],
    });
    i = k;
  }
  return blocks;
}

const blocks = documents().flatMap((doc) => extractBlocks(doc, readFileSync(path.join(root, doc), 'utf8')));
const checked = blocks.filter((b) => !b.fragment);

describe('README and docs TypeScript blocks', () => {
  let work: string;
  const fileOf = new Map<Block, string>();
  let diagnostics: readonly ts.Diagnostic[] = [];
  let program: ts.Program;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cellwire-readme-blocks-'));
    const typeRoots = [path.join(root, 'node_modules/@types')];
    // One folder per document, its blocks in src/: the layout "Your own methods" describes.
    const byDoc = new Map<string, Block[]>();
    for (const b of checked) byDoc.set(b.doc, [...(byDoc.get(b.doc) ?? []), b]);
    for (const [doc, list] of byDoc) {
      const dir = path.join(work, doc.replace(/[^A-Za-z0-9]+/g, '-'));
      mkdirSync(path.join(dir, 'src'), { recursive: true });
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: path.join(root, 'tsconfig.base.json'), compilerOptions: { typeRoots, noEmit: true }, include: ['src/**/*.ts'] }),
      );
      for (const b of list) {
        const file = path.join(dir, b.file ?? `src/block-${b.line}.ts`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, b.code);
        fileOf.set(b, file);
      }
      if (list.some((b) => b.file === 'src/methods.ts')) {
        const log: string[] = [];
        const code = codegen(['--methods', 'src/methods.ts', '--out', 'src/gen', '--schemas', 'schemas', '--tsconfig', 'tsconfig.json'], (l) => log.push(l), dir);
        if (code !== 0) throw new Error(`cellwire-codegen on ${doc}'s src/methods.ts exited ${code}:\n${log.join('\n')}`);
      }
    }
    // The workspace's compiler options, strict, every block a module.
    const base = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.base.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (!base) throw new Error('cannot read tsconfig.base.json');
    const options: ts.CompilerOptions = {
      ...base.options,
      strict: true,
      noEmit: true,
      typeRoots,
      moduleDetection: ts.ModuleDetectionKind.Force,
    };
    program = ts.createProgram({ rootNames: [...fileOf.values()], options });
    diagnostics = ts.getPreEmitDiagnostics(program);
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('finds the blocks, and only a few fragments', () => {
    expect(checked.length).toBeGreaterThanOrEqual(5);
    expect(blocks.filter((b) => b.fragment).length).toBeLessThanOrEqual(MAX_FRAGMENTS);
  });

  it('reports no error in the code generated for the documents, nor a global one', () => {
    const blockFiles = new Set(fileOf.values());
    const elsewhere = diagnostics.filter((d) => {
      if (!d.file) return true;
      const f = path.resolve(d.file.fileName);
      return f.startsWith(work) && !blockFiles.has(f);
    });
    expect(elsewhere.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it.each(checked.map((b) => [`${b.doc}:${b.line}`, b] as const))('%s compiles under strict', (_, block) => {
    const file = fileOf.get(block) as string;
    const problems = diagnostics
      .filter((d) => d.file && path.resolve(d.file.fileName) === file)
      .map((d) => {
        const { line, character } = (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start ?? 0);
        // The fence is block.line; the block's first line is the next one.
        return `${block.doc}:${block.line + 1 + line}:${character + 1}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  });
});
