/**
 * The arguments of every message method: one interface per method, named
 * `<PascalCaseWireName>Args`, with the reference MessageRunner's argument names (after
 * `ctxt`). Arguments that have a default in the reference are optional; the default is
 * given in the field's doc.
 */
import type {
  BlockDeviceMapping,
  BuildInstancesKwargs,
  BwUsage,
  Capabilities,
  Capacities,
  ExpectedState,
  Flavor,
  InjectedFile,
  Instance,
  InstanceFault,
  JsonMap,
  MethodInfo,
  MigrationFilters,
  RpcMessage,
  ServiceGetAllFilters,
  ServiceUpdateParams,
} from './types.js';

// ---------------------------------------------------------------------------
// Capabilities and capacities (the payload comes from the cell's own state)
// ---------------------------------------------------------------------------

export interface AskChildrenForCapabilitiesArgs {}

export interface AskChildrenForCapacitiesArgs {}

export interface TellParentsOurCapabilitiesArgs {}

export interface TellParentsOurCapacitiesArgs {}

// ---------------------------------------------------------------------------
// Scheduling and compute API calls
// ---------------------------------------------------------------------------

export interface BuildInstancesArgs {
  /** Path of the cell that schedules the build (the caller first targets its own cell). */
  target_cell: string;
  build_inst_kwargs: BuildInstancesKwargs;
}

export interface RunComputeApiMethodArgs {
  /** Path of the cell to run the method in. */
  cell_name: string;
  method_info: MethodInfo;
  /** Wait for the method's result (default false: a cast). */
  call?: boolean;
}

// ---------------------------------------------------------------------------
// Instance sync (broadcasts)
// ---------------------------------------------------------------------------

export interface InstanceUpdateAtTopArgs {
  /** The instance as the child cell sees it (only the set fields are applied). */
  instance: Instance;
}

export interface InstanceDestroyAtTopArgs {
  /** The instance to destroy; a uuid alone is enough. */
  instance: Instance;
}

export interface InstanceDeleteEverywhereArgs {
  instance: Instance;
  /** `soft` soft-deletes; anything else (`hard`) deletes. */
  delete_type: 'hard' | 'soft';
}

export interface InstanceFaultCreateAtTopArgs {
  instance_fault: InstanceFault;
}

export interface BwUsageUpdateAtTopArgs {
  bw_update_info: BwUsage;
}

export interface SyncInstancesArgs {
  /** Only this project's instances (default null: all projects). */
  project_id?: string | null;
  /** Only instances changed at or after this ISO time (default null: all). */
  updated_since?: string | null;
  /** Also sync deleted instances (default false). */
  deleted?: boolean;
}

// ---------------------------------------------------------------------------
// Services and hosts
// ---------------------------------------------------------------------------

export interface ServiceGetAllArgs {
  /** Default null: every service. */
  filters?: ServiceGetAllFilters | null;
}

export interface ServiceGetByComputeHostArgs {
  cell_name: string;
  host_name: string;
}

export interface GetHostUptimeArgs {
  cell_name: string;
  host_name: string;
}

export interface ServiceUpdateArgs {
  cell_name: string;
  host_name: string;
  /** The service's executable, e.g. `nova-compute`. */
  binary: string;
  params_to_update: ServiceUpdateParams;
}

export interface ServiceDeleteArgs {
  cell_name: string;
  /** The service's id in that cell. */
  service_id: number | string;
}

export interface ProxyRpcToManagerArgs {
  cell_name: string;
  /** The host whose compute service must exist in that cell. */
  host_name: string;
  /** `topic` or `topic.server` (e.g. `compute.host1`); split at the first `.`. */
  topic: string;
  rpc_message: RpcMessage;
  /** Call and wait for the result (default false: a cast). */
  call?: boolean;
  /** Seconds to wait for the manager's answer when calling (default null: the RPC default). */
  timeout?: number | null;
}

// ---------------------------------------------------------------------------
// Task logs and compute nodes
// ---------------------------------------------------------------------------

export interface TaskLogGetAllArgs {
  /** Ask this cell only; null or absent: every cell, this one included (a broadcast). */
  cell_name?: string | null;
  task_name: string;
  /** ISO time. */
  period_beginning: string;
  /** ISO time. */
  period_ending: string;
  /** Only this host's logs (default null). */
  host?: string | null;
  /** Only logs in this state (default null). */
  state?: string | null;
}

export interface ComputeNodeGetAllArgs {
  /** Only nodes whose hypervisor_hostname contains this (default null: all nodes). */
  hypervisor_match?: string | null;
}

export interface ComputeNodeStatsArgs {}

export interface ComputeNodeGetArgs {
  cell_name: string;
  /** The node's id, or its uuid. */
  compute_id: number | string;
}

// ---------------------------------------------------------------------------
// Instance actions
// ---------------------------------------------------------------------------

export interface ActionsGetArgs {
  cell_name: string;
  instance_uuid: string;
}

export interface ActionGetByRequestIdArgs {
  cell_name: string;
  instance_uuid: string;
  request_id: string;
}

export interface ActionEventsGetArgs {
  cell_name: string;
  action_id: number;
}

// ---------------------------------------------------------------------------
// Consoles
// ---------------------------------------------------------------------------

export interface ConsoleauthDeleteTokensArgs {
  instance_uuid: string;
}

export interface ValidateConsolePortArgs {
  cell_name: string;
  instance_uuid: string;
  console_port: number | string;
  /** `novnc`, `xvpvnc`, `spice-html5`, `serial`, ... */
  console_type: string;
}

// ---------------------------------------------------------------------------
// Block device mappings (broadcasts to the top)
// ---------------------------------------------------------------------------

export interface BdmUpdateOrCreateAtTopArgs {
  bdm: BlockDeviceMapping;
  /** true: create; false: update the matching row; null or absent (default): update or create. */
  create?: boolean | null;
}

export interface BdmDestroyAtTopArgs {
  instance_uuid: string;
  /** Destroy the mapping with this device name (checked first). */
  device_name?: string | null;
  /** Else destroy the mapping of this volume. */
  volume_id?: string | null;
}

// ---------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------

export interface GetMigrationsArgs {
  /** Ask this cell only; null or absent: every cell below (a broadcast). */
  cell_name?: string | null;
  /** When broadcasting, also ask this cell (default false, as the reference manager passes). */
  run_locally?: boolean;
  filters: MigrationFilters;
}

// ---------------------------------------------------------------------------
// Instance operations in the instance's cell
// ---------------------------------------------------------------------------

export interface InstanceUpdateFromApiArgs {
  /** The instance with the API cell's changes; `instance.cell_name` picks the cell. */
  instance: Instance;
  expected_vm_state: ExpectedState;
  expected_task_state: ExpectedState;
  /** An admin reset: also apply the API cell's vm_state and task_state. */
  admin_state_reset: boolean;
}

export interface StartInstanceArgs {
  instance: Instance;
}

export interface StopInstanceArgs {
  instance: Instance;
  /** Do not wait for the stop (default true). */
  do_cast?: boolean;
  /** Let the guest shut down cleanly (default true). */
  clean_shutdown?: boolean;
}

export interface RebootInstanceArgs {
  instance: Instance;
  reboot_type: 'SOFT' | 'HARD';
}

export interface SuspendInstanceArgs {
  instance: Instance;
}

export interface ResumeInstanceArgs {
  instance: Instance;
}

export interface PauseInstanceArgs {
  instance: Instance;
}

export interface UnpauseInstanceArgs {
  instance: Instance;
}

export interface TerminateInstanceArgs {
  instance: Instance;
  /** The compute API method to call (default `delete`). */
  delete_type?: 'delete' | 'force_delete';
}

export interface SoftDeleteInstanceArgs {
  instance: Instance;
}

export interface ResizeInstanceArgs {
  instance: Instance;
  /** The new flavor; its `flavorid` is passed on. */
  flavor: Flavor;
  /** Extra keyword arguments for the compute API's resize. */
  extra_instance_updates: JsonMap;
  /** Let the guest shut down cleanly (default true). */
  clean_shutdown?: boolean;
}

export interface LiveMigrateInstanceArgs {
  instance: Instance;
  /** true, false, or `auto` (decide from the storage). */
  block_migration: boolean | 'auto';
  disk_over_commit: boolean | null;
  /** Destination host; null lets the scheduler pick. */
  host_name: string | null;
}

export interface RevertResizeArgs {
  instance: Instance;
}

export interface ConfirmResizeArgs {
  instance: Instance;
}

export interface ResetNetworkArgs {
  instance: Instance;
}

export interface InjectNetworkInfoArgs {
  instance: Instance;
}

export interface SnapshotInstanceArgs {
  instance: Instance;
  /** The image already created to hold the snapshot. */
  image_id: string;
}

export interface BackupInstanceArgs {
  instance: Instance;
  /** The image already created to hold the backup. */
  image_id: string;
  /** E.g. `daily`, `weekly`. */
  backup_type: string;
  /** How many backups of this type to keep. */
  rotation: number;
}

export interface RebuildInstanceArgs {
  instance: Instance;
  /** The image to rebuild from. */
  image_href: string;
  admin_password: string | null;
  files_to_inject: InjectedFile[] | null;
  /** Keep the ephemeral disk. */
  preserve_ephemeral: boolean;
  /** Extra keyword arguments for the compute API's rebuild. */
  kwargs: JsonMap;
}

export interface SetAdminPasswordArgs {
  instance: Instance;
  new_pass: string;
}

// ---------------------------------------------------------------------------
// Key pairs
// ---------------------------------------------------------------------------

export interface GetKeypairAtTopArgs {
  user_id: string;
  name: string;
}

// ---------------------------------------------------------------------------
// Inter-cell methods (received from a neighbour only)
// ---------------------------------------------------------------------------

export interface UpdateCapabilitiesArgs {
  /** Short name of the child cell that sends its capabilities. */
  cell_name: string;
  capabilities: Capabilities;
}

export interface UpdateCapacitiesArgs {
  /** Short name of the child cell that sends its capacities. */
  cell_name: string;
  capacities: Capacities;
}

export interface AnnounceCapabilitiesArgs {}

export interface AnnounceCapacitiesArgs {}

