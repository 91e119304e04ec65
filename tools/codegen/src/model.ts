/** What the generator knows about a service after reading its methods.ts. */
import type { MethodSpec } from '@cellwire/core';

export interface MethodModel {
  /** Wire name, snake_case. */
  readonly wire: string;
  /** camelCase name used by stubs and handler interfaces. */
  readonly camel: string;
  /** The doc comment text, without comment markers. */
  readonly doc: string;
  readonly spec: MethodSpec;
}

export interface ServiceModel {
  /** Absolute path of methods.ts. */
  readonly file: string;
  /** snake_case service name, from `export const service = { name, version }`. */
  readonly name: string;
  readonly version: string;
  /** The doc comment of `service`, if any. */
  readonly doc: string;
  readonly methods: readonly MethodModel[];
}

export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function pascalCase(snake: string): string {
  const c = camelCase(snake);
  return c.charAt(0).toUpperCase() + c.slice(1);
}
