/** What the generator knows about one method after reading the schema. */
import type { MethodSpec } from '../../../packages/schema/src/define.js';

export interface MethodModel {
  /** Wire name, snake_case. */
  readonly wire: string;
  /** camelCase name used by stubs and CellHandlers. */
  readonly camel: string;
  /** PascalCase name, used for generated symbols. */
  readonly pascal: string;
  /** The doc comment text, without comment markers. */
  readonly doc: string;
  /** Type expressions as written in the schema (e.g. `A.StopInstanceArgs`, `T.Service[]`). */
  readonly argsType: string;
  readonly resultType: string;
  readonly spec: MethodSpec;
}

export interface SchemaModel {
  /** Absolute path of methods.ts. */
  readonly file: string;
  /** The file's import declarations, with module specifiers made absolute. */
  readonly imports: readonly { readonly namespace: string; readonly path: string }[];
  readonly methods: readonly MethodModel[];
}

export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function pascalCase(snake: string): string {
  const c = camelCase(snake);
  return c.charAt(0).toUpperCase() + c.slice(1);
}
