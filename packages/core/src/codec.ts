/**
 * The envelope codec (the reference's message_from_json / to_json): JSON text <-> Envelope.
 * Decoding bounds nesting, checks the envelope against the wire schema and a response
 * message's answers against theirs; it throws InvalidArgument, never anything else.
 * Methods are the runner's business (registry.ts): the codec knows none.
 */
import { InvalidArgument, UnknownMethod } from './cell-errors.js';
import { validateEnvelope, validateResponseMessageArgs } from './gen/wire.js';
import { copyValue, jsonProblem, nestingExceeds } from './json-value.js';
import type { JsonSchema, MethodDescriptor, ServiceInfoRef, ValidateFunction } from './service.js';
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
  return checkEnvelope(value);
}

/**
 * Checks one envelope that came as a value (Inbound.value: a fresh copy from an in-process
 * link, its nesting already bounded), as decodeEnvelope checks a parsed one.
 */
export function checkEnvelope(value: unknown): Envelope {
  dropUnknownFields(value);
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

/**
 * The envelope's fields (schemas/wire/envelope.json; a test keeps the two equal). A field a
 * newer cell adds is dropped here rather than refused, so cells upgraded one at a time keep
 * talking (docs/upgrades.md); what a field this cell knows holds is still validated.
 */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set([
  'message_type', 'ctxt', 'method_name', 'method_kwargs', 'direction', 'need_response', 'fanout', 'uuid',
  'routing_path', 'hop_count', 'max_hop_count', 'target_cell', 'response_uuid', 'run_locally', 'deadline',
  'traceparent', 'service_version', 'reply_ms',
]);

/**
 * A copy of an envelope for an in-process link (`Link.sendValue`): what `copyJson` gives, each
 * field copied by name, which V8 builds faster than a copy that learns the envelope's shape key
 * by key. Fields this version does not know are left out, as a receiver drops them. Throws
 * a RangeError when the envelope nests deeper than MAX_MESSAGE_DEPTH.
 *
 * @example
 * const copy = copyEnvelope(env); // the receiver's own objects, arguments and all
 */
export function copyEnvelope(env: Envelope): Envelope {
  const max = MAX_MESSAGE_DEPTH;
  const out = {
    message_type: copyValue(env.message_type, 1, max),
    ctxt: copyValue(env.ctxt, 1, max),
    method_name: copyValue(env.method_name, 1, max),
    method_kwargs: copyValue(env.method_kwargs, 1, max),
    direction: copyValue(env.direction, 1, max),
    need_response: copyValue(env.need_response, 1, max),
    fanout: copyValue(env.fanout, 1, max),
    uuid: copyValue(env.uuid, 1, max),
    routing_path: copyValue(env.routing_path, 1, max),
    hop_count: copyValue(env.hop_count, 1, max),
    max_hop_count: copyValue(env.max_hop_count, 1, max),
  } as Record<string, unknown>;
  // The optional ones only when present, as JSON leaves out what is undefined.
  if (env.target_cell !== undefined) out.target_cell = copyValue(env.target_cell, 1, max);
  if (env.response_uuid !== undefined) out.response_uuid = copyValue(env.response_uuid, 1, max);
  if (env.run_locally !== undefined) out.run_locally = copyValue(env.run_locally, 1, max);
  if (env.deadline !== undefined) out.deadline = copyValue(env.deadline, 1, max);
  if (env.traceparent !== undefined) out.traceparent = copyValue(env.traceparent, 1, max);
  if (env.service_version !== undefined) out.service_version = copyValue(env.service_version, 1, max);
  if (env.reply_ms !== undefined) out.reply_ms = copyValue(env.reply_ms, 1, max);
  // A required field left undefined (a malformed envelope) fails the receiver's check as an
  // absent one would.
  return out as unknown as Envelope;
}

function dropUnknownFields(value: unknown): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const o = value as Record<string, unknown>;
  for (const k in o) if (!ENVELOPE_FIELDS.has(k)) delete o[k];
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

// Descriptors are frozen and shared: one string per service, not one per message.
const versionText = new WeakMap<ServiceInfoRef, string>();

/** `nova_cells@1.0.0`: what an envelope's `service_version` says about a service. */
export function serviceVersion(service: ServiceInfoRef): string {
  let text = versionText.get(service);
  if (text === undefined) versionText.set(service, (text = `${service.name}@${service.version}`));
  return text;
}

/** A parsed `service_version`. */
export interface ParsedServiceVersion {
  readonly name: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses `name@MAJOR.MINOR.PATCH`; anything else (absent, malformed) is undefined. */
export function parseServiceVersion(text: string | undefined): ParsedServiceVersion | undefined {
  const m = text === undefined ? null : /^([a-z][a-z0-9_]*)@(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  return { name: m[1]!, major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]) };
}

/**
 * Whether a message's sender runs a newer version of `local` within the same major: same
 * service name, same major, and a higher minor (or the same minor and a higher patch). Only
 * then does a receiver drop argument properties it does not know (docs/upgrades.md).
 */
export function isNewerMinor(sender: string | undefined, local: ServiceInfoRef): boolean {
  const s = parseServiceVersion(sender);
  const l = parseServiceVersion(serviceVersion(local));
  if (!s || !l || s.name !== l.name || s.major !== l.major) return false;
  return s.minor > l.minor || (s.minor === l.minor && s.patch > l.patch);
}

/**
 * Checks the arguments of a message received from another cell and returns the arguments
 * the handler gets. Valid arguments are returned as they are. When they are not valid and the
 * sender runs a newer minor version of the method's service (`service_version`), the
 * properties this cell's schema does not know are dropped (a copy: the envelope, which may
 * travel on to cells that know them, is not touched) and the rest must be valid. Anything
 * else is `invalid_argument`, naming both versions when they differ.
 */
export function checkReceivedArgs(method: MethodDescriptor, args: Record<string, unknown>, senderVersion: string | undefined): Record<string, unknown> {
  if (method.validateArgs(args)) return args;
  if (isNewerMinor(senderVersion, method.service)) {
    const known = knownPart(method.schemas.args, args) as Record<string, unknown>;
    if (method.validateArgs(known)) return known;
  }
  const local = serviceVersion(method.service);
  const versions = senderVersion !== undefined && senderVersion !== local ? ` (sent by ${senderVersion}; this cell has ${local})` : '';
  throw new InvalidArgument(`invalid arguments for ${method.name}: ${describeValidation(method.validateArgs, 'args')}${versions}`);
}

/**
 * A successful answer's value as the caller gets it: valid as it is, or valid once the
 * object properties the caller's result schema does not know are dropped (an answer from a
 * cell on a newer minor version with a widened result). Undefined when it does not fit.
 */
export function checkResult(method: MethodDescriptor, value: unknown): { value: unknown } | undefined {
  if (method.validateResult(value)) return { value };
  if (value === null || typeof value !== 'object') return undefined;
  const known = knownPart(method.schemas.result, value);
  return method.validateResult(known) ? { value: known } : undefined;
}

type SchemaNode = { readonly [key: string]: unknown };

/**
 * A copy of `value` without the object properties `schema` does not know, at any depth
 * (through `$ref`, `anyOf`, `oneOf`, `allOf`, `properties`, `additionalProperties` and
 * `items`). A property is kept when any branch of a union knows it or leaves objects open;
 * what is kept is not checked here (the validator does that). The value is not touched.
 */
export function knownPart(schema: JsonSchema, value: unknown): unknown {
  const definitions = (schema.definitions ?? {}) as Readonly<Record<string, SchemaNode>>;
  return strip([schema], value, definitions, 0);
}

function strip(schemas: readonly SchemaNode[], value: unknown, definitions: Readonly<Record<string, SchemaNode>>, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_MESSAGE_DEPTH) return value;
  const branches = flatten(schemas, definitions);
  if (Array.isArray(value)) {
    const forIndex = (i: number): SchemaNode[] => {
      const out: SchemaNode[] = [];
      for (const b of branches) {
        if (!admits(b, 'array')) continue;
        const items = b.items;
        if (Array.isArray(items)) {
          const at = items[i] as SchemaNode | undefined;
          if (at) out.push(at);
          else if (b.additionalItems && typeof b.additionalItems === 'object') out.push(b.additionalItems as SchemaNode);
          else if (b.additionalItems !== false) return [];
        } else if (items && typeof items === 'object') out.push(items as SchemaNode);
        else return [];
      }
      return out;
    };
    return value.map((v, i) => {
      const s = forIndex(i);
      return s.length === 0 ? v : strip(s, v, definitions, depth + 1);
    });
  }
  const relevant = branches.filter((b) => admits(b, 'object'));
  if (relevant.length === 0) return value;
  const known = new Map<string, SchemaNode[]>();
  const extra: SchemaNode[] = [];
  let open = false;
  for (const b of relevant) {
    const props = (b.properties ?? {}) as Readonly<Record<string, SchemaNode>>;
    for (const [k, s] of Object.entries(props)) {
      const list = known.get(k);
      if (list) list.push(s);
      else known.set(k, [s]);
    }
    const more = b.additionalProperties;
    if (more === false) continue;
    if (more && typeof more === 'object') extra.push(more as SchemaNode);
    else open = true;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const s = known.get(k) ?? (extra.length > 0 ? extra : undefined);
    if (s) out[k] = strip(s, v, definitions, depth + 1);
    else if (open) out[k] = v;
  }
  return out;
}

/** The branches a value may match: `$ref`s resolved, `anyOf` / `oneOf` / `allOf` spread. */
function flatten(schemas: readonly SchemaNode[], definitions: Readonly<Record<string, SchemaNode>>, out: SchemaNode[] = [], depth = 0): SchemaNode[] {
  for (const s of schemas) {
    if (depth > 32) break;
    const ref = s.$ref;
    if (typeof ref === 'string') {
      const target = ref.startsWith('#/definitions/') ? definitions[ref.slice('#/definitions/'.length)] : undefined;
      if (target) flatten([target], definitions, out, depth + 1);
      continue;
    }
    let union = false;
    for (const key of ['anyOf', 'oneOf', 'allOf']) {
      const list = s[key];
      if (Array.isArray(list)) {
        union = true;
        flatten(list as SchemaNode[], definitions, out, depth + 1);
      }
    }
    if (!union || s.properties !== undefined || s.additionalProperties !== undefined || s.items !== undefined) out.push(s);
  }
  return out;
}

/** Whether a branch can describe a value of this JSON type (no `type` admits every type). */
function admits(s: SchemaNode, type: 'object' | 'array'): boolean {
  const t = s.type;
  if (t === undefined) return type === 'object' ? s.items === undefined : s.properties === undefined && s.additionalProperties === undefined;
  return Array.isArray(t) ? t.includes(type) : t === type;
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
