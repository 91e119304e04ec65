/** packages/client/src/gen/client.ts: one typed stub per public method. */
import type { NeedResponse } from '../../../packages/schema/src/define.js';
import type { MethodModel, SchemaModel } from './model.js';
import { jsdoc } from './emit-dispatch.js';

export interface StubInfo {
  /** Whether every argument is optional (the stub then defaults args to {}). */
  readonly argsOptional: boolean;
}

export function emitClient(
  model: SchemaModel,
  schemaImport: string,
  coreImport: string,
  info: ReadonlyMap<string, StubInfo>,
): string {
  const namespaces = model.imports.map((i) => `import type * as ${i.namespace} from '${schemaImport}';`);
  const ctxType = `${model.imports.find((i) => /types$/.test(i.path))?.namespace ?? 'T'}.RequestContext`;
  const stubs = model.methods
    .filter((m) => !m.spec.internal)
    .map((m) => stub(m, ctxType, info.get(m.wire)?.argsOptional ?? false));
  return `${namespaces.join('\n')}
import type { CallOptions, Invoker, Response } from '${coreImport}';

/**
 * Typed stubs for every public method. Each call runs from the cell of the invoker
 * (a MessageRunner, or anything with the same \`invoke\`).
 *
 * @example
 * const client = new CellsClient(runner);
 * const perCell = await client.serviceGetAll(ctxt, {}, { timeoutMs: 5000 });
 */
export class CellsClient {
  constructor(private readonly invoker: Invoker) {}

${stubs.join('\n\n')}
}
`;
}

function stub(m: MethodModel, ctxType: string, argsOptional: boolean): string {
  const R = m.resultType;
  const many = m.spec.kind !== 'targeted';
  const answered = many ? `Response<${R}>[]` : `Response<${R}>`;
  const argsParam = argsOptional ? `args: ${m.argsType} = {}` : `args: ${m.argsType}`;
  const call = `return this.invoker.invoke('${m.wire}', ctxt, args, options) as Promise<never>;`;
  const doc = jsdoc(m.doc);
  const nr: NeedResponse = m.spec.needResponse;
  if (typeof nr === 'boolean') {
    const ret = nr ? `Promise<${answered}>` : 'Promise<void>';
    return `${doc}
  ${m.camel}(ctxt: ${ctxType}, ${argsParam}, options?: CallOptions): ${ret} {
    ${call}
  }`;
  }
  // need_response read from an argument: overloads make the awaited type follow the literal.
  const waitWhen = nr.negate ? 'false' : 'true';
  const castWhen = nr.negate ? 'true' : 'false';
  // The argument may be left out on the side of its default.
  const waitOpt = nr.default ? '?' : '';
  const castOpt = nr.default ? '' : '?';
  return `${doc}
  ${m.camel}(ctxt: ${ctxType}, args: ${m.argsType} & { ${nr.arg}${waitOpt}: ${waitWhen} }, options?: CallOptions): Promise<${answered}>;
  ${m.camel}(ctxt: ${ctxType}, args: ${m.argsType} & { ${nr.arg}${castOpt}: ${castWhen} }, options?: CallOptions): Promise<void>;
  ${m.camel}(ctxt: ${ctxType}, args: ${m.argsType}, options?: CallOptions): Promise<${answered} | void>;
  ${m.camel}(ctxt: ${ctxType}, args: ${m.argsType}, options?: CallOptions): Promise<${answered} | void> {
    ${call}
  }`;
}
