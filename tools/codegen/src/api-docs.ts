/** The OpenAPI and AsyncAPI documents of a service, added to its schemas folder. */
import type { ApiService } from './api-model.js';
import { emitAsyncApi } from './emit-asyncapi.js';
import { stringify } from './emit-json.js';
import { emitOpenApi } from './emit-openapi.js';
import type { GeneratedService, ServiceOptions } from './generate.js';
import { wireSchemas } from './gen/wire-schemas.js';
import type { JsonSchema } from './json-schema.js';

/** A hook for generateService: writes `<schemas>/openapi.json` and `<schemas>/asyncapi.json`. */
export function apiDocuments(options: ServiceOptions) {
  return (g: Omit<GeneratedService, 'files'>, add: (rel: string, content: string) => void): void => {
    const service = apiService(g);
    add(`${options.schemas}/openapi.json`, stringify(emitOpenApi(service)));
    add(`${options.schemas}/asyncapi.json`, stringify(emitAsyncApi(service)));
  };
}

function apiService(g: Omit<GeneratedService, 'files'>): ApiService {
  const definitions: Record<string, JsonSchema> = {};
  const methods = g.model.methods.map((m) => {
    const s = g.schemas.get(m.wire)!;
    const { definitions: a, ...args } = s.args as JsonSchema & { definitions?: Record<string, JsonSchema> };
    const { definitions: r, ...result } = s.result as JsonSchema & { definitions?: Record<string, JsonSchema> };
    Object.assign(definitions, a ?? {}, r ?? {});
    return {
      wire: m.wire,
      doc: m.doc,
      kind: m.spec.kind,
      direction: m.spec.direction,
      needResponse: m.spec.needResponse,
      internal: m.spec.internal ?? false,
      fanout: m.spec.fanout ?? false,
      args,
      result,
    };
  });
  const wire = (stem: string): JsonSchema => {
    const w = wireSchemas[stem];
    if (!w) throw new Error(`the generator has no wire schema '${stem}'`);
    return w as JsonSchema;
  };
  return {
    name: g.model.name,
    version: g.model.version,
    methods,
    definitions: Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]!])),
    wire: { envelope: wire('envelope'), response: wire('response'), remoteError: wire('remote-error') },
  };
}
