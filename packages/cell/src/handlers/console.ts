/**
 * validate_console_port (reference section 4): load the instance (a missing one is
 * destroyed at the top, then InstanceNotFound) and ask its host whether the port is that
 * instance's console port. (consoleauth_delete_tokens, a top-only method, is in at-top.ts.)
 */
import { InstanceNotFound } from '@cellwire/core';
import type { NovaCellsHandlers } from '@cellwire/schema';
import { destroyAtTop, type Env } from './context.js';
import { validateConsolePort } from './host-manager.js';

export function consoleHandlers(env: Env): Pick<NovaCellsHandlers, 'validateConsolePort'> {
  return {
    async validateConsolePort(ctx, { instance_uuid, console_port, console_type }) {
      const inst = env.store.instances.get(instance_uuid);
      if (!inst) {
        await destroyAtTop(ctx, env, { uuid: instance_uuid });
        throw new InstanceNotFound(instance_uuid);
      }
      return validateConsolePort(inst, console_port, console_type);
    },
  };
}
