/**
 * The cell config's JSON Schema (schemas/cell-config.json, generated from config-file.ts by
 * tools/config-schema.mjs; `npm run generate -- --check` keeps it fresh) against what it
 * documents: the defaults config.ts relies on, the README's example and table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, parseConfig } from '../src/config.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const schema = JSON.parse(readFileSync(path.join(repo, 'schemas/cell-config.json'), 'utf8')) as {
  properties: Record<string, { default?: unknown; description?: string }>;
  definitions: Record<string, { properties: Record<string, unknown> }>;
};
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as typeof AjvModule;

/** The ```json config example and the field table of the README's "The config file". */
function readmeConfigSection(): { example: unknown; fields: string[] } {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The config file'), readme.indexOf('### The HTTP API'));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  const fields = [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...(m[1] as string).matchAll(/`([a-z_]+)`/g)].map((x) => x[1] as string));
  return { example: JSON.parse(json ?? 'null'), fields };
}

describe('schemas/cell-config.json', () => {
  it('has a description for every field, and the defaults config.ts relies on', () => {
    for (const [name, p] of Object.entries(schema.properties)) expect(p.description, name).toBeTruthy();
    expect(schema.properties.max_body_bytes?.default).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(schema.properties.log_level?.default).toBe('info');
    expect(schema.properties.store?.default).toBe(':memory:');
    const c = parseConfig({ name: 'a', listen: 'memory://a' });
    expect(c).toMatchObject({ updateIntervalS: 60, muteChildIntervalS: 300, reservePercent: 10, maxHopCount: 10, callTimeoutS: 60, maxBodyBytes: DEFAULT_MAX_BODY_BYTES });
  });

  it("accepts the README's example, as ajv compiles it from the published file", () => {
    const { example } = readmeConfigSection();
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...(example as object), lisen: 'typo' })).toBe(false);
  });

  it("names every field of the README's table, and the table every field", () => {
    const { fields } = readmeConfigSection();
    const known = new Set([...Object.keys(schema.properties), ...Object.keys(schema.definitions.NeighbourFile?.properties ?? {})]);
    for (const f of fields) expect(known.has(f), `README field ${f}`).toBe(true);
    const documented = new Set(fields);
    for (const f of Object.keys(schema.properties).filter((k) => !['$schema', 'description'].includes(k))) expect(documented.has(f), `schema field ${f} in the README table`).toBe(true);
  });

  it('leaves the caller’s object as it was (defaults go on a copy)', () => {
    const raw = { name: 'a', listen: 'memory://a', hosts: [{ name: 'h', vcpus: 1, memory_mb: 1, local_gb: 1 }] };
    const before = JSON.stringify(raw);
    const c = parseConfig(raw);
    expect(JSON.stringify(raw)).toBe(before);
    expect(c.hosts[0]).toMatchObject({ hypervisor_type: 'QEMU', hypervisor_version: 2011000, disabled: false });
  });
});
