/**
 * The Nova cells v1 service: every public message method of the reference MessageRunner,
 * declared once. `cellwire-codegen` reads this file and writes src/gen/nova-cells (the
 * descriptor, handler and client interfaces, validators) and schemas/nova-cells.
 *
 * Wire names are the reference MessageRunner names (nova.cells.messaging, stein-eol). The
 * capabilities and capacities exchange is the separate service `cell_state`.
 */
import { method } from '@cellwire/core';
import type * as A from '../args.js';
import type * as T from '../types.js';

/** The Nova cells v1 message methods (reference sections 2 and 4). */
export const service = { name: 'nova_cells', version: '1.0.0' } as const;

export const methods = {
  // -------------------------------------------------------------------------
  // Scheduling and compute API calls
  // -------------------------------------------------------------------------

  /**
   * Schedule and build instances, starting in `target_cell`: its scheduler picks itself or
   * a child by filters and weights. The chosen cell creates the instances, syncs them to the
   * top and builds them; a child is sent `build_instances` in turn. On final failure the
   * instances are set to ERROR.
   */
  build_instances: method<A.BuildInstancesArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'target_cell' },
  }),

  /**
   * Run a compute API method on an instance in a cell: the instance (`method_args[0]`, a
   * uuid) is loaded there and `compute_api.<method>` is called. A missing instance is also
   * destroyed at the top. Returns the method's result when `call` is true.
   */
  run_compute_api_method: method<A.RunComputeApiMethodArgs, T.JsonValue>({
    kind: 'targeted',
    direction: 'down',
    needResponse: { arg: 'call', default: false },
    target: { arg: 'cell_name' },
  }),

  // -------------------------------------------------------------------------
  // Instance sync
  // -------------------------------------------------------------------------

  /**
   * Update (or create) an instance in the top cell's store. Its `cell_name` becomes the
   * reversed routing path; `id`, `security_groups`, `volumes`, `name` and `metadata` are not
   * applied, and expected-state guards drop updates that arrive out of order.
   */
  instance_update_at_top: method<A.InstanceUpdateAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /** Destroy an instance in the top cell's store (by uuid when the object is incomplete); a missing instance is ignored. */
  instance_destroy_at_top: method<A.InstanceDestroyAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /**
   * Delete (or soft-delete, `delete_type: 'soft'`) an instance in every cell below this
   * one. Used by the top cell when it does not know the instance's cell.
   */
  instance_delete_everywhere: method<A.InstanceDeleteEverywhereArgs, null>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: false,
    runLocally: false,
    target: 'none',
  }),

  /** Record an instance fault in the top cell (without the sender's `id`). */
  instance_fault_create_at_top: method<A.InstanceFaultCreateAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /** Record an instance interface's bandwidth usage in the top cell. */
  bw_usage_update_at_top: method<A.BwUsageUpdateAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /**
   * Make every cell below resend its instances to the top: each cell walks its matching
   * instances and broadcasts `instance_update_at_top` for live ones and
   * `instance_destroy_at_top` for deleted ones.
   */
  sync_instances: method<A.SyncInstancesArgs, null>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: false,
    runLocally: false,
    target: 'none',
  }),

  // -------------------------------------------------------------------------
  // Services and hosts
  // -------------------------------------------------------------------------

  /**
   * List services in every cell (broadcast down, this cell included).
   * `filters.disabled` selects on the disabled flag; every other filter must equal the service's field.
   */
  service_get_all: method<A.ServiceGetAllArgs, T.Service[]>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),

  /** Get the compute service of a host in a cell. */
  service_get_by_compute_host: method<A.ServiceGetByComputeHostArgs, T.Service>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /** Get a host's uptime (the output of `uptime` on the host) in a cell. */
  get_host_uptime: method<A.GetHostUptimeArgs, string>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /**
   * Update a service (by host and binary) in a cell, e.g. `{ disabled: true }` to stop new
   * builds on a compute host. Returns the updated service.
   */
  service_update: method<A.ServiceUpdateArgs, T.Service>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /**
   * Delete a service in a cell. The caller waits for the answer and gets it: a failure in the
   * cell reaches the caller (the reference discarded it, only a timeout got through:
   * docs/differences.md); the value is null.
   */
  service_delete: method<A.ServiceDeleteArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /**
   * Forward an RPC message to a host's manager in a cell, after checking that the host's
   * compute service exists: a call (with `timeout`) whose result comes back, or a cast.
   */
  proxy_rpc_to_manager: method<A.ProxyRpcToManagerArgs, T.JsonValue>({
    kind: 'targeted',
    direction: 'down',
    needResponse: { arg: 'call', default: false },
    target: { arg: 'cell_name' },
  }),

  // -------------------------------------------------------------------------
  // Task logs and compute nodes
  // -------------------------------------------------------------------------

  /**
   * Get task logs for a period, filtered by host and state: from one cell when `cell_name`
   * is given, else from every cell (broadcast down, this cell included). Always answers a
   * list of Responses.
   */
  task_log_get_all: method<A.TaskLogGetAllArgs, T.TaskLog[]>({
    kind: 'targeted_or_broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: { arg: 'cell_name', optional: true },
  }),

  /** List the compute nodes of every cell (broadcast down, this cell included), optionally matching a hypervisor hostname. */
  compute_node_get_all: method<A.ComputeNodeGetAllArgs, T.ComputeNode[]>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),

  /** Sum each cell's compute node counters (broadcast down, this cell included); the caller sums them over cells. */
  compute_node_stats: method<A.ComputeNodeStatsArgs, T.ComputeNodeStats>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),

  /** Get a compute node in a cell, by uuid if `compute_id` looks like one, else by id. */
  compute_node_get: method<A.ComputeNodeGetArgs, T.ComputeNode>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  // -------------------------------------------------------------------------
  // Instance actions
  // -------------------------------------------------------------------------

  /** List the actions recorded for an instance in a cell. */
  actions_get: method<A.ActionsGetArgs, T.InstanceAction[]>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /** Get an instance's action by request id in a cell; null when there is none. */
  action_get_by_request_id: method<A.ActionGetByRequestIdArgs, T.InstanceAction | null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /** List the events of an instance action in a cell. */
  action_events_get: method<A.ActionEventsGetArgs, T.InstanceActionEvent[]>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  // -------------------------------------------------------------------------
  // Consoles
  // -------------------------------------------------------------------------

  /** Delete the console auth tokens of an instance in the top cell. */
  consoleauth_delete_tokens: method<A.ConsoleauthDeleteTokensArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /**
   * Ask the instance's compute host, in a cell, whether a console port is the instance's.
   * A missing instance is also destroyed at the top.
   */
  validate_console_port: method<A.ValidateConsolePortArgs, boolean>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  // -------------------------------------------------------------------------
  // Block device mappings
  // -------------------------------------------------------------------------

  /**
   * Create or update a block device mapping in the top cell (without the sender's `id`):
   * `create` true creates, false updates the row matching by device name or volume id,
   * null updates or creates.
   */
  bdm_update_or_create_at_top: method<A.BdmUpdateOrCreateAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /** Destroy an instance's block device mapping in the top cell, by device name if given, else by volume id. */
  bdm_destroy_at_top: method<A.BdmDestroyAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  // -------------------------------------------------------------------------
  // Migrations
  // -------------------------------------------------------------------------

  /**
   * List migrations matching the filters: from one cell when `cell_name` is given, else from
   * every cell below (this one too if `run_locally`). Always answers a list of Responses; a
   * `cell_name` that cannot be routed gives one failure Response naming it (the reference
   * gave an empty list: docs/differences.md).
   */
  get_migrations: method<A.GetMigrationsArgs, T.Migration[]>({
    kind: 'targeted_or_broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: { arg: 'run_locally', default: false },
    target: { arg: 'cell_name', optional: true },
  }),

  // -------------------------------------------------------------------------
  // Instance operations in the instance's cell
  // -------------------------------------------------------------------------

  /**
   * Apply the top cell's changes to an instance in its cell, with the expected states.
   * The cell keeps its own metadata and system_metadata, and its vm_state and task_state
   * unless `admin_state_reset`; the save does not sync back up.
   */
  instance_update_from_api: method<A.InstanceUpdateFromApiArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Start an instance in its cell (`compute_api.start`). */
  start_instance: method<A.StartInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Stop an instance in its cell. A cast unless `do_cast` is false. */
  stop_instance: method<A.StopInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: { arg: 'do_cast', negate: true, default: false },
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Reboot an instance in its cell, soft or hard (`compute_api.reboot`). */
  reboot_instance: method<A.RebootInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Suspend an instance in its cell (`compute_api.suspend`). */
  suspend_instance: method<A.SuspendInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Resume a suspended instance in its cell (`compute_api.resume`). */
  resume_instance: method<A.ResumeInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Pause an instance in its cell (`compute_api.pause`). */
  pause_instance: method<A.PauseInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Unpause an instance in its cell (`compute_api.unpause`). */
  unpause_instance: method<A.UnpauseInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Delete an instance in its cell with the compute API method named by `delete_type` (`delete` or `force_delete`). */
  terminate_instance: method<A.TerminateInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Soft-delete an instance in its cell (`compute_api.soft_delete`). */
  soft_delete_instance: method<A.SoftDeleteInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /**
   * Resize an instance in its cell to `flavor` (`compute_api.resize` with the flavor's
   * `flavorid`, `clean_shutdown` and the extra instance updates as keyword arguments).
   */
  resize_instance: method<A.ResizeInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Live-migrate an instance within its cell (`compute_api.live_migrate`; a null host lets the scheduler pick). */
  live_migrate_instance: method<A.LiveMigrateInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Revert an instance's resize in its cell (`compute_api.revert_resize`). */
  revert_resize: method<A.RevertResizeArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Confirm an instance's resize in its cell (`compute_api.confirm_resize`). */
  confirm_resize: method<A.ConfirmResizeArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Reset an instance's networking in its cell (`compute_api.reset_network`). */
  reset_network: method<A.ResetNetworkArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Inject network information into an instance in its cell (`compute_api.inject_network_info`). */
  inject_network_info: method<A.InjectNetworkInfoArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /**
   * Snapshot an instance in its cell into `image_id`: the instance is reloaded and set to
   * `image_snapshot_pending` (only if idle), a `createImage` action is recorded and the
   * compute host is asked to snapshot.
   */
  snapshot_instance: method<A.SnapshotInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /**
   * Back up an instance in its cell into `image_id`, keeping `rotation` backups of
   * `backup_type`: as snapshot, with task state `image_backup` and action `createBackup`.
   */
  backup_instance: method<A.BackupInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Rebuild an instance in its cell from `image_href` (`compute_api.rebuild`, with `preserve_ephemeral` added to `kwargs`). */
  rebuild_instance: method<A.RebuildInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Set an instance's admin password in its cell (`compute_api.set_admin_password`). */
  set_admin_password: method<A.SetAdminPasswordArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  // -------------------------------------------------------------------------
  // Key pairs
  // -------------------------------------------------------------------------

  /**
   * Look a user's key pair up by name in the top cell (broadcast up). Cells that are not
   * at the top, and the top when the key pair does not exist, answer null.
   */
  get_keypair_at_top: method<A.GetKeypairAtTopArgs, T.KeyPair | null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: true,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
