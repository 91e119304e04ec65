/** Small pieces core's runner tests share: a logger that keeps its lines, services, a neighbour's message, a wait. */
import { makeContext, serve, type Envelope, type Logger } from '../../src/index.js';
import { testService } from '../service/gen/index.js';
import { testHandlers } from './handlers.js';

export type Line = [level: string, message: string, fields?: Record<string, unknown>];

/** A logger that keeps every line it is given, in order. */
export function lineLogger(lines: Line[]): Logger {
  const at = (l: string) => (m: string, f?: Record<string, unknown>) => void lines.push([l, m, f]);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Runner options per cell for `testTree`: the test service, and `more` of the cell's own. */
export function serving(more: (cell: string) => object = () => ({})) {
  return (cell: string) => ({ services: [serve(testService, testHandlers(cell))], ...more(cell) });
}

/** A message as neighbour `top` sends it to `mid` (its path ends with the sender), `over` changed. */
export function message(over: Partial<Envelope> = {}): Envelope {
  return {
    message_type: 'targeted',
    ctxt: makeContext({ request_id: 'req-in' }),
    method_name: 'echo',
    method_kwargs: { cell_name: 'top!mid', text: 'x' },
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid: crypto.randomUUID(),
    routing_path: 'top',
    hop_count: 1,
    max_hop_count: 10,
    target_cell: 'top!mid',
    ...over,
  };
}

/** Waits until `ok()` holds, checking every 2 ms; throws after `ms`. */
export async function until(ok: () => boolean, ms = 1000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}
