/**
 * Message ids. Node's `randomUUID()` builds its text by concatenation: a rope of about 20
 * pieces, some 520 bytes on the heap, until something flattens it. A uuid a cell keeps (the
 * dedupe window holds every message's for minutes, waiters and collectors for a call) is
 * flattened here once, to one 36-character string of about 90 bytes.
 */
import { randomUUID } from 'node:crypto';

/**
 * A random (v4) uuid, as one flat string.
 *
 * @example
 * const uuid = newUuid(); // '0b6f9e0c-…'
 */
export function newUuid(): string {
  const id = randomUUID();
  // Reading a character flattens the rope in place (V8); the pieces become garbage at once.
  id.charCodeAt(0);
  return id;
}
