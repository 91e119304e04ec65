/**
 * The runner's log lines about a message carry structured fields (request id, trace id,
 * method, uuid) for structured logs downstream; a response message's line carries its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeContext, serve, type Logger } from '../src/index.js';
import { testHandlers } from './helpers/handlers.js';
import { testTree, type TestTree } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

let tree: TestTree | undefined;
afterEach(() => tree?.close());

type Line = [level: string, message: string, fields: Record<string, unknown> | undefined];

function capturing(lines: Line[]): Logger {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push([level, message, fields]);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${TRACE}-00f067aa0ba902b7-01`;

describe('log lines', () => {
  it('name the message a broadcast could not deliver, with the error code', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, (cell) => ({ services: [serve(testService, testHandlers(cell))], logger: capturing(lines) }));
    tree.stop('top');
    // The caller is told (the cast was not handed on), and the line names the message.
    await expect(tree.cell('mid').invoke(testService.methods.note, makeContext({ request_id: 'req-note' }), { text: 'hi' }, { traceparent })).rejects.toMatchObject({
      code: 'unavailable',
      cell: 'mid!top',
    });
    const line = lines.find(([, m]) => m.startsWith('broadcast note could not reach'));
    expect(line?.[2]).toEqual({ request_id: 'req-note', trace_id: TRACE, method: 'note', uuid: expect.any(String), code: 'unavailable' });
  });

  it('name a refused message when it could be decoded, with its sender', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, (cell) => ({ services: [serve(testService, testHandlers(cell))], logger: capturing(lines) }));
    const env = {
      message_type: 'targeted',
      ctxt: makeContext({ request_id: 'req-forged' }),
      method_name: 'echo',
      method_kwargs: { cell_name: 'top!mid', text: 'x' },
      direction: 'down',
      need_response: false,
      fanout: false,
      uuid: 'forged-1',
      routing_path: 'elsewhere',
      hop_count: 1,
      max_hop_count: 10,
      target_cell: 'top!mid',
    };
    await tree.cell('mid').receive({ data: JSON.stringify(env), from: 'top' });
    await tree.cell('mid').receive({ data: '{not json', from: 'top' });
    const refused = lines.filter(([, m]) => m.startsWith('refused a message'));
    expect(refused.map(([, , f]) => f)).toEqual([{ request_id: 'req-forged', method: 'echo', uuid: 'forged-1', from: 'top' }, { from: 'top' }]);
  });

  it("name a late response by the response message's own fields", async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, (cell) => ({ services: [serve(testService, testHandlers(cell))], logger: capturing(lines) }));
    const late = {
      message_type: 'response',
      ctxt: makeContext({ request_id: 'req-late' }),
      method_name: 'parse_responses',
      method_kwargs: { responses: [{ cell_name: 'top!mid', value: 'x', failure: false }] },
      direction: 'up',
      need_response: false,
      fanout: false,
      uuid: 'response-1',
      routing_path: 'mid',
      hop_count: 1,
      max_hop_count: 10,
      target_cell: 'mid!top',
      response_uuid: 'long-gone',
      traceparent,
    };
    await tree.cell('top').receive({ data: JSON.stringify(late), from: 'mid' });
    expect(tree.cell('top').stats.lateResponses).toBe(1);
    const line = lines.find(([, m]) => m.startsWith('dropped a late response for long-gone'));
    expect(line?.[2]).toEqual({ request_id: 'req-late', trace_id: TRACE, method: 'parse_responses', uuid: 'response-1' });
  });
});
