/**
 * `cellwire-codegen diff`: each compatibility class on a pair of small methods files
 * (fixtures/diff: base.ts and one file per change), the exit codes, `--ref`, the schema
 * comparison underneath, and the released Nova baseline against the current method set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { checkoutAtRef, diffServices, loadService, type ChangeClass, type ServiceSnapshot } from '../src/diff.js';
import { isSubschema, relation } from '../src/schema-compat.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const tsconfig = path.join(root, 'tsconfig.base.json');
const fixtures = path.join(here, 'fixtures/diff');

const loaded = new Map<string, ServiceSnapshot>();
function fixture(name: string): ServiceSnapshot {
  let s = loaded.get(name);
  if (!s) loaded.set(name, (s = loadService(path.join(fixtures, `${name}.ts`), tsconfig)));
  return s;
}

function diff(name: string) {
  const r = diffServices(fixture('base'), fixture(name));
  return { ...r, seen: r.changes.map((c) => [c.class, c.method ?? '', c.what] as const) };
}

const C: ChangeClass = 'compatible';
const S: ChangeClass = 'breaking for old senders';
const R: ChangeClass = 'breaking for old receivers';

describe('compatible changes exit 0', () => {
  it('a new method', () => {
    const r = diff('new-method');
    expect(r.seen).toEqual([[C, 'count_items', expect.stringMatching(/^new method \(broadcast down\)/)]]);
    expect(r.exitCode).toBe(0);
  });

  it('a new optional argument', () => {
    const r = diff('new-optional-argument');
    expect(r.seen).toEqual([[C, 'get_item', 'new optional argument `verbose` (boolean)']]);
    expect(r.exitCode).toBe(0);
    expect(r.warnings).toEqual([]);
  });

  it('a widened result: a new optional property and a new enum value, reported once for the named type', () => {
    const r = diff('widened-result');
    expect(r.seen).toEqual([
      [C, '', expect.stringMatching(/^widened result: new optional property `Item.label` \(string\).*\[type Item, in the result of get_item, list_items\]$/)],
      [C, '', expect.stringMatching(/^result property `Item.color` widened: 'blue' \| 'red' -> 'blue' \| 'green' \| 'red'/)],
    ]);
    expect(r.exitCode).toBe(0);
  });

  it('compatible changes without a higher minor version still exit 0, with a warning', () => {
    const r = diff('compatible-same-version');
    expect(r.seen).toEqual([[C, 'get_item', 'new optional argument `verbose` (boolean)']]);
    expect(r.exitCode).toBe(0);
    expect(r.warnings).toEqual([expect.stringMatching(/^compatible changes need a higher minor version \(1\.0\.0 -> 1\.1\.0\)/)]);
  });

  it('the two versions of the mixed-version test service (test/versions) are compatible', () => {
    const r = diffServices(loadService(path.join(root, 'test/versions/v1/methods.ts'), tsconfig), loadService(path.join(root, 'test/versions/v2/methods.ts'), tsconfig));
    expect(r.changes.map((c) => [c.class, c.method])).toEqual([
      [C, 'hello'],
      [C, 'farewell'],
    ]);
    expect(r.exitCode).toBe(0);
  });
});

describe('breaking for old senders: exit 1 without a major version bump', () => {
  it('a new required argument', () => {
    const r = diff('new-required-argument');
    expect(r.seen).toEqual([[S, 'poke', expect.stringMatching(/^new required argument `urgency` \(number\)/)]]);
    expect(r.exitCode).toBe(1);
  });

  it('a narrowed argument type', () => {
    const r = diff('narrowed-argument');
    expect(r.seen).toEqual([[S, 'get_item', expect.stringMatching(/^argument `item_id` narrowed: string \| number -> number/)]]);
    expect(r.exitCode).toBe(1);
  });

  it('an enum value no longer accepted', () => {
    const r = diff('removed-enum-value');
    expect(r.seen).toEqual([[S, 'get_item', expect.stringMatching(/^argument `color` no longer accepts "blue"/)]]);
    expect(r.exitCode).toBe(1);
  });
});

describe('breaking for old receivers: exit 1 without a major version bump', () => {
  it('a removed method', () => {
    const r = diff('removed-method');
    expect(r.seen).toEqual([[R, 'poke', expect.stringMatching(/^method removed/)]]);
    expect(r.exitCode).toBe(1);
  });

  it('a renamed argument (one removed, one added)', () => {
    const r = diff('renamed-argument');
    expect(r.seen).toEqual([[R, 'poke', expect.stringMatching(/^argument `text` removed and `message` added \(a rename\?\)/)]]);
    expect(r.exitCode).toBe(1);
  });

  it('a changed kind (and with it the target)', () => {
    const r = diff('changed-kind');
    expect(r.seen).toEqual([
      [R, 'list_items', 'kind changed: "broadcast" -> "targeted_or_broadcast"'],
      [R, 'list_items', 'target changed: "none" -> {"arg":"cell_name","optional":true}'],
      [C, 'list_items', 'new optional argument `cell_name` (string)'],
    ]);
    expect(r.exitCode).toBe(1);
  });

  it('a changed direction', () => {
    expect(diff('changed-direction').seen).toEqual([[R, 'list_items', 'direction changed: "down" -> "up"']]);
    expect(diff('changed-direction').exitCode).toBe(1);
  });

  it('a changed need_response', () => {
    const r = diff('changed-need-response');
    expect(r.seen).toEqual([[R, 'poke', 'need_response changed: false -> true']]);
    expect(r.exitCode).toBe(1);
  });

  it('a changed target', () => {
    const r = diff('changed-target');
    expect(r.seen).toEqual([[R, 'poke', 'target changed: {"arg":"cell_name"} -> {"arg":"cell_name","ifMissing":"skip"}']]);
    expect(r.exitCode).toBe(1);
  });

  it('a breaking change with the major version raised exits 0', () => {
    const r = diff('major-bump');
    expect(r.seen).toEqual([[R, 'poke', expect.stringMatching(/^method removed/)]]);
    expect(r.majorBump).toBe(true);
    expect(r.exitCode).toBe(0);
  });
});

describe('the command line', () => {
  const run = (...argv: string[]) => {
    const out: string[] = [];
    const code = main(['diff', ...argv], (l) => out.push(l), root);
    return { code, out };
  };
  const rel = (name: string) => path.relative(root, path.join(fixtures, `${name}.ts`));

  it('prints every change with its class and the verdict; exit 1 on a breaking change', () => {
    const { code, out } = run(rel('base'), rel('removed-enum-value'), '--tsconfig', 'tsconfig.base.json');
    expect(code).toBe(1);
    expect(out[0]).toBe(`cellwire-codegen diff: items 1.0.0 -> items 1.1.0 (${rel('base')} -> ${rel('removed-enum-value')})`);
    expect(out[1]).toMatch(/^ {2}breaking for old senders {2}get_item: argument `color` no longer accepts "blue"/);
    expect(out.at(-1)).toBe('1 change(s): 0 compatible, 1 breaking without a major version bump (1.0.0 -> 1.1.0): fix them, or raise the major version');
  });

  it('exit 0 on compatible changes', () => {
    const { code, out } = run(rel('base'), rel('new-method'), '--tsconfig', 'tsconfig.base.json');
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('1 change(s): 1 compatible, 0 breaking. ok');
  });

  it('exit 2 on bad usage or a file that cannot be read', () => {
    expect(run().code).toBe(2);
    expect(run(rel('base')).code).toBe(2);
    expect(run('--ref', 'HEAD').code).toBe(2);
    expect(run('--bogus', rel('base'), rel('base')).code).toBe(2);
    const missing = run(rel('base'), 'no/such/methods.ts');
    expect(missing.code).toBe(2);
    expect(missing.out.join('\n')).toMatch(/no\/such\/methods\.ts/);
    expect(run('--help').code).toBe(0);
  });

  it('--ref compares the file at a git ref (with what it imports at that ref) against the working tree', () => {
    const file = 'packages/schema/src/nova-cells/methods.ts';
    const copy = checkoutAtRef(path.join(root, file), 'HEAD');
    try {
      // The copy brings the relative imports of methods.ts as they are at the ref.
      const dir = path.dirname(path.dirname(copy.file));
      expect(fs.existsSync(path.join(dir, 'args.ts'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'types.ts'))).toBe(true);
    } finally {
      copy.dispose();
    }
    const { code, out } = run('--ref', 'HEAD', file, '--tsconfig', 'tsconfig.base.json');
    expect(out[0]).toMatch(new RegExp(`^cellwire-codegen diff: nova_cells \\S+ -> nova_cells \\S+ \\(${file} at HEAD -> ${file}\\)$`));
    expect(code).toBe(0);
    expect(run('--ref', 'no-such-ref-anywhere', file).code).toBe(2);
  });
});

describe('the released baseline', () => {
  it('nova_cells 1.0.0 as released (schemas/released) against the current method set: no breaking change', () => {
    const out: string[] = [];
    const code = main(['diff', 'schemas/released/nova-cells-1.0.0.methods.ts', 'packages/schema/src/nova-cells/methods.ts', '--tsconfig', 'tsconfig.base.json'], (l) => out.push(l), root);
    expect(code, out.join('\n')).toBe(0);
    expect(out[0]).toMatch(/^cellwire-codegen diff: nova_cells 1\.0\.0 -> nova_cells \S+/);
  });
});

describe('the schema comparison', () => {
  const defs = {
    JsonValue: { anyOf: [{ type: 'array', items: { $ref: '#/definitions/JsonValue' } }, { type: 'object', additionalProperties: { $ref: '#/definitions/JsonValue' } }, { type: ['string', 'number', 'boolean', 'null'] }] },
  };
  const at = (schema: object) => ({ schema: schema as Record<string, unknown>, definitions: defs });

  it('follows recursive definitions', () => {
    expect(relation(at({ $ref: '#/definitions/JsonValue' }), at({ $ref: '#/definitions/JsonValue' }))).toBe('same');
    expect(isSubschema(at({ type: 'object', additionalProperties: { type: 'string' } }), at({ $ref: '#/definitions/JsonValue' }))).toBe(true);
    expect(isSubschema(at({ $ref: '#/definitions/JsonValue' }), at({ type: 'string' }))).toBe(false);
  });

  it('objects: required, optional and closed properties', () => {
    const closed = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const more = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'], additionalProperties: false };
    const required = { ...more, required: ['a', 'b'] };
    expect(relation(at(closed), at(more))).toBe('wider');
    expect(relation(at(more), at(required))).toBe('narrower');
    expect(relation(at(closed), at({ ...closed, additionalProperties: true }))).toBe('wider');
  });

  it('numbers, integers, bounds, tuples and enums', () => {
    expect(relation(at({ type: 'number' }), at({ type: 'integer' }))).toBe('narrower');
    expect(relation(at({ type: 'number', minimum: 0 }), at({ type: 'number', minimum: 1 }))).toBe('narrower');
    expect(relation(at({ type: 'array', items: [{ type: 'string' }, { type: 'string' }], minItems: 2, maxItems: 2 }), at({ type: 'array', items: { type: 'string' } }))).toBe('wider');
    expect(relation(at({ type: 'string', enum: ['a', 'b'] }), at({ type: 'string' }))).toBe('wider');
    expect(relation(at({ type: 'string', enum: ['a', 'b'] }), at({ type: 'string', enum: ['b', 'c'] }))).toBe('different');
    expect(relation(at({ anyOf: [{ type: 'string' }, { type: 'null' }] }), at({ type: ['null', 'string'] }))).toBe('same');
  });
});
