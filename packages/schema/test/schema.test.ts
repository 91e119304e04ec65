import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ArgsOf, MethodSpec, ResultOf } from '@cellwire/core';
import { methods as stateMethods } from '../src/cell-state/methods.js';
import { methods as novaMethods } from '../src/nova-cells/methods.js';
import { cellState, novaCells } from '../src/index.js';
import type {
  Instance,
  Service,
  ServiceGetAllArgs,
  StopInstanceArgs,
  UpdateCapabilitiesArgs,
} from '../src/index.js';

type Row = readonly [kind: MethodSpec['kind'], direction: MethodSpec['direction'], needResponse: string];

/**
 * The 56 wire names with kind, direction and need_response (`T`, `F`, or the argument it
 * is read from: `call`, `!do_cast`), from section 4 of the reference (and 2.4 for
 * parse_responses).
 */
const EXPECTED: Record<string, Row> = {
  // capabilities and capacities
  ask_children_for_capabilities: ['targeted', 'down', 'F'],
  ask_children_for_capacities: ['targeted', 'down', 'F'],
  tell_parents_our_capabilities: ['targeted', 'up', 'F'],
  tell_parents_our_capacities: ['targeted', 'up', 'F'],
  // scheduling and compute API
  build_instances: ['targeted', 'down', 'F'],
  run_compute_api_method: ['targeted', 'down', 'call'],
  // instance sync
  instance_update_at_top: ['broadcast', 'up', 'F'],
  instance_destroy_at_top: ['broadcast', 'up', 'F'],
  instance_delete_everywhere: ['broadcast', 'down', 'F'],
  instance_fault_create_at_top: ['broadcast', 'up', 'F'],
  bw_usage_update_at_top: ['broadcast', 'up', 'F'],
  sync_instances: ['broadcast', 'down', 'F'],
  // services and hosts
  service_get_all: ['broadcast', 'down', 'T'],
  service_get_by_compute_host: ['targeted', 'down', 'T'],
  get_host_uptime: ['targeted', 'down', 'T'],
  service_update: ['targeted', 'down', 'T'],
  service_delete: ['targeted', 'down', 'T'],
  proxy_rpc_to_manager: ['targeted', 'down', 'call'],
  // task logs and compute nodes
  task_log_get_all: ['targeted_or_broadcast', 'down', 'T'],
  compute_node_get_all: ['broadcast', 'down', 'T'],
  compute_node_stats: ['broadcast', 'down', 'T'],
  compute_node_get: ['targeted', 'down', 'T'],
  // instance actions
  actions_get: ['targeted', 'down', 'T'],
  action_get_by_request_id: ['targeted', 'down', 'T'],
  action_events_get: ['targeted', 'down', 'T'],
  // consoles
  consoleauth_delete_tokens: ['broadcast', 'up', 'F'],
  validate_console_port: ['targeted', 'down', 'T'],
  // block device mappings
  bdm_update_or_create_at_top: ['broadcast', 'up', 'F'],
  bdm_destroy_at_top: ['broadcast', 'up', 'F'],
  // migrations
  get_migrations: ['targeted_or_broadcast', 'down', 'T'],
  // instance operations
  instance_update_from_api: ['targeted', 'down', 'F'],
  start_instance: ['targeted', 'down', 'F'],
  stop_instance: ['targeted', 'down', '!do_cast'],
  reboot_instance: ['targeted', 'down', 'F'],
  suspend_instance: ['targeted', 'down', 'F'],
  resume_instance: ['targeted', 'down', 'F'],
  pause_instance: ['targeted', 'down', 'F'],
  unpause_instance: ['targeted', 'down', 'F'],
  terminate_instance: ['targeted', 'down', 'F'],
  soft_delete_instance: ['targeted', 'down', 'F'],
  resize_instance: ['targeted', 'down', 'F'],
  live_migrate_instance: ['targeted', 'down', 'F'],
  revert_resize: ['targeted', 'down', 'F'],
  confirm_resize: ['targeted', 'down', 'F'],
  reset_network: ['targeted', 'down', 'F'],
  inject_network_info: ['targeted', 'down', 'F'],
  snapshot_instance: ['targeted', 'down', 'F'],
  backup_instance: ['targeted', 'down', 'F'],
  rebuild_instance: ['targeted', 'down', 'F'],
  set_admin_password: ['targeted', 'down', 'F'],
  // key pairs
  get_keypair_at_top: ['broadcast', 'up', 'T'],
  // inter-cell handler methods
  update_capabilities: ['targeted', 'up', 'F'],
  update_capacities: ['targeted', 'up', 'F'],
  announce_capabilities: ['targeted', 'down', 'F'],
  announce_capacities: ['targeted', 'down', 'F'],
};

/** The reference's inter-cell methods: only ever sent by cells (no client stub). `parse_responses` is core's protocol now. */
const INTERNAL = ['update_capabilities', 'update_capacities', 'announce_capabilities', 'announce_capacities'];

/** The capabilities/capacities exchange: the cell_state service; the rest is nova_cells. */
const CELL_STATE = [...INTERNAL, 'ask_children_for_capabilities', 'ask_children_for_capacities', 'tell_parents_our_capabilities', 'tell_parents_our_capacities'];

/** Methods that run their handler in the calling cell, which sends one message per neighbour. */
const LOCAL = ['ask_children_for_capabilities', 'ask_children_for_capacities', 'tell_parents_our_capabilities', 'tell_parents_our_capacities'];

const methods = { ...novaMethods, ...stateMethods };
type Methods = typeof methods;
type MethodName = keyof Methods;

const TOP_ONLY = [
  'instance_update_at_top',
  'instance_destroy_at_top',
  'instance_fault_create_at_top',
  'bw_usage_update_at_top',
  'bdm_update_or_create_at_top',
  'bdm_destroy_at_top',
  'get_keypair_at_top',
  'consoleauth_delete_tokens',
];

/** Targeted at `instance.cell_name` (the reference's `_instance_action`, plus instance_update_from_api). */
const INSTANCE_TARGETED = [
  'instance_update_from_api',
  'start_instance',
  'stop_instance',
  'reboot_instance',
  'suspend_instance',
  'resume_instance',
  'pause_instance',
  'unpause_instance',
  'terminate_instance',
  'soft_delete_instance',
  'resize_instance',
  'live_migrate_instance',
  'revert_resize',
  'confirm_resize',
  'reset_network',
  'inject_network_info',
  'snapshot_instance',
  'backup_instance',
  'rebuild_instance',
  'set_admin_password',
];

/** Targeted at an explicit `cell_name` argument. */
const CELL_NAME_TARGETED = [
  'run_compute_api_method',
  'service_get_by_compute_host',
  'get_host_uptime',
  'service_update',
  'service_delete',
  'proxy_rpc_to_manager',
  'compute_node_get',
  'actions_get',
  'action_get_by_request_id',
  'action_events_get',
  'validate_console_port',
];

/** Broadcasts (and targeted-or-broadcast methods) and their run_locally, as in the reference table. */
const RUN_LOCALLY: Record<string, MethodSpec['runLocally']> = {
  instance_update_at_top: false,
  instance_destroy_at_top: false,
  instance_delete_everywhere: false,
  instance_fault_create_at_top: false,
  bw_usage_update_at_top: false,
  sync_instances: false,
  service_get_all: true,
  task_log_get_all: true,
  compute_node_get_all: true,
  compute_node_stats: true,
  consoleauth_delete_tokens: false,
  bdm_update_or_create_at_top: false,
  bdm_destroy_at_top: false,
  get_migrations: { arg: 'run_locally', default: false },
  get_keypair_at_top: false,
};

const SPEC_KEYS = new Set(['kind', 'direction', 'needResponse', 'target', 'runLocally', 'fanout', 'topOnly', 'internal']);

const entries = Object.entries(methods) as [MethodName, MethodSpec][];
const byName = new Map<string, MethodSpec>(entries);
const spec = (name: string): MethodSpec => {
  const s = byName.get(name);
  if (!s) throw new Error(`no method ${name}`);
  return s;
};

function needResponseRepr(n: MethodSpec['needResponse']): string {
  if (typeof n === 'boolean') return n ? 'T' : 'F';
  return `${n.negate ? '!' : ''}${n.arg}`;
}

const pascal = (name: string): string =>
  name
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

const src = (file: string): string => readFileSync(fileURLToPath(new URL(`../src/${file}`, import.meta.url)), 'utf8');

describe('method table', () => {
  it('declares the reference\'s wire names, the exchange of cell state as its own service', () => {
    expect(Object.keys(methods).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(stateMethods).sort()).toEqual([...CELL_STATE].sort());
    expect(Object.values(novaCells.methods).map((m) => m.name).sort()).toEqual(Object.keys(novaMethods).sort());
    expect(Object.values(cellState.methods).map((m) => m.name).sort()).toEqual([...CELL_STATE].sort());
  });

  it('marks exactly the inter-cell methods internal', () => {
    const internal = entries.filter(([, s]) => s.internal).map(([n]) => n);
    expect(internal.sort()).toEqual([...INTERNAL].sort());
  });

  it('uses snake_case wire names', () => {
    for (const name of Object.keys(methods)) expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });

  it.each(Object.entries(EXPECTED))('%s has the reference kind, direction and need_response', (name, [kind, direction, need]) => {
    const s = spec(name);
    // The senders run locally and send one targeted message per neighbour, as the reference's do.
    expect(s.kind).toBe(LOCAL.includes(name) ? 'local' : kind);
    expect(s.direction).toBe(direction);
    expect(needResponseRepr(s.needResponse)).toBe(need);
  });

  it('uses only known spec fields', () => {
    for (const [name, s] of entries) {
      for (const key of Object.keys(s)) expect(SPEC_KEYS.has(key), `${name}.${key}`).toBe(true);
    }
  });

  it('gives argument-driven need_response a boolean default', () => {
    for (const [name, s] of entries) {
      if (typeof s.needResponse === 'boolean') continue;
      expect(typeof s.needResponse.default, name).toBe('boolean');
      expect(s.needResponse.arg, name).toMatch(/^[a-z_]+$/);
    }
    expect(spec('stop_instance').needResponse).toEqual({ arg: 'do_cast', negate: true, default: false });
    expect(spec('run_compute_api_method').needResponse).toEqual({ arg: 'call', default: false });
    expect(spec('proxy_rpc_to_manager').needResponse).toEqual({ arg: 'call', default: false });
  });
});

describe('routing specs are consistent', () => {
  it('broadcasts target nobody and say whether they run locally', () => {
    for (const [name, s] of entries.filter(([, s]) => s.kind === 'broadcast')) {
      expect(s.target, name).toBe('none');
      expect(s.runLocally, name).toBeDefined();
      expect(s.fanout, name).toBeUndefined();
    }
  });

  it('targeted methods have a target (internal ones are routed by their sender) and no run_locally', () => {
    for (const [name, s] of entries.filter(([, s]) => s.kind === 'targeted')) {
      expect(s.target, name).toEqual(s.internal ? 'none' : expect.objectContaining({ arg: expect.any(String) }));
      expect(s.runLocally, name).toBeUndefined();
    }
  });

  it('targeted-or-broadcast methods take an optional cell_name and a run_locally', () => {
    const tob = entries.filter(([, s]) => s.kind === 'targeted_or_broadcast');
    expect(tob.map(([n]) => n).sort()).toEqual(['get_migrations', 'task_log_get_all']);
    for (const [name, s] of tob) {
      expect(s.target, name).toEqual({ arg: 'cell_name', optional: true });
      expect(s.direction, name).toBe('down');
      expect(s.needResponse, name).toBe(true);
    }
  });

  it('run_locally is as in the reference table', () => {
    const withRunLocally = entries.filter(([, s]) => s.runLocally !== undefined).map(([n]) => n);
    expect(withRunLocally.sort()).toEqual(Object.keys(RUN_LOCALLY).sort());
    for (const [name, value] of Object.entries(RUN_LOCALLY)) expect(spec(name).runLocally, name).toEqual(value);
  });

  it('top-only methods are the *_at_top ones and consoleauth_delete_tokens, broadcast up without the origin', () => {
    const topOnly = entries.filter(([, s]) => s.topOnly).map(([n]) => n);
    expect(topOnly.sort()).toEqual([...TOP_ONLY].sort());
    for (const name of TOP_ONLY) {
      const s = spec(name);
      expect(s.kind, name).toBe('broadcast');
      expect(s.direction, name).toBe('up');
      expect(s.runLocally, name).toBe(false);
    }
    for (const name of Object.keys(methods).filter((n) => n.endsWith('_at_top'))) expect(TOP_ONLY).toContain(name);
  });

  it('instance methods target instance.cell_name', () => {
    const got = entries.filter(([, s]) => typeof s.target === 'object' && 'arg' in s.target && s.target.arg === 'instance.cell_name');
    expect(got.map(([n]) => n).sort()).toEqual([...INSTANCE_TARGETED].sort());
  });

  it('explicit-cell methods target cell_name; build_instances targets target_cell', () => {
    const got = entries.filter(([, s]) => typeof s.target === 'object' && 'arg' in s.target && s.target.arg === 'cell_name' && !s.target.optional);
    expect(got.map(([n]) => n).sort()).toEqual([...CELL_NAME_TARGETED].sort());
    expect(spec('build_instances').target).toEqual({ arg: 'target_cell' });
  });

  it('local methods are casts that target nobody', () => {
    for (const [name, s] of entries.filter(([, s]) => s.kind === 'local')) {
      expect(s.needResponse, name).toBe(false);
      expect(s.target, name).toBe('none');
    }
    expect(entries.filter(([, s]) => s.kind === 'local').map(([n]) => n).sort()).toEqual([...LOCAL].sort());
  });

  it('only messages to parents about capabilities and capacities fan out', () => {
    const fanout = entries.filter(([, s]) => s.fanout).map(([n]) => n);
    expect(fanout.sort()).toEqual(['update_capabilities', 'update_capacities']);
  });

  it('internal methods are targeted casts, never top-only', () => {
    for (const name of INTERNAL) {
      const s = spec(name);
      expect(s.kind, name).toBe('targeted');
      expect(s.needResponse, name).toBe(false);
      expect(s.topOnly, name).toBeUndefined();
    }
  });
});

describe('schema sources (what tools/codegen reads)', () => {
  const methodsSrc = src('nova-cells/methods.ts') + src('cell-state/methods.ts');
  const argsSrc = src('args.ts');
  const typesSrc = src('types.ts');

  it('declares each entry as method<A.<PascalName>Args, Result>', () => {
    const decls = [...methodsSrc.matchAll(/^\s{2}(\w+): method<A\.(\w+),/gm)].map((m) => [m[1], m[2]]);
    expect(decls.map(([n]) => n).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, args] of decls) expect(args, name).toBe(`${pascal(name ?? '')}Args`);
  });

  it('exports one argument interface per method, and no other', () => {
    const exported = [...argsSrc.matchAll(/^export interface (\w+)/gm)].map((m) => m[1]);
    expect(exported.sort()).toEqual(Object.keys(EXPECTED).map((n) => `${pascal(n)}Args`).sort());
    expect(argsSrc).not.toMatch(/ParseResponsesArgs/);
  });

  it('gives every entry a doc comment', () => {
    for (const name of Object.keys(EXPECTED)) {
      expect(methodsSrc, name).toMatch(new RegExp(`\\*/\\n\\s{2}${name}: method<`));
    }
  });

  it('keeps the wire types generator-friendly (no any, unknown or Record)', () => {
    for (const [file, text] of [['types.ts', typesSrc], ['args.ts', argsSrc]] as const) {
      const code = text.replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/\bany\b/);
      expect(code, file).not.toMatch(/\bunknown\b/);
      expect(code, file).not.toMatch(/\bRecord</);
      expect(code, file).not.toMatch(/\bclass\b/);
      expect(code, file).not.toMatch(/=>/);
    }
  });
});

describe('types', () => {
  it('brands each entry with its argument and result types', () => {
    expectTypeOf<ArgsOf<Methods['stop_instance']>>().toEqualTypeOf<StopInstanceArgs>();
    expectTypeOf<ArgsOf<Methods['service_get_all']>>().toEqualTypeOf<ServiceGetAllArgs>();
    expectTypeOf<ResultOf<Methods['service_get_all']>>().toEqualTypeOf<Service[]>();
    expectTypeOf<ArgsOf<Methods['update_capabilities']>>().toEqualTypeOf<UpdateCapabilitiesArgs>();
    expectTypeOf<ResultOf<Methods['get_host_uptime']>>().toEqualTypeOf<string>();
    expectTypeOf<MethodName>().toEqualTypeOf<keyof typeof novaMethods | keyof typeof stateMethods>();
  });

  it('accepts partial instances and reference-shaped arguments', () => {
    const instance: Instance = { uuid: '6f1c8b2e-0000-4000-8000-000000000001', cell_name: 'api-cell!child-cell2' };
    const args: StopInstanceArgs = { instance, clean_shutdown: false };
    const caps: UpdateCapabilitiesArgs = { cell_name: 'child-cell2', capabilities: { hypervisor: ['kvm', 'xen'] } };
    expect(JSON.parse(JSON.stringify({ args, caps }))).toEqual({ args, caps });
  });
});
