/**
 * OpenAPI 3.1 document of the cell HTTP API (packages/cell/src/api.ts): one
 * `POST /v1/call/{method}` path per method callable through the API, plus `GET /v1/state`
 * and `GET /v1/health`.
 */
import { ERROR_BODY, SchemaPool, sortedMethods, summaryOf, typedResponse, type ApiMethod, type ApiService, type JsonSchema } from './api-model.js';

/** Shared error responses: status, component name, the codes it carries. Same order in every operation. */
const ERRORS: readonly (readonly [status: string, name: string, description: string])[] = [
  ['400', 'BadRequest', 'invalid_argument (body, args or ctxt malformed), routing_inconsistency or hop_limit'],
  ['401', 'Unauthenticated', 'unauthenticated: missing or wrong bearer token'],
  ['404', 'NotFound', 'unknown_method (no such method, or an internal one) or not_found'],
  ['413', 'PayloadTooLarge', "payload_too_large: the body exceeds the cell's limit"],
  ['415', 'UnsupportedMediaType', 'unsupported_media_type: the body is not application/json'],
  ['500', 'Internal', 'internal: the cell failed to handle the request'],
  ['503', 'Unavailable', 'unavailable: the next cell cannot be reached'],
  ['504', 'Timeout', 'timeout: no answer before the deadline (timeout_s)'],
];
/** The GETs read local state only: no body to refuse, nothing to wait for. */
const GET_ERRORS = new Set(['401', '500']);

/** `ctxt` of a call: the server fills in what is missing (api.ts checkContext), so nothing is required. */
const CALL_CONTEXT: JsonSchema = {
  description: "Request context; missing fields get the reference's defaults. Absent: an admin context.",
  type: 'object',
  properties: {
    request_id: { description: 'Request id, `req-<uuid>`.', type: 'string' },
    user_id: { type: ['string', 'null'] },
    project_id: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } },
    is_admin: { type: 'boolean' },
    read_deleted: { enum: ['no', 'only', 'yes'], type: 'string' },
    timestamp: { type: 'string' },
  },
  additionalProperties: true,
};

/** The 202 body (api.ts `sendJson(res, 202, …)`). */
const CAST_ACCEPTED: JsonSchema = {
  type: 'object',
  properties: { status: { const: 'accepted' }, method: { type: 'string' }, cell: { description: 'The cell that accepted it.', type: 'string' } },
  required: ['status', 'method', 'cell'],
};

/**
 * The OpenAPI 3.1 document of one service's cell HTTP API. Deterministic: paths and
 * components are sorted, so the committed file only changes with the schema.
 *
 * @example
 * const doc = emitOpenApi(service);
 * doc.paths['/v1/call/service_get_all'].post.operationId; // 'service_get_all'
 * fs.writeFileSync('openapi.json', JSON.stringify(doc, null, 2) + '\n');
 */
export function emitOpenApi(service: ApiService): Record<string, unknown> {
  const pool = new SchemaPool('openapi-3.1', service.definitions);
  const names = {
    response: pool.addFile('Response', service.wire.response),
    remoteError: pool.addFile('RemoteError', service.wire.remoteError),
    apiError: pool.addOwn('ApiError', ERROR_BODY),
    accepted: pool.addOwn('CastAccepted', CAST_ACCEPTED),
    context: pool.addOwn('CallContext', CALL_CONTEXT),
  };
  const paths: Record<string, unknown> = {};
  for (const m of sortedMethods(service)) {
    if (!m.internal) paths[`/v1/call/${m.wire}`] = { post: callOperation(m, pool, names) };
  }
  paths['/v1/health'] = { get: getOperation('getHealth', 'Health of this cell and its links to neighbours.') };
  paths['/v1/state'] = { get: getOperation('getState', 'State of this cell: its name, neighbours, capabilities and capacities.') };
  return {
    openapi: '3.1.0',
    info: {
      title: `cellwire ${service.name} cell API`,
      version: service.version,
      description: 'Served by every cell on its listen address: run a method from this cell, read its state and health.',
    },
    servers: [{ url: 'http://127.0.0.1:7001', description: 'example: a cell listen address' }],
    security: [{ bearer: [] }],
    paths: sortKeys(paths),
    components: {
      schemas: pool.toJSON(),
      responses: Object.fromEntries(
        [...ERRORS]
          .sort(([, a], [, b]) => (a < b ? -1 : 1))
          .map(([, name, description]) => [name, { description, content: json(SchemaPool.ref(names.apiError)) }]),
      ),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

type Names = { response: string; remoteError: string; apiError: string; accepted: string; context: string };

function callOperation(m: ApiMethod, pool: SchemaPool, names: Names): Record<string, unknown> {
  const args = pool.inline(m.args, `${m.wire}_args`);
  const body: JsonSchema = {
    type: 'object',
    properties: {
      ctxt: SchemaPool.ref(names.context),
      args,
      timeout_s: { description: "Seconds to wait for the answer (default: the cell's call_timeout_s).", type: 'number', exclusiveMinimum: 0 },
    },
    additionalProperties: false,
    // An empty body means `{}`: `args` is only needed when the method has required arguments.
    ...(hasRequired(m.args) ? { required: ['args'] } : {}),
  };
  const summary = summaryOf(m.doc) ?? m.wire;
  return {
    operationId: m.wire,
    summary,
    ...(m.doc.trim() && m.doc.trim() !== summary ? { description: m.doc.trim() } : {}),
    tags: [m.kind],
    'x-cellwire': { kind: m.kind, direction: m.direction, needResponse: structuredClone(m.needResponse) },
    requestBody: { required: hasRequired(m.args), content: json(body) },
    responses: { ...successResponses(m, pool, names), ...errorResponses(ERRORS.map(([s]) => s)) },
  };
}

/** 200 when the call waits for answers, 202 when it may be a cast (both when an argument decides). */
function successResponses(m: ApiMethod, pool: SchemaPool, names: Names): Record<string, unknown> {
  const accepted = json(SchemaPool.ref(names.accepted));
  if (m.kind === 'local') return { '202': { description: 'accepted: runs in this cell', content: accepted } };
  const nr = m.needResponse;
  const [whenCall, whenCast] =
    typeof nr === 'boolean'
      ? ['', '']
      : [` (when \`${nr.arg}\` is ${!nr.negate}${nr.default ? ' or absent' : ''})`, ` (when \`${nr.arg}\` is ${!!nr.negate}${nr.default ? '' : ' or absent'})`];
  const out: Record<string, unknown> = {};
  if (nr !== false) {
    const one = typedResponse(names.response, names.remoteError, pool.inline(m.result, `${m.wire}_result`));
    out['200'] =
      m.kind === 'targeted'
        ? { description: `the target cell's Response; failure true: value is a remote error${whenCall}`, content: json(one) }
        : { description: `one Response per cell that answered${whenCall}`, content: json({ type: 'array', items: one }) };
  }
  if (nr !== true) out['202'] = { description: `cast accepted: handed to the next cell${whenCast}`, content: accepted };
  return out;
}

function getOperation(operationId: string, summary: string): Record<string, unknown> {
  return {
    operationId,
    summary,
    responses: {
      '200': { description: summary, content: json({ type: 'object', additionalProperties: true }) },
      ...errorResponses([...GET_ERRORS]),
    },
  };
}

function errorResponses(statuses: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(ERRORS.filter(([s]) => statuses.includes(s)).map(([s, name]) => [s, { $ref: `#/components/responses/${name}` }]));
}

function json(schema: JsonSchema): Record<string, unknown> {
  return { 'application/json': { schema } };
}

function hasRequired(schema: JsonSchema): boolean {
  return Array.isArray(schema.required) && schema.required.length > 0;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]!]));
}
