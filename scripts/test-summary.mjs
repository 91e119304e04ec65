// Sums the JSON reports vitest wrote in each workspace folder into the one line CI reads.
import fs from 'node:fs';
import path from 'node:path';

const roots = ['packages', 'tools'];
const files = [];
for (const r of roots) {
  if (!fs.existsSync(r)) continue;
  for (const d of fs.readdirSync(r)) files.push(path.join(r, d, '.vitest-result.json'));
}
files.push(path.join('test', '.vitest-result.json'));

let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of files) {
  if (!fs.existsSync(f)) continue;
  const r = JSON.parse(fs.readFileSync(f, 'utf8'));
  passed += r.numPassedTests ?? 0;
  // A file that fails to load has no failed tests but a failed suite: count it too.
  const brokenFiles = (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
  failed += (r.numFailedTests ?? 0) + brokenFiles;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
