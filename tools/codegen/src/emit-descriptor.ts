/**
 * `<out>/descriptor.ts`: the service descriptor, the handler interface a deployment
 * implements and the typed client interface `createClient` returns (docs/sdk.md).
 */
import type { NeedResponse } from '@cellwire/core';
import { camelCase, pascalCase, type MethodModel, type ServiceModel } from './model.js';

export interface DescriptorNames {
  /** The descriptor value, e.g. `novaCells`. */
  readonly value: string;
  readonly handlers: string;
  readonly client: string;
}

export function namesFor(service: string): DescriptorNames {
  const pascal = pascalCase(service);
  return { value: camelCase(service), handlers: `${pascal}Handlers`, client: `${pascal}Client` };
}

/**
 * `methodsImport` is the import specifier of methods.ts from the output folder; `optionalArgs`
 * holds the methods whose arguments are all optional.
 */
export function emitDescriptor(model: ServiceModel, methodsImport: string, coreImport: string, optionalArgs: ReadonlySet<string>): string {
  const n = namesFor(model.name);
  const handlers = model.methods.map(
    (m) => `${jsdoc(m.doc)}
  ${m.camel}(ctx: HandlerContext, args: ${argsOf(m)}): ${resultOf(m)} | Promise<${resultOf(m)}>;`,
  );
  const stubs = model.methods.filter((m) => !m.spec.internal).map((m) => stub(m, optionalArgs.has(m.wire)));
  const entries = model.methods.map(
    (m) => `    ${m.camel}: { name: ${literal(m.wire)}, ${specFields(m)}, validateArgs: V.${m.wire}_args, validateResult: V.${m.wire}_result, schemas: schemas.${m.wire} },`,
  );
  const serviceDoc = model.doc ? `${model.doc}\n\n` : '';
  return `import { defineService, type ArgsOf, type CallOptions, type HandlerContext, type RequestContext, type Response, type ResultOf, type ServiceDescriptor } from '${coreImport}';
import type { methods } from '${methodsImport}';
import { schemas } from './schemas.js';
import * as V from './validators.js';

type M = typeof methods;

/** What a cell implements for service \`${model.name}\`: one handler per method. */
export interface ${n.handlers} {
${handlers.join('\n\n')}
}

/** Typed calls of service \`${model.name}\`, from \`createClient(${n.value}, runner)\`. */
export interface ${n.client} {
${stubs.join('\n\n')}
}

/**
 * ${serviceDoc.replace(/\n/g, '\n * ')}Service \`${model.name}\` version ${model.version}: pass it to a runner and to \`createClient\`.
 *
 * @example
 * const runner = new MessageRunner({ name: 'api-cell', services: [serve(${n.value}, handlers)] });
 * const client = createClient(${n.value}, runner);
 */
export const ${n.value}: ServiceDescriptor<${n.handlers}, ${n.client}, keyof ${n.handlers}> = defineService(
  { name: ${literal(model.name)}, version: ${literal(model.version)} },
  {
${entries.join('\n')}
  },
);
`;
}

function argsOf(m: MethodModel): string {
  return `ArgsOf<M[${literal(m.wire)}]>`;
}

function resultOf(m: MethodModel): string {
  return `ResultOf<M[${literal(m.wire)}]>`;
}

function stub(m: MethodModel, argsOptional: boolean): string {
  const R = resultOf(m);
  const A = argsOf(m);
  const many = m.spec.kind === 'broadcast' || m.spec.kind === 'targeted_or_broadcast';
  // A target that may be missing (`ifMissing: 'skip'`) sends nothing and resolves undefined.
  const skippable = m.spec.target !== 'none' && m.spec.target.ifMissing === 'skip';
  const answered = (many ? `Response<${R}>[]` : `Response<${R}>`) + (skippable ? ' | undefined' : '');
  const argsParam = argsOptional ? `args?: ${A}` : `args: ${A}`;
  const doc = jsdoc(m.doc);
  const nr: NeedResponse = m.spec.needResponse;
  if (typeof nr === 'boolean') {
    const ret = nr ? `Promise<${answered}>` : 'Promise<void>';
    return `${doc}
  ${m.camel}(ctxt: RequestContext, ${argsParam}, options?: CallOptions): ${ret};`;
  }
  // need_response read from an argument: overloads make the awaited type follow the literal.
  const waitWhen = nr.negate ? 'false' : 'true';
  const castWhen = nr.negate ? 'true' : 'false';
  // The argument may be left out on the side of its default.
  const waitOpt = nr.default ? '?' : '';
  const castOpt = nr.default ? '' : '?';
  return `${doc}
  ${m.camel}(ctxt: RequestContext, args: ${A} & { ${nr.arg}${waitOpt}: ${waitWhen} }, options?: CallOptions): Promise<${answered}>;
  ${m.camel}(ctxt: RequestContext, args: ${A} & { ${nr.arg}${castOpt}: ${castWhen} }, options?: CallOptions): Promise<void>;
  ${m.camel}(ctxt: RequestContext, args: ${A}, options?: CallOptions): Promise<${answered} | void>;`;
}

/** The spec as object-literal fields, in a fixed order. */
function specFields(m: MethodModel): string {
  const s = m.spec;
  const fields: [string, unknown][] = [
    ['kind', s.kind],
    ['direction', s.direction],
    ['needResponse', s.needResponse],
    ['target', s.target],
    ['runLocally', s.runLocally],
    ['fanout', s.fanout],
    ['topOnly', s.topOnly],
    ['internal', s.internal],
  ];
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${literal(v)}`)
    .join(', ');
}

/** A data value as TypeScript source: bare keys, single-quoted strings. */
export function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  if (value && typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${literal(v)}`);
    return `{ ${parts.join(', ')} }`;
  }
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}

export function jsdoc(doc: string, indent = '  '): string {
  const lines = doc.split('\n').map((l) => `${indent} *${l ? ` ${l.replace(/\*\//g, '*\\/')}` : ''}`);
  return `${indent}/**\n${lines.join('\n')}\n${indent} */`;
}
