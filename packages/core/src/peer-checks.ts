/**
 * A peer speaks only for itself. What a neighbour sends, as a message or as a reply on an
 * exchange, must be its own to send: these checks run before the runner acts on it, so a
 * confused or hostile neighbour cannot answer for another cell or send against the tree.
 */
import { InvalidArgument } from './cell-errors.js';
import { checkEnvelope, decodeEnvelope } from './codec.js';
import { CellwireError } from './errors.js';
import type { NeighbourState } from './neighbours.js';
import { appendHop, PATH_CELL_SEP } from './routing.js';
import type { Envelope } from './wire.js';

/**
 * When the transport knows who sent a message (`from`), that cell must be the last hop of
 * its routing path, and the direction must fit the link (from a child only up, from a
 * parent only down). Throws `unauthenticated`.
 */
export function checkSender(env: Envelope, from: string | undefined, self: string, state: NeighbourState): void {
  if (from === undefined) return;
  const sep = env.routing_path.lastIndexOf(PATH_CELL_SEP);
  const last = sep < 0 ? env.routing_path : env.routing_path.slice(sep + 1);
  if (last !== from) throw new CellwireError('unauthenticated', `cell ${from} sent a message whose last hop is '${last}'`);
  const side = state.children.has(from) ? 'child' : state.parents.has(from) ? 'parent' : undefined;
  if (side === undefined) throw new CellwireError('unauthenticated', `cell ${from} is not a neighbour of ${self}`);
  const fits = side === 'child' ? env.direction === 'up' : env.direction === 'down';
  if (!fits) throw new CellwireError('unauthenticated', `cell ${from} is a ${side}: it cannot send a message going ${env.direction}`);
}

/**
 * A reply that came back on the exchange `env` was sent on, decoded and checked like any
 * message: a response, to `env`, from the neighbour `from`. Anything else throws an
 * InvalidArgument naming that neighbour, not retryable.
 */
export function decodeReply(reply: string | Envelope, env: Envelope, from: string): Envelope {
  try {
    // A value comes from a link that carries values (Link.sendValue): a copy, owned here.
    const decoded = typeof reply === 'string' ? decodeEnvelope(reply) : checkEnvelope(reply);
    if (decoded.message_type !== 'response') throw new InvalidArgument(`expected a response, got a ${decoded.message_type} message`);
    if (decoded.response_uuid !== env.uuid) throw new InvalidArgument(`the reply answers message ${decoded.response_uuid}, not ${env.uuid}`);
    const last = decoded.routing_path.slice(decoded.routing_path.lastIndexOf(PATH_CELL_SEP) + 1);
    if (last !== from) throw new InvalidArgument(`the reply claims to come from '${last}'`);
    return decoded;
  } catch (e) {
    throw new InvalidArgument(`cell ${from} answered with an unusable reply: ${(e as Error).message}`, {
      cell: appendHop(env.routing_path, from),
      retryable: false,
    });
  }
}
