/**
 * One cell process for scripts/fuzz.mjs, chaos.mjs and soak.mjs: `cellwire serve` reduced to
 * what they need, from the sources (run with `node --expose-gc --import tsx`). Prints
 * `READY <api url>` once the cell is up; on SIGUSR2 forces a GC and prints
 * `PROBE {"rss","heapUsed","heapTotal","external","arrayBuffers"}`; closes cleanly on SIGTERM
 * or SIGINT. Anything that escapes (an uncaught exception, an unhandled rejection) ends the
 * process with code 70: the scripts count that as a crash, as they count any exit they did
 * not ask for.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../packages/cell/src/config.ts';
import { startCellService } from '../packages/cell/src/service.ts';

const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (!values.config) {
  process.stderr.write('usage: cell-probe.mjs --config FILE\n');
  process.exit(2);
}

const die = (what) => (e) => {
  process.stderr.write(`CRASH ${what}: ${e?.stack ?? String(e)}\n`);
  process.exit(70);
};
process.on('uncaughtException', die('uncaught exception'));
process.on('unhandledRejection', die('unhandled rejection'));

const cell = await startCellService(loadConfig(values.config));
process.stdout.write(`READY ${cell.url}\n`);

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`PROBE ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
});

const stop = async () => {
  await cell.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
