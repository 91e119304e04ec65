/**
 * What every handler module shares: the resolved dependencies of one cell, and the queue
 * of messages a compute cell sends to the top after changing its store (what nova's
 * `instance.save()`, `InstanceFault.create()`, `BlockDeviceMapping.save()` ... send in a
 * compute cell). Handlers never send these from instance_update_at_top or
 * instance_update_from_api, so there is no sync loop.
 */
import { createClient } from '@cellwire/client';
import type { HandlerContext, Logger } from '@cellwire/core';
import { novaCells, type BlockDeviceMapping, type BwUsage, type Flavor, type Instance, type InstanceFault } from '@cellwire/schema';
import { DEFAULT_FLAVORS, DEFAULT_RESERVE_PERCENT } from '../capacity.js';
import type { Store } from '../store/index.js';

/** What createHandlers needs. */
export interface HandlerDeps {
  store: Store;
  /** This cell's short name. */
  cellName: string;
  /** The flavor catalog (capacities, resize by flavorid); default DEFAULT_FLAVORS. */
  flavors?: readonly Flavor[];
  /** Capacity reserve, percent (default 10, as `[cells] reserve_percent`). */
  reservePercent?: number;
  /** Cells scheduler: attempts after the first (default 10) and the wait between them (default 2000 ms), as the reference. */
  scheduler?: { retries?: number; retryDelayMs?: number };
  /** Default: the runner's logger. */
  logger?: Logger;
  /** Clock (default: the system clock). */
  now?: () => Date;
  /** Page size of sync_instances (default 100, as `instance_update_sync_database_limit`). */
  syncPageSize?: number;
}

/** HandlerDeps with the defaults applied. */
export interface Env {
  readonly store: Store;
  readonly cellName: string;
  readonly flavors: readonly Flavor[];
  readonly reservePercent: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly syncPageSize: number;
  /** Now, as the ISO text the store keeps. */
  now(): string;
  nowMs(): number;
  log(ctx: HandlerContext): Logger;
}

export function resolveDeps(deps: HandlerDeps): Env {
  const clock = deps.now ?? (() => new Date());
  return {
    store: deps.store,
    cellName: deps.cellName,
    flavors: deps.flavors ?? DEFAULT_FLAVORS,
    reservePercent: deps.reservePercent ?? DEFAULT_RESERVE_PERCENT,
    retries: Math.max(0, deps.scheduler?.retries ?? 10),
    retryDelayMs: Math.max(0, deps.scheduler?.retryDelayMs ?? 2000),
    syncPageSize: Math.max(1, deps.syncPageSize ?? 100),
    now: () => clock().toISOString(),
    nowMs: () => clock().getTime(),
    log: (ctx) => deps.logger ?? ctx.runner.logger,
  };
}

type Upward =
  | { kind: 'update'; instance: Instance }
  | { kind: 'destroy'; instance: Instance }
  | { kind: 'fault'; fault: InstanceFault }
  | { kind: 'bdm'; bdm: BlockDeviceMapping; create: boolean | null }
  | { kind: 'bdm_destroy'; instance_uuid: string; device_name?: string | null; volume_id?: string | null }
  | { kind: 'console_tokens'; instance_uuid: string }
  | { kind: 'bw'; info: BwUsage };

/**
 * Messages to the top, queued while a handler changes the store and sent in order by
 * `flush()` (each awaited, so they leave in the order the changes happened). A cell with
 * no parents is the top itself: its store already holds the change, nothing is sent.
 */
export class TopSync {
  private readonly queue: Upward[] = [];
  /** What was sent, for the handler's log. */
  sent = 0;

  constructor(
    private readonly ctx: HandlerContext,
    private readonly env: Env,
  ) {}

  /** The instance as the top should see it (nova's instance_update_at_top). */
  update(instance: Instance): void {
    this.queue.push({ kind: 'update', instance: wireInstance(instance) });
  }

  destroy(instance: Instance): void {
    this.queue.push({ kind: 'destroy', instance: wireInstance(instance) });
  }

  fault(fault: InstanceFault): void {
    this.queue.push({ kind: 'fault', fault });
  }

  bdm(bdm: BlockDeviceMapping, create: boolean | null): void {
    this.queue.push({ kind: 'bdm', bdm, create });
  }

  bdmDestroy(instanceUuid: string, deviceName?: string | null, volumeId?: string | null): void {
    this.queue.push({ kind: 'bdm_destroy', instance_uuid: instanceUuid, device_name: deviceName ?? null, volume_id: volumeId ?? null });
  }

  consoleTokens(instanceUuid: string): void {
    this.queue.push({ kind: 'console_tokens', instance_uuid: instanceUuid });
  }

  bwUsage(info: BwUsage): void {
    this.queue.push({ kind: 'bw', info });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Sends everything queued, in order; failures are logged (these are casts). */
  async flush(): Promise<void> {
    const items = this.queue.splice(0);
    if (items.length === 0 || this.ctx.runner.state.isTop()) return;
    const client = createClient(novaCells, this.ctx.runner);
    const c = this.ctx.ctxt;
    for (const item of items) {
      try {
        switch (item.kind) {
          case 'update':
            await client.instanceUpdateAtTop(c, { instance: item.instance });
            break;
          case 'destroy':
            await client.instanceDestroyAtTop(c, { instance: item.instance });
            break;
          case 'fault':
            await client.instanceFaultCreateAtTop(c, { instance_fault: item.fault });
            break;
          case 'bdm':
            await client.bdmUpdateOrCreateAtTop(c, { bdm: item.bdm, create: item.create });
            break;
          case 'bdm_destroy':
            await client.bdmDestroyAtTop(c, { instance_uuid: item.instance_uuid, device_name: item.device_name ?? null, volume_id: item.volume_id ?? null });
            break;
          case 'console_tokens':
            await client.consoleauthDeleteTokens(c, { instance_uuid: item.instance_uuid });
            break;
          case 'bw':
            await client.bwUsageUpdateAtTop(c, { bw_update_info: item.info });
            break;
        }
        this.sent++;
      } catch (e) {
        this.env.log(this.ctx).warn(`could not send ${item.kind} to the top: ${(e as Error).message}`);
      }
    }
  }
}

/** An instance as it travels: a plain copy without undefined fields. */
export function wireInstance(instance: Instance): Instance {
  return JSON.parse(JSON.stringify(instance)) as Instance;
}

/** The instance a message names, as far as its uuid goes (for instance_destroy_at_top). */
export async function destroyAtTop(ctx: HandlerContext, env: Env, instance: Instance): Promise<void> {
  const sync = new TopSync(ctx, env);
  sync.destroy(instance);
  await sync.flush();
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
