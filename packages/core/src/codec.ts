/**
 * The envelope codec (the reference's message_from_json / to_json): JSON text <-> Envelope.
 * Decoding checks the envelope against the generated schema and the method against the
 * dispatch table; it throws InvalidArgument / UnknownMethod, never anything else.
 */
import type { Envelope } from '@cellwire/schema';
import { InvalidArgument, UnknownMethod } from './cell-errors.js';
import { dispatchTable } from './gen/dispatch.js';
import { wireEnvelope } from './gen/validators.js';
import { jsonProblem } from './json-value.js';
import { describeValidation, type MethodEntry, type ValidateFunction } from './method-entry.js';

const validateEnvelope = wireEnvelope as ValidateFunction;

/** Encodes an envelope; the caller's objects are not touched. */
export function encodeEnvelope(env: Envelope): string {
  return JSON.stringify(env);
}

/**
 * Parses and checks one envelope. Method arguments are checked later, by the cell that runs
 * them. `parsed` is `text` already parsed by the transport, if it did (see Inbound.json).
 */
export function decodeEnvelope(text: string, parsed?: unknown): Envelope {
  let value: unknown = parsed;
  if (value === undefined) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new InvalidArgument(`message is not JSON: ${(e as Error).message}`);
    }
  }
  if (!validateEnvelope(value)) throw new InvalidArgument(`malformed envelope: ${describeValidation(validateEnvelope, 'message')}`);
  const env = value as Envelope;
  if (env.message_type !== 'broadcast' && !env.target_cell) {
    throw new InvalidArgument(`malformed envelope: a ${env.message_type} message needs target_cell`);
  }
  if (env.message_type === 'response') {
    if (env.method_name !== 'parse_responses') throw new UnknownMethod(env.method_name, 'cannot be sent as a response message');
    if (!env.response_uuid) throw new InvalidArgument('malformed envelope: a response message needs response_uuid');
  }
  return env;
}

/** The dispatch entry for a message, or UnknownMethod when the name or the message type does not fit. */
export function entryFor(env: Pick<Envelope, 'method_name' | 'message_type'>): MethodEntry {
  const entry = Object.hasOwn(dispatchTable, env.method_name) ? dispatchTable[env.method_name] : undefined;
  if (!entry) throw new UnknownMethod(env.method_name);
  const ok =
    env.message_type === 'response'
      ? entry.wire === 'parse_responses'
      : entry.wire !== 'parse_responses' && (entry.kind === 'targeted_or_broadcast' || entry.kind === env.message_type);
  if (!ok) throw new UnknownMethod(env.method_name, `cannot be sent as a ${env.message_type} message`);
  return entry;
}

/** Checks a method's arguments against its generated validator. */
export function checkArgs(entry: Pick<MethodEntry, 'wire' | 'validate'>, args: unknown): void {
  if (!entry.validate(args)) throw new InvalidArgument(`invalid arguments for ${entry.wire}: ${describeValidation(entry.validate, 'args')}`);
}

/**
 * Checks arguments a caller handed to this cell: the generated validator, and that they are
 * JSON all the way down (the validators trust `JsonValue` positions, see json-value.ts).
 */
export function checkCallerArgs(entry: Pick<MethodEntry, 'wire' | 'validate'>, args: unknown): void {
  checkArgs(entry, args);
  const problem = jsonProblem(args);
  if (problem) throw new InvalidArgument(`invalid arguments for ${entry.wire}: ${problem}`);
}
