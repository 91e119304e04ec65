/** packages/core/src/gen/dispatch.ts: the dispatch table and the CellHandlers interface. */
import type { MethodModel, SchemaModel } from './model.js';

export function emitDispatch(model: SchemaModel, schemaImport: string): string {
  const namespaces = model.imports.map((i) => `import type * as ${i.namespace} from '${schemaImport}';`);
  const handled = model.methods.filter((m) => !m.spec.builtin && !m.spec.sends);
  const handlers = handled.map(
    (m) => `${jsdoc(m.doc)}
  ${m.camel}(ctx: HandlerContext, args: ${m.argsType}): ${m.resultType} | Promise<${m.resultType}>;`,
  );
  // Methods that only send another method (tell_parents_our_capabilities sends update_capabilities)
  // are never received, so they have no entry: only what can arrive can be dispatched.
  const dispatchable = model.methods.filter((m) => !m.spec.sends);
  const entries = dispatchable.map((m) => `  ${m.wire}: ${entryLiteral(m)},`);
  const all = model.methods.map((m) => `  ${m.wire}: ${specLiteral(m)},`);
  return `${namespaces.join('\n')}
import type { HandlerContext, MethodEntry, MethodSpec } from '../method-entry.js';
import * as V from './validators.js';

/** What a deployment implements: one handler per method that can arrive at a cell. */
export interface CellHandlers {
${handlers.join('\n\n')}
}

/** Wire name -> how to route, validate and run it. Only these names can be dispatched. */
export const dispatchTable: { readonly [wire: string]: MethodEntry | undefined } = Object.freeze({
${entries.join('\n')}
});

/** Every declared method, including those only ever sent (for the runner's senders). */
export const methodSpecs: { readonly [wire: string]: MethodSpec | undefined } = Object.freeze({
${all.join('\n')}
});

/** Wire names of every declared method, in schema order. */
export const methodNames = ${literal(model.methods.map((m) => m.wire))} as const;
`;
}

function specLiteral(m: MethodModel, extra = ''): string {
  return literal({ wire: m.wire, handler: m.camel, ...m.spec }, extra);
}

function entryLiteral(m: MethodModel): string {
  return specLiteral(m, `validate: V.${m.wire}`);
}

/** A data value as TypeScript source: bare keys, single-quoted strings. */
export function literal(value: unknown, extra = ''): string {
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  if (value && typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${literal(v)}`);
    if (extra) parts.push(extra);
    return `{ ${parts.join(', ')} }`;
  }
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}

export function jsdoc(doc: string, indent = '  '): string {
  const lines = doc.split('\n').map((l) => `${indent} *${l ? ` ${l.replace(/\*\//g, '*\\/')}` : ''}`);
  return `${indent}/**\n${lines.join('\n')}\n${indent} */`;
}
