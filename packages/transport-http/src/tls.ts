import { readFileSync } from 'node:fs';
import { CellwireError } from '@cellwire/core';

/**
 * TLS material for a listener (`cert` + `key`, optional `ca`) or a link (`ca` to trust a
 * private CA, `cert` + `key` for a client certificate). Each value is PEM text or the
 * path of a PEM file.
 *
 * @example
 * const tls: TlsOptions = { cert: '/etc/cellwire/cell.crt', key: '/etc/cellwire/cell.key' };
 */
export interface TlsOptions {
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
}

/** The same material with every value read: what node:https and undici take. */
export interface TlsMaterial {
  cert?: string;
  key?: string;
  ca?: string;
}

// PEM text always carries its armour line; anything else is taken for a file path.
function readPem(value: string, field: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (cause) {
    throw new CellwireError('invalid_argument', `tls.${field}: cannot read PEM file ${value}`, { cause });
  }
}

/** Validates `options.tls` and reads any files it names. Returns undefined when absent. */
export function loadTls(value: unknown): TlsMaterial | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CellwireError('invalid_argument', 'options.tls must be an object { cert?, key?, ca? }');
  }
  const out: TlsMaterial = {};
  for (const field of ['cert', 'key', 'ca'] as const) {
    const v = (value as Record<string, unknown>)[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0) {
      throw new CellwireError('invalid_argument', `options.tls.${field} must be PEM text or a file path`);
    }
    out[field] = readPem(v, field);
  }
  if ((out.cert === undefined) !== (out.key === undefined)) {
    throw new CellwireError('invalid_argument', 'options.tls needs both cert and key, or neither');
  }
  return out;
}
