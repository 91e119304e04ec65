#!/usr/bin/env node
/**
 * `npm run mutate` (issue 18): runs Stryker over @cellwire/core (packages/core/stryker.config.mjs)
 * and turns its JSON report (reports/mutation/mutation.json) into a per-file score table.
 *
 *   npm run mutate                                  every module; rewrites the table in MUTATION.md
 *   npm run mutate -- --mutate src/routing.ts       a subset while working; prints the table only
 *   node test/mutation/run.mjs --report-only        the table of the last report, without a run (its time,
 *                                                   commit and arguments from reports/mutation/run-info.json)
 *   node test/mutation/run.mjs --report-only --json=<file>   the table of another JSON report
 *
 * Survivors listed in equivalent.mjs (mutants that cannot change behaviour) are counted in
 * their own column and listed, each with its reason; any other survivor is listed as
 * unexplained. Not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EQUIVALENT } from './equivalent.mjs';

const core = fileURLToPath(new URL('../..', import.meta.url));
const repo = path.resolve(core, '../..');
const reportFile = path.join(core, 'reports/mutation/mutation.json');
// How the last run went (its time, commit, arguments), so that --report-only tells its table as that run did.
const runInfoFile = path.join(core, 'reports/mutation/run-info.json');
const mutationMd = path.join(repo, 'MUTATION.md');
const START = '<!-- mutation-table:start -->';
const END = '<!-- mutation-table:end -->';

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
// `--json=<file>` (with --report-only): the table of another Stryker JSON report.
const jsonArg = args.find((a) => a.startsWith('--json='));
let strykerArgs = args.filter((a) => a !== '--report-only' && a !== jsonArg);
let partial = jsonArg !== undefined || strykerArgs.some((a) => a === '--mutate' || a === '-m' || a.startsWith('--mutate='));

let seconds;
if (!reportOnly) {
  const started = Date.now();
  const bin = path.join(repo, 'node_modules/.bin/stryker');
  const run = spawnSync(existsSync(bin) ? bin : 'npx', existsSync(bin) ? ['run', ...strykerArgs] : ['stryker', 'run', ...strykerArgs], {
    cwd: core,
    stdio: 'inherit',
  });
  seconds = Math.round((Date.now() - started) / 1000);
  if (run.status !== 0) {
    console.error(`stryker exited with ${run.status ?? run.signal}`);
    process.exit(run.status ?? 1);
  }
}

const report = JSON.parse(readFileSync(jsonArg ? path.resolve(jsonArg.slice('--json='.length)) : reportFile, 'utf8'));
const git = (...a) => spawnSync('git', a, { cwd: repo, encoding: 'utf8' }).stdout.trim();
let head = git('rev-parse', 'HEAD');
let dirty = git('status', '--porcelain', '--', 'packages/core/src') !== '';
let when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
if (!reportOnly) {
  writeFileSync(runInfoFile, `${JSON.stringify({ seconds, when, head, dirty, strykerArgs, partial })}\n`);
} else if (jsonArg === undefined && existsSync(runInfoFile)) {
  // The last run's report: its table says when and how that run was made, and a partial run's
  // table still goes to partial.md only.
  ({ seconds, when, head, dirty, strykerArgs, partial } = JSON.parse(readFileSync(runInfoFile, 'utf8')));
}

/** The source text a mutant replaced. */
function original(source, loc) {
  const lines = source.split('\n');
  const { start, end } = loc;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const out = [lines[start.line - 1].slice(start.column - 1)];
  for (let l = start.line; l < end.line - 1; l++) out.push(lines[l]);
  out.push(lines[end.line - 1].slice(0, end.column - 1));
  return out.join('\n');
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** The lines from the one holding `from` to the next one holding `to`, in a file's source. */
function region(source, [from, to]) {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => l.includes(from));
  const end = start < 0 ? -1 : lines.findIndex((l, i) => i > start && l.includes(to));
  return start < 0 || end < 0 ? undefined : [start + 1, end + 1];
}

function equivalentFor(file, m, text, source) {
  const within = (e) => {
    if (!e.region) return true;
    const r = region(source, e.region);
    return r !== undefined && m.location.start.line > r[0] && m.location.start.line < r[1];
  };
  return EQUIVALENT.find(
    (e) =>
      e.file === file &&
      within(e) &&
      (e.mutator === undefined || e.mutator === m.mutatorName) &&
      (e.replacement === undefined || squash(e.replacement) === squash(m.replacement ?? '')) &&
      (e.original === undefined || squash(text).includes(squash(e.original))) &&
      (e.line === undefined || Math.abs(e.line - m.location.start.line) <= (e.lineSlack ?? 15)),
  );
}

const rows = [];
const equivalents = [];
const unexplained = [];
const total = { killed: 0, survived: 0, timeout: 0, noCoverage: 0, equivalent: 0, ignored: 0, errors: 0 };
for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const c = { killed: 0, survived: 0, timeout: 0, noCoverage: 0, equivalent: 0, ignored: 0, errors: 0 };
  for (const m of file.mutants) {
    const text = original(file.source, m.location);
    switch (m.status) {
      case 'Killed':
        c.killed++;
        break;
      case 'Timeout':
        c.timeout++;
        break;
      case 'NoCoverage':
      case 'Survived': {
        const eq = equivalentFor(name, m, text, file.source);
        if (m.status === 'Survived') c.survived++;
        else c.noCoverage++;
        const at = `${name}:${m.location.start.line}`;
        const what = `\`${squash(text).slice(0, 70)}\` → \`${squash(m.replacement ?? '').slice(0, 70)}\` (${m.mutatorName})`;
        if (eq) {
          c.equivalent++;
          equivalents.push(`- ${at} ${what}: ${eq.reason}`);
        } else unexplained.push(`- ${at} ${what}${m.status === 'NoCoverage' ? ' [no coverage]' : ''}`);
        break;
      }
      case 'Ignored':
        c.ignored++;
        break;
      default:
        c.errors++;
    }
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push([name.replace(/^src\//, ''), c]);
}

const pct = (n, d) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(2)}`);
const score = (c) => pct(c.killed + c.timeout, c.killed + c.timeout + c.survived + c.noCoverage);
const scoreEq = (c) => pct(c.killed + c.timeout, c.killed + c.timeout + c.survived + c.noCoverage - c.equivalent);
const line = (name, c) =>
  `| ${name} | ${score(c)} | ${scoreEq(c)} | ${c.killed} | ${c.survived} | ${c.timeout} | ${c.noCoverage} | ${c.equivalent} | ${c.ignored} |`;

const table = [
  `Measured ${when} with \`${partial ? `npm run mutate -- ${strykerArgs.join(' ')}` : 'npm run mutate'}\`` +
    `${seconds === undefined ? '' : ` in ${Math.floor(seconds / 60)} min ${seconds % 60} s`}, at commit \`${head}\`` +
    `${dirty ? ' (working tree had uncommitted core changes)' : ''}.`,
  '',
  'Score is Stryker\'s: (killed + timeout) / (killed + timeout + survived + no coverage). "Score w/o eq." leaves out',
  'the equivalent mutants listed below (they are counted among the survivors). Ignored: mutants in code that runs only',
  'when a module loads (`ignoreStatic`).',
  '',
  '| File | Score % | Score w/o eq. % | Killed | Survived | Timeout | No coverage | Equivalent | Ignored |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  line('**all files**', total),
  ...rows.map(([n, c]) => line(n, c)),
  '',
  `### Equivalent mutants (${equivalents.length})`,
  '',
  ...(equivalents.length ? equivalents : ['None.']),
  '',
  `### Unexplained survivors (${unexplained.length})`,
  '',
  ...(unexplained.length ? unexplained : ['None.']),
].join('\n');

console.log(`\n${table}\n`);
if (partial) {
  mkdirSync(path.dirname(reportFile), { recursive: true });
  writeFileSync(path.join(path.dirname(reportFile), 'partial.md'), `${table}\n`);
} else {
  const md = existsSync(mutationMd) ? readFileSync(mutationMd, 'utf8') : `# Mutation testing of @cellwire/core\n\n${START}\n${END}\n`;
  const a = md.indexOf(START);
  const b = md.indexOf(END);
  const next = a >= 0 && b > a ? `${md.slice(0, a + START.length)}\n${table}\n${md.slice(b)}` : `${md.trimEnd()}\n\n${START}\n${table}\n${END}\n`;
  writeFileSync(mutationMd, next);
  console.log(`wrote ${path.relative(process.cwd(), mutationMd)}`);
}
