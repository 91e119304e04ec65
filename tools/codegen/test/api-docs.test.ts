/**
 * The OpenAPI and AsyncAPI emitters against the committed schemas (schemas/), checked by the
 * third-party validators themselves: @apidevtools/swagger-parser (OpenAPI 3.1) and
 * @asyncapi/parser (AsyncAPI 3.0, its spectral ruleset).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser, DiagnosticSeverity, type Input } from '@asyncapi/parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { ApiMethod, ApiService, JsonSchema } from '../src/api-model.js';
import { emitAsyncApi } from '../src/emit-asyncapi.js';
import { emitOpenApi } from '../src/emit-openapi.js';

const schemasDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schemas');
const readJson = (file: string): JsonSchema => JSON.parse(fs.readFileSync(path.join(schemasDir, file), 'utf8')) as JsonSchema;

/** Routing of a few methods as the method table has it; every other method is a plain targeted call. */
const ROUTING: Record<string, Partial<ApiMethod>> = {
  service_get_all: { kind: 'broadcast', direction: 'down', needResponse: true },
  get_host_uptime: { kind: 'targeted', direction: 'down', needResponse: true },
  stop_instance: { kind: 'targeted', direction: 'down', needResponse: { arg: 'do_cast', negate: true, default: false } },
  instance_update_at_top: { kind: 'broadcast', direction: 'up', needResponse: false },
  compute_node_get_all: { kind: 'targeted_or_broadcast', direction: 'down', needResponse: true },
  sync_instances: { kind: 'local', direction: 'down', needResponse: false },
  update_capabilities: { kind: 'targeted', direction: 'up', needResponse: false, internal: true, fanout: true },
  update_capacities: { kind: 'targeted', direction: 'up', needResponse: false, internal: true, fanout: true },
  announce_capabilities: { kind: 'targeted', direction: 'down', needResponse: false, internal: true },
  announce_capacities: { kind: 'targeted', direction: 'down', needResponse: false, internal: true },
  tell_parents_our_capabilities: { kind: 'targeted', direction: 'up', needResponse: false, sends: 'update_capabilities', fanout: true },
};

/** Method files live in one folder per service (nova-cells, cell-state); `wire/` holds the wire schemas. */
function buildService(): ApiService {
  const definitions: Record<string, JsonSchema> = {};
  const methods: ApiMethod[] = [];
  const folders = fs.readdirSync(schemasDir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'wire');
  for (const folder of folders.map((d) => d.name).sort()) {
    for (const file of fs.readdirSync(path.join(schemasDir, folder)).filter((f) => f.endsWith('.json') && !/^(openapi|asyncapi)\.json$/.test(f)).sort()) {
      const s = readJson(`${folder}/${file}`);
      const props = s.properties as { args: JsonSchema; result: JsonSchema };
      // Each file carries the definitions it uses; the same name is the same type across files.
      Object.assign(definitions, s.definitions ?? {});
      const wire = String(s.title);
      methods.push({
        wire,
        doc: String(s.description ?? ''),
        kind: 'targeted',
        direction: 'down',
        needResponse: true,
        internal: false,
        args: props.args,
        result: props.result,
        ...ROUTING[wire],
      });
    }
  }
  return {
    name: 'nova_cells',
    version: '1.0.0',
    methods,
    definitions,
    wire: { envelope: readJson('wire/envelope.json'), response: readJson('wire/response.json'), remoteError: readJson('wire/remote-error.json') },
  };
}

/** Validates (and dereferences) a copy: swagger-parser rewrites the object it is given. */
async function validateOpenApi(doc: Record<string, unknown>): Promise<unknown> {
  return SwaggerParser.validate(structuredClone(doc) as never);
}

async function asyncApiErrors(doc: Record<string, unknown>) {
  const { diagnostics, document } = await new Parser().parse(structuredClone(doc) as Input);
  return { document, errors: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`) };
}

/**
 * swagger-parser checks the document's structure but not inside 3.1 Schema Objects; Ajv's
 * 2020-12 dialect (the one OpenAPI 3.1 uses), strict, compiles them against the document's
 * components so tests can also check real values against them.
 */
function openApiSchemas(doc: Record<string, unknown>) {
  const id = 'https://cellwire.test/openapi.json';
  const ajv = new Ajv2020({ allErrors: true, strictTypes: false });
  ajv.addKeyword('components'); // where the schemas live, not a keyword to apply
  ajv.addSchema({ $id: id, components: { schemas: (doc.components as { schemas: unknown }).schemas } });
  return (schema: JsonSchema) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${id}#/components/`)) as JsonSchema);
}

/** Every `$ref` string in a document. */
function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) (k === '$ref' && typeof v === 'string' ? out.push(v) : refsOf(v, out));
  }
  return out;
}

/** Resolves a local JSON pointer such as `#/components/schemas/Instance`. */
function resolve(doc: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

const service = buildService();
type Op = { responses: Record<string, { content?: Record<string, { schema: JsonSchema }>; description?: string }>; requestBody: { content: Record<string, { schema: JsonSchema }> } };
const post = (doc: Record<string, unknown>, wire: string) => ((doc.paths as Record<string, { post: Op }>)[`/v1/call/${wire}`]!).post;

describe('emitOpenApi', () => {
  const doc = emitOpenApi(service);

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(validateOpenApi(doc)).resolves.toBeTruthy();
  });

  it('fails validation when broken, so the validator really runs', async () => {
    const noInfo = structuredClone(doc);
    delete noInfo.info;
    await expect(validateOpenApi(noInfo)).rejects.toThrow(/info/);
    const dangling = structuredClone(doc) as { components: { schemas: Record<string, unknown> } };
    delete dangling.components.schemas.Instance;
    await expect(validateOpenApi(dangling)).rejects.toThrow(/Instance/);
  });

  it('has one call path per non-internal method, plus state and health', () => {
    const expected = service.methods.filter((m) => !m.internal).map((m) => `/v1/call/${m.wire}`);
    expect(Object.keys(doc.paths as object).sort()).toEqual([...expected, '/v1/health', '/v1/state'].sort());
    expect(Object.keys(doc.paths as object)).toEqual(Object.keys(doc.paths as object).sort());
    expect(post(doc, 'service_get_all')).toMatchObject({ operationId: 'service_get_all', summary: 'List services in every cell (broadcast down, this cell included).' });
    expect(post(doc, 'ask_children_for_capabilities')).toMatchObject({ summary: expect.stringMatching(/per child, to which .*\.$/) });
    expect(doc.info).toMatchObject({ title: 'cellwire nova_cells cell API', version: '1.0.0' });
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('rewrites every ref to a component that exists; no #/definitions left', () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of refs) expect(resolve(doc, ref), ref).toBeDefined();
    // Booleans, not toContain: a failure should not print the whole document.
    const text = JSON.stringify(doc);
    expect(text.includes('#/definitions/'), 'a #/definitions/ ref is left').toBe(false);
    expect(/"(\$id|\$schema|definitions)"/.test(text), 'a file-only keyword is left').toBe(false);
    expect(text.includes('"prefixItems"'), 'draft-07 tuples become 2020-12 prefixItems').toBe(true);
  });

  it('gives calls a 200 Response, casts a 202, arg-decided methods both', () => {
    const uptime = post(doc, 'get_host_uptime').responses;
    expect(Object.keys(uptime)).toContain('200');
    expect(uptime['202']).toBeUndefined();
    const one = uptime['200']!.content!['application/json']!.schema;
    expect(one.allOf).toEqual([{ $ref: '#/components/schemas/Response' }]);
    expect(one.oneOf).toEqual([
      { properties: { failure: { const: false }, value: { type: 'string' } } },
      { properties: { failure: { const: true }, value: { $ref: '#/components/schemas/RemoteError' } } },
    ]);

    const all = post(doc, 'service_get_all').responses['200']!.content!['application/json']!.schema;
    expect(all).toMatchObject({ type: 'array', items: { allOf: [{ $ref: '#/components/schemas/Response' }] } });
    expect(post(doc, 'compute_node_get_all').responses['200']!.content!['application/json']!.schema.type).toBe('array');

    const cast = post(doc, 'instance_update_at_top').responses;
    expect(cast['200']).toBeUndefined();
    expect(cast['202']!.description).toBe('cast accepted: handed to the next cell');

    const stop = post(doc, 'stop_instance').responses;
    expect(stop['200']!.description).toMatch(/`do_cast` is false\)$/);
    expect(stop['202']!.description).toBe('cast accepted: handed to the next cell (when `do_cast` is true or absent)');

    expect(Object.keys(post(doc, 'sync_instances').responses)).toContain('202');
    expect(post(doc, 'sync_instances').responses['200']).toBeUndefined();
    for (const status of ['400', '401', '404', '413', '415', '500', '503', '504']) {
      expect(uptime[status]).toEqual({ $ref: expect.stringMatching(/^#\/components\/responses\//) });
    }
  });

  it('has schemas that compile as JSON Schema 2020-12 and accept real values (ajv)', () => {
    const compile = openApiSchemas(doc);
    for (const name of Object.keys((doc.components as { schemas: object }).schemas)) compile({ $ref: `#/components/schemas/${name}` });

    const uptime = compile(post(doc, 'get_host_uptime').responses['200']!.content!['application/json']!.schema);
    const remoteError = { class: 'HostNotFound', module: 'nova.exception', message: 'no host', tb: [], args: [], kwargs: { code: 'not_found', cell: 'api!c1' } };
    expect(uptime({ cell_name: 'api!c1', value: ' 10:00 up 3 days', failure: false })).toBe(true);
    expect(uptime({ cell_name: 'api!c1', value: remoteError, failure: true })).toBe(true);
    expect(uptime({ cell_name: 'api!c1', value: 3, failure: false })).toBe(false);
    expect(uptime({ cell_name: 'api!c1', value: 'x', failure: true })).toBe(false);

    // rebuild_instance's files_to_inject is a draft-07 tuple [path, contents]: still checked as one.
    const rebuild = compile(post(doc, 'rebuild_instance').requestBody.content['application/json']!.schema);
    const args = { instance: { uuid: 'u1' }, image_href: 'img', admin_password: null, files_to_inject: [['/etc/motd', 'aGk=']], preserve_ephemeral: false, kwargs: {} };
    expect(rebuild({ ctxt: { request_id: 'req-1', is_admin: true }, args, timeout_s: 5 })).toBe(true);
    expect(rebuild({ args: { ...args, files_to_inject: [['/etc/motd', 1]] } })).toBe(false);
    expect(rebuild({ args, extra: 1 })).toBe(false);
  });

  it('takes { ctxt?, args, timeout_s? } with the method args inline', () => {
    const body = post(doc, 'stop_instance').requestBody.content['application/json']!.schema as { properties: Record<string, JsonSchema>; required: string[] };
    expect(Object.keys(body.properties)).toEqual(['ctxt', 'args', 'timeout_s']);
    expect(body.required).toEqual(['args']);
    expect(body.properties.args!.properties).toMatchObject({ instance: { $ref: '#/components/schemas/Instance' } });
  });

  it('is deterministic', () => {
    const again = emitOpenApi(service);
    expect(again).toEqual(doc);
    expect(JSON.stringify(again)).toBe(JSON.stringify(doc));
    // Insertion order of the input maps does not matter either.
    const shuffled = { ...service, methods: [...service.methods].reverse(), definitions: Object.fromEntries(Object.entries(service.definitions).reverse()) };
    expect(JSON.stringify(emitOpenApi(shuffled))).toBe(JSON.stringify(doc));
  });
});

describe('emitAsyncApi', () => {
  const doc = emitAsyncApi(service);
  const messages = (doc.components as { messages: Record<string, { payload: JsonSchema }> }).messages;
  const channels = doc.channels as Record<string, { address: string; messages: Record<string, unknown> }>;

  it('parses as AsyncAPI 3.0 with no error diagnostics (@asyncapi/parser)', async () => {
    expect(doc.asyncapi).toBe('3.0.0');
    const { document, errors } = await asyncApiErrors(doc);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.messages().length).toBe(Object.keys(messages).length);
  });

  it('fails parsing when broken, so the parser really runs', async () => {
    const noInfo = structuredClone(doc);
    delete noInfo.info;
    expect((await asyncApiErrors(noInfo)).errors.length).toBeGreaterThan(0);
    const dangling = structuredClone(doc) as { components: { schemas: Record<string, unknown> } };
    delete dangling.components.schemas.Envelope;
    expect((await asyncApiErrors(dangling)).errors.join('\n')).toMatch(/Envelope/);
  });

  it('has one message per method that travels, plus response and error_reply', () => {
    const travelling = service.methods
      .filter((m) => m.kind !== 'local' && !m.sends && m.wire !== 'parse_responses')
      .map((m) => m.wire);
    expect(Object.keys(messages)).toEqual([...travelling, 'error_reply', 'response'].sort());
    expect(messages.update_capabilities).toBeDefined(); // internal, but on the wire
    expect(messages.sync_instances).toBeUndefined(); // local
    expect(messages.tell_parents_our_capabilities).toBeUndefined(); // sends update_capabilities
  });

  it('narrows the envelope per method', () => {
    const [envelope, own] = messages.service_get_all!.payload.allOf as [JsonSchema, { properties: Record<string, unknown> }];
    expect(envelope).toEqual({ $ref: '#/components/schemas/Envelope' });
    expect(own.properties).toMatchObject({ message_type: { enum: ['broadcast'] }, method_name: { const: 'service_get_all' }, direction: { const: 'down' }, need_response: { const: true } });
    const tob = (messages.compute_node_get_all!.payload.allOf as JsonSchema[])[1] as { properties: Record<string, unknown> };
    expect(tob.properties.message_type).toEqual({ enum: ['broadcast', 'targeted'] });
    const response = (messages.response!.payload.allOf as JsonSchema[])[1] as { properties: Record<string, JsonSchema> };
    expect(response.properties.method_name).toEqual({ const: 'parse_responses' });
    expect(response.properties.method_kwargs).toMatchObject({ properties: { responses: { type: 'array' } } });
  });

  it('puts messages on the channels of their kind, cell as an address parameter', () => {
    expect(Object.keys(channels)).toEqual(['targeted', 'broadcast', 'response', 'fanout', 'reply']);
    expect(channels.targeted!.address).toBe('cellwire.{cell}.targeted');
    expect(channels.reply!.address).toBe('amq.rabbitmq.reply-to');
    expect(Object.keys(channels.broadcast!.messages)).toEqual(['compute_node_get_all', 'instance_update_at_top', 'service_get_all']);
    expect(Object.keys(channels.fanout!.messages)).toEqual(['update_capabilities', 'update_capacities']);
    expect(Object.keys(channels.reply!.messages)).toEqual(['response', 'error_reply']);
    expect(channels.targeted!.messages).toHaveProperty('get_host_uptime');
    expect(channels.targeted!.messages).not.toHaveProperty('service_get_all');
  });

  it('rewrites every ref and hoists the wire definitions without clashes', () => {
    for (const ref of refsOf(doc)) expect(resolve(doc, ref), ref).toBeDefined();
    expect(JSON.stringify(doc).includes('#/definitions/'), 'a #/definitions/ ref is left').toBe(false);
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    // The envelope's JsonValue is the service's JsonValue: shared, not duplicated.
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['Envelope', 'JsonValue', 'RemoteError', 'RequestContext', 'Response', 'WireMessageType']));
    expect(Object.keys(schemas).filter((k) => k.includes('JsonValue'))).toEqual(['JsonValue']);
  });

  it('renames a clashing nested definition deterministically', async () => {
    const clash: ApiService = { ...service, definitions: { ...service.definitions, RequestContext: { type: 'string' } } };
    const a = emitAsyncApi(clash);
    const schemas = (a.components as { schemas: Record<string, unknown> }).schemas;
    expect(schemas.RequestContext).toEqual({ type: 'string' });
    expect(schemas.EnvelopeRequestContext).toMatchObject({ properties: { request_id: { type: 'string' } } });
    expect(JSON.stringify(schemas.Envelope)).toContain('#/components/schemas/EnvelopeRequestContext');
    expect((await asyncApiErrors(a)).errors).toEqual([]);
    expect(JSON.stringify(emitAsyncApi(clash))).toBe(JSON.stringify(a));
  });

  it('hands out fresh objects: rewriting one document leaves the next alone', () => {
    const first = emitAsyncApi(service) as { channels: Record<string, { parameters?: { cell: { description: string } } }> };
    first.channels.targeted!.parameters!.cell.description = 'changed';
    expect(JSON.stringify(emitAsyncApi(service))).toBe(JSON.stringify(doc));
  });

  it('is deterministic', () => {
    const again = emitAsyncApi(service);
    expect(again).toEqual(doc);
    expect(JSON.stringify(again)).toBe(JSON.stringify(doc));
  });
});
