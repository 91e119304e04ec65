/**
 * The envelope codec (the reference's message_from_json / to_json): JSON text <-> Envelope.
 * Decoding bounds nesting, checks the envelope against the wire schema and a response
 * message's answers against theirs; it throws InvalidArgument, never anything else.
 * Methods are the runner's business (registry.ts): the codec knows none.
 */
import { InvalidArgument, UnknownMethod } from './cell-errors.js';
import { validateEnvelope, validateResponseMessageArgs } from './gen/wire.js';
import { jsonProblem, nestingExceeds } from './json-value.js';
import type { MethodDescriptor, ValidateFunction } from './service.js';
import type { Envelope } from './wire.js';

/** The deepest nesting a received message may have (the envelope itself takes 3 levels). */
export const MAX_MESSAGE_DEPTH = 100;

/** Name of the method every response message carries (reference `parse_responses`). */
export const RESPONSE_METHOD = 'parse_responses';

/** Encodes an envelope; the caller's objects are not touched. */
export function encodeEnvelope(env: Envelope): string {
  return JSON.stringify(env);
}

/**
 * Parses and checks one envelope. Method arguments are checked later, by the cell that runs
 * them. `parsed` is `text` already parsed by the transport, if it did (see Inbound.json).
 */
export function decodeEnvelope(text: string, parsed?: unknown): Envelope {
  // Checked on the text, before anything recurses over the value: a few KB of brackets
  // would otherwise overflow the stack of whoever serializes it next.
  if (nestingExceeds(text, MAX_MESSAGE_DEPTH)) throw new InvalidArgument(`message is nested deeper than ${MAX_MESSAGE_DEPTH} levels`);
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
    if (env.method_name !== RESPONSE_METHOD) throw new UnknownMethod(env.method_name, 'cannot be sent as a response message');
    if (!env.response_uuid) throw new InvalidArgument('malformed envelope: a response message needs response_uuid');
    if (!validateResponseMessageArgs(env.method_kwargs)) {
      throw new InvalidArgument(`malformed response message: ${describeValidation(validateResponseMessageArgs, 'method_kwargs')}`);
    }
  } else if (env.method_name === RESPONSE_METHOD) {
    throw new UnknownMethod(env.method_name, `cannot be sent as a ${env.message_type} message`);
  }
  return env;
}

/** Whether a method may travel as this message type, else UnknownMethod. */
export function checkMessageType(method: MethodDescriptor, type: Envelope['message_type']): void {
  const ok = method.kind === 'targeted_or_broadcast' ? type !== 'response' : method.kind === type;
  if (!ok) throw new UnknownMethod(method.name, `cannot be sent as a ${type} message`);
}

/** Checks a method's arguments against its generated validator. */
export function checkArgs(method: MethodDescriptor, args: unknown): void {
  if (!method.validateArgs(args)) throw new InvalidArgument(`invalid arguments for ${method.name}: ${describeValidation(method.validateArgs, 'args')}`);
}

/**
 * Checks arguments a caller handed to this cell: the generated validator, and that they are
 * JSON all the way down (the validators trust `JsonValue` positions, see json-value.ts).
 */
export function checkCallerArgs(method: MethodDescriptor, args: unknown): void {
  checkArgs(method, args);
  const problem = jsonProblem(args);
  if (problem) throw new InvalidArgument(`invalid arguments for ${method.name}: ${problem}`);
}

/** Formats the first validation error as `path: message`. */
export function describeValidation(validate: ValidateFunction, what: string): string {
  const e = validate.errors?.[0];
  if (!e) return `${what} is invalid`;
  const where = e.instancePath ? `${what}${e.instancePath.replace(/\//g, '.')}` : what;
  const extra = e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}
