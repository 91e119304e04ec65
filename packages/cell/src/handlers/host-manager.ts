/**
 * The simulated nova-compute manager of each host of a cell: what `proxy_rpc_to_manager`
 * reaches (topic `compute`, server = the host), and what the compute API asks a host for
 * (uptime, consoles, diagnostics). There is no hypervisor underneath: answers come from
 * the store (the host's service and node, the instances on it, their actions) and the
 * clock, and the methods that change something write the store and tell the top.
 *
 * The documented method set (HOST_MANAGER_METHODS), with its keyword arguments:
 *
 * | method | args | result |
 * |---|---|---|
 * | `get_host_uptime` | – | `uptime`-style text: time since the service started, load from running instances |
 * | `set_host_enabled` | `enabled: boolean` | `'enabled'` / `'disabled'`; sets the host's nova-compute service |
 * | `get_console_output` | `instance` (or `instance_uuid`), `tail_length?` | the console log, made from the instance's actions |
 * | `get_diagnostics` | `instance` (or `instance_uuid`) | power state, uptime, CPU and memory of the instance |
 * | `validate_console_port` | `instance`, `port`, `console_type` | whether the port is the instance's console port |
 * | `get_vnc_console` | `instance`, `console_type` (`novnc`/`xvpvnc`) | connect info; a console token is stored in this cell |
 * | `get_spice_console` | `instance`, `console_type` (`spice-html5`) | as above |
 * | `get_serial_console` | `instance`, `console_type` (`serial`) | as above |
 * | `poll_bandwidth_usage` | – | rows written; each instance's interface usage is recorded and sent up (bw_usage_update_at_top) |
 * | `instance_usage_audit` | `period_beginning?`, `period_ending?` (default: the last whole hour) | the task log written |
 *
 * Instance methods need the instance on that host. Anything else is ManagerMethodNotFound.
 */
import { createHash } from 'node:crypto';
import { InstanceNotFound, InvalidArgument } from '@cellwire/core';
import type { Instance, JsonMap, JsonValue, Service, TaskLog } from '@cellwire/schema';
import { ComputeHostNotFound, ConsoleTypeInvalid, InstanceNotReady, ManagerMethodNotFound } from '../errors.js';
import type { Env, TopSync } from './context.js';

export const HOST_MANAGER_METHODS = [
  'get_host_uptime',
  'set_host_enabled',
  'get_console_output',
  'get_diagnostics',
  'validate_console_port',
  'get_vnc_console',
  'get_spice_console',
  'get_serial_console',
  'poll_bandwidth_usage',
  'instance_usage_audit',
] as const;

export type HostManagerMethod = (typeof HOST_MANAGER_METHODS)[number];

/** Console types, the port range each uses on a host, and the proxy URL a client opens. */
export const CONSOLE_TYPES: { readonly [type: string]: { readonly base: number; readonly kind: 'vnc' | 'spice' | 'serial'; readonly url: string } } = {
  novnc: { base: 5900, kind: 'vnc', url: 'http://127.0.0.1:6080/vnc_auto.html' },
  xvpvnc: { base: 5900, kind: 'vnc', url: 'http://127.0.0.1:6081/console' },
  'spice-html5': { base: 5800, kind: 'spice', url: 'http://127.0.0.1:6082/spice_auto.html' },
  serial: { base: 10000, kind: 'serial', url: 'ws://127.0.0.1:6083/' },
};

const POWER_STATE_NAMES: { [code: number]: string } = { 0: 'pending', 1: 'running', 3: 'paused', 4: 'shutdown', 6: 'crashed', 7: 'suspended' };

type Row = Instance & { id: number };

/** The port of an instance's console of one type on its host (stable per instance). */
export function consolePort(instance: Row, consoleType: string): number {
  const c = CONSOLE_TYPES[consoleType];
  if (!c) throw new ConsoleTypeInvalid(consoleType);
  return c.base + (instance.id % 1000);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A host's `uptime` line: since its service started, with a load made from what runs there. */
export function hostUptime(env: Env, service: Service, runningVms: number): string {
  const nowMs = env.nowMs();
  const now = new Date(nowMs);
  const boot = service.created_at ? Date.parse(service.created_at) : nowMs;
  const secs = Math.max(0, Math.floor((nowMs - boot) / 1000));
  const days = Math.floor(secs / 86400);
  const hours = Math.floor((secs % 86400) / 3600);
  const mins = Math.floor((secs % 3600) / 60);
  const up = days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${hours}:${pad(mins)}` : `${hours}:${pad(mins)}`;
  const load = (runningVms * 0.25).toFixed(2);
  const clock = `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
  return ` ${clock} up ${up},  0 users,  load average: ${load}, ${load}, ${load}`;
}

/** The instance's console log: a boot banner and one line per recorded action. */
export function consoleOutput(env: Env, instance: Row, tailLength?: number | null): string {
  const lines = [`[    0.000000] Linux version 5.15.0 (simulated) booting ${instance.display_name ?? instance.uuid}`];
  const actions = env.store.actions.list(instance.uuid).reverse();
  for (const a of actions) lines.push(`[${a.start_time ?? ''}] ${a.action} (${a.request_id})`);
  lines.push(`${instance.hostname ?? instance.display_name ?? instance.uuid} login:`);
  const tail = tailLength === undefined || tailLength === null ? lines : lines.slice(-Math.max(0, Math.trunc(tailLength)));
  return tail.join('\n');
}

export function diagnostics(env: Env, instance: Row): JsonMap {
  const launched = instance.launched_at ? Date.parse(instance.launched_at) : env.nowMs();
  const memory = instance.memory_mb ?? instance.flavor?.memory_mb ?? 0;
  return {
    state: POWER_STATE_NAMES[instance.power_state ?? 0] ?? 'pending',
    driver: 'simulated',
    hypervisor_os: 'linux',
    uptime: instance.power_state === 1 ? Math.max(0, Math.floor((env.nowMs() - launched) / 1000)) : 0,
    num_cpus: instance.vcpus ?? instance.flavor?.vcpus ?? 0,
    num_nics: 1,
    num_disks: 1,
    memory_details: { maximum: memory, used: instance.power_state === 1 ? Math.floor(memory / 2) : 0 },
    config_drive: Boolean(instance.config_drive),
  };
}

/** Connect info for a new console of an instance; the token is stored in this cell. */
export function issueConsole(env: Env, instance: Row, consoleType: string, kinds: readonly string[]): JsonMap {
  const c = CONSOLE_TYPES[consoleType];
  if (!c || !kinds.includes(c.kind)) throw new ConsoleTypeInvalid(consoleType);
  if (!instance.host) throw new InstanceNotReady(instance.uuid);
  const port = consolePort(instance, consoleType);
  const { token } = env.store.consoleTokens.create(
    {
      console_type: consoleType,
      host: instance.host,
      port,
      internal_access_path: null,
      instance_uuid: instance.uuid,
      access_url_base: c.url,
      expires: env.nowMs() + 600_000,
    },
    env.now(),
  );
  return { token, access_url: `${c.url}?token=${token}`, host: instance.host, port, internal_access_path: null, console_type: consoleType };
}

/** Whether `port` is the instance's console port of that type (the compute manager's check). */
export function validateConsolePort(instance: Row, port: number | string, consoleType: string): boolean {
  if (!instance.host) return false;
  return consolePort(instance, consoleType) === Number(port);
}

function macOf(uuid: string): string {
  const h = createHash('sha256').update(uuid).digest();
  return ['fa', '16', '3e', ...[0, 1, 2].map((i) => (h[i] ?? 0).toString(16).padStart(2, '0'))].join(':');
}

function monthStart(ms: number): string {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
}

/**
 * Records each live instance's interface usage on a host for the current month: the
 * counters grow with the time the instance has run. Every row is sent to the top.
 */
export function pollBandwidthUsage(env: Env, sync: TopSync, host: string): number {
  const nowMs = env.nowMs();
  const start = monthStart(nowMs);
  let n = 0;
  for (const inst of env.store.instances.onHost(host)) {
    const launched = inst.launched_at ? Date.parse(inst.launched_at) : nowMs;
    const secs = Math.max(0, Math.floor((nowMs - launched) / 1000));
    const mac = macOf(inst.uuid);
    const ctrIn = secs * 1000;
    const ctrOut = secs * 500;
    const prev = env.store.bwUsage.list(inst.uuid).find((r) => r.mac === mac && r.start_period === start);
    const info = {
      uuid: inst.uuid,
      mac,
      start_period: start,
      bw_in: (prev?.bw_in ?? 0) + Math.max(0, ctrIn - (prev?.last_ctr_in ?? 0)),
      bw_out: (prev?.bw_out ?? 0) + Math.max(0, ctrOut - (prev?.last_ctr_out ?? 0)),
      last_ctr_in: ctrIn,
      last_ctr_out: ctrOut,
      last_refreshed: env.now(),
    };
    env.store.bwUsage.update(info, env.now());
    sync.bwUsage(info);
    n++;
  }
  return n;
}

/** The usage audit of a host for a period: a task log row (nova's instance_usage_audit). */
export function instanceUsageAudit(env: Env, host: string, periodBeginning?: string | null, periodEnding?: string | null): TaskLog {
  const hour = 3_600_000;
  const end = periodEnding ?? new Date(Math.floor(env.nowMs() / hour) * hour).toISOString();
  const begin = periodBeginning ?? new Date(Date.parse(end) - hour).toISOString();
  const items = env.store.instances.onHost(host).filter((i) => !i.launched_at || i.launched_at <= new Date(end).toISOString()).length;
  return env.store.taskLogs.record(
    {
      task_name: 'instance_usage_audit',
      state: 'DONE',
      host,
      period_beginning: begin,
      period_ending: end,
      message: `Instance usage audit ran for host ${host}, ${items} instances.`,
      task_items: items,
      errors: 0,
    },
    env.now(),
  );
}

function instanceArg(args: JsonMap): string {
  const inst = args.instance;
  if (inst && typeof inst === 'object' && !Array.isArray(inst) && typeof inst.uuid === 'string') return inst.uuid;
  if (typeof args.instance_uuid === 'string') return args.instance_uuid;
  throw new InvalidArgument('the manager method needs `instance` (with a uuid) or `instance_uuid`');
}

function instanceOnHost(env: Env, host: string, args: JsonMap): Row {
  const uuid = instanceArg(args);
  const inst = env.store.instances.get(uuid);
  if (!inst) throw new InstanceNotFound(uuid);
  if (inst.host !== host) throw new InvalidArgument(`instance ${uuid} is not on host ${host}`);
  return inst;
}

/** Runs one method of a host's simulated manager. */
export function callHostManager(env: Env, sync: TopSync, host: string, method: string, args: JsonMap): JsonValue {
  const service = env.store.services.getByComputeHost(host);
  if (!service) throw new ComputeHostNotFound(host);
  switch (method as HostManagerMethod) {
    case 'get_host_uptime':
      return hostUptime(env, service, env.store.instances.onHost(host).filter((i) => i.power_state === 1).length);
    case 'set_host_enabled': {
      if (typeof args.enabled !== 'boolean') throw new InvalidArgument('set_host_enabled needs `enabled` (a boolean)');
      env.store.services.update(service.id, { disabled: !args.enabled, disabled_reason: args.enabled ? null : 'set_host_enabled' }, env.now());
      return args.enabled ? 'enabled' : 'disabled';
    }
    case 'get_console_output':
      return consoleOutput(env, instanceOnHost(env, host, args), typeof args.tail_length === 'number' ? args.tail_length : null);
    case 'get_diagnostics':
      return diagnostics(env, instanceOnHost(env, host, args));
    case 'validate_console_port': {
      const inst = instanceOnHost(env, host, args);
      const port = args.port;
      if (typeof port !== 'number' && typeof port !== 'string') throw new InvalidArgument('validate_console_port needs `port`');
      return validateConsolePort(inst, port, String(args.console_type ?? ''));
    }
    case 'get_vnc_console':
      return issueConsole(env, instanceOnHost(env, host, args), String(args.console_type ?? 'novnc'), ['vnc']);
    case 'get_spice_console':
      return issueConsole(env, instanceOnHost(env, host, args), String(args.console_type ?? 'spice-html5'), ['spice']);
    case 'get_serial_console':
      return issueConsole(env, instanceOnHost(env, host, args), String(args.console_type ?? 'serial'), ['serial']);
    case 'poll_bandwidth_usage':
      return pollBandwidthUsage(env, sync, host);
    case 'instance_usage_audit': {
      const b = typeof args.period_beginning === 'string' ? args.period_beginning : null;
      const e = typeof args.period_ending === 'string' ? args.period_ending : null;
      return instanceUsageAudit(env, host, b, e) as unknown as JsonMap;
    }
    default:
      throw new ManagerMethodNotFound('compute', method);
  }
}
