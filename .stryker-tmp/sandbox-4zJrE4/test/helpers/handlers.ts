/** Handlers of the test service that do what each call asks (fail, wait) and say where they ran. */
// @ts-nocheck

import { CellwireError, type HandlerContext } from '../../src/index.js';
import type { Behaviour } from '../service/methods.js';
import type { TestServiceHandlers } from '../service/gen/index.js';

/** An application error, like the reference's TestingException. */
export class TestingException extends Error {
  override name = 'TestingException';
}

export function testHandlers(cell: string, notes: string[] = []): TestServiceHandlers {
  return {
    echo: async (ctx, args) => {
      await behave(ctx, args);
      return `${args.text}@${ctx.routingPath}`;
    },
    gather: async (ctx, args) => {
      await behave(ctx, args.behaviour?.[cell] ?? {});
      return ctx.routingPath;
    },
    note: (_ctx, args) => {
      notes.push(args.text);
      return null;
    },
  };
}

async function behave(ctx: HandlerContext, b: Behaviour): Promise<void> {
  if (b.delay_ms) await new Promise((r) => setTimeout(r, b.delay_ms));
  if (b.fail === 'CellwireError') throw new CellwireError('failed_precondition', 'asked to fail');
  if (b.fail) throw new TestingException(`asked to fail at ${ctx.routingPath}`);
}
