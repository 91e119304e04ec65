/**
 * Reading a method spec against a call's arguments: flags such as `needResponse` and
 * `runLocally` may come from an argument, and a target cell from a (possibly nested) one.
 * Kept apart from the runner because it is pure and runs once per call made here.
 */
// @ts-nocheck


/** Reads a fixed flag, or one taken from an argument. */
export function flag(spec: boolean | { arg: string; negate?: boolean; default: boolean }, args: Record<string, unknown>): boolean {
  if (typeof spec === 'boolean') return spec;
  const v = args[spec.arg];
  if (typeof v !== 'boolean') return spec.default;
  return spec.negate ? !v : v;
}

// Argument paths of the specs, split once: specs are few and fixed, calls are many.
const argPaths = new Map<string, readonly string[]>();

/** `cell_name` or a dotted path such as `instance.cell_name`; undefined unless a non-empty string. */
export function targetOf(argPath: string, args: Record<string, unknown>): string | undefined {
  let parts = argPaths.get(argPath);
  if (!parts) argPaths.set(argPath, (parts = argPath.split('.')));
  let v: unknown = args;
  for (const part of parts) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
