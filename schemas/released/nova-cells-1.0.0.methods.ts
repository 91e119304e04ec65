/**
 * RELEASED BASELINE: the nova_cells method set as released at version 1.0.0 (commit 11c4ae9),
 * frozen. `cellwire-codegen diff` compares the current packages/schema/src/nova-cells/methods.ts
 * against it (tools/codegen/test/diff.test.ts); see docs/upgrades.md.
 *
 * One self-contained file: packages/schema/src/types.ts, packages/schema/src/args.ts and
 * packages/schema/src/nova-cells/methods.ts as they were, in that order, with their imports
 * of each other removed and the `A.` / `T.` qualifiers dropped. Only the protocol's own
 * types come from @cellwire/core, as they did. Never edit it; when a new version is
 * released, add that version's snapshot beside it and point the test at it.
 */
import { method, type Capabilities, type Capacities, type JsonValue } from '@cellwire/core';

// ===========================================================================
// packages/schema/src/types.ts
// ===========================================================================

/**
 * Domain types carried by cellwire messages. These are wire types: snake_case fields,
 * dates as ISO 8601 strings, no functions or classes, so typescript-json-schema can turn
 * each one into a JSON Schema (`required`, `noExtraProps`, `strictNullChecks`).
 *
 * Field names follow the reference (nova objects and DB rows, see
 * the reference (docs/reference.md)). `null` means the reference field is nullable;
 * `?` means the field may be absent (partial objects travel, like a versioned object's
 * set fields).
 */



// ---------------------------------------------------------------------------
// Generic values
// ---------------------------------------------------------------------------

/**
 * A JSON object with free-form values.
 *
 * Maps are written as index signatures, never `Record<...>`: typescript-json-schema
 * (0.68) loses the value type of `Record` and, with `noExtraProps`, emits
 * `additionalProperties: false`, which would reject every key.
 */
export type JsonMap = { [key: string]: JsonValue };

/** A map of strings to strings (metadata, extra specs). */
export type StringMap = { [key: string]: string };

/** A date and time as an ISO 8601 string (e.g. `2019-04-04T12:00:00Z`). */
export type IsoDateTime = string;

// ---------------------------------------------------------------------------
// Instances and flavors
// ---------------------------------------------------------------------------

/** A flavor (instance type): the size of an instance. */
export interface Flavor {
  /** Database id. */
  id: number;
  /** The API-visible flavor id (`flavor['flavorid']` is what resize passes on). */
  flavorid: string;
  name: string;
  memory_mb: number;
  vcpus: number;
  /** Root disk size in GB. */
  root_gb: number;
  /** Ephemeral disk size in GB. */
  ephemeral_gb: number;
  /** Swap size in MB. */
  swap: number;
  rxtx_factor?: number;
  vcpu_weight?: number | null;
  disabled?: boolean;
  is_public?: boolean;
  extra_specs?: StringMap;
  description?: string | null;
}

/** A security group as attached to an instance. */
export interface SecurityGroup {
  id?: number;
  name: string;
  description?: string | null;
  project_id?: string | null;
  user_id?: string | null;
}

/** The instance's cached network information. */
export interface InstanceInfoCache {
  instance_uuid?: string;
  /** The list of VIFs as the network service describes them. */
  network_info: JsonValue;
}

/**
 * A compute instance. Only `uuid` is required: partial instances travel (e.g. an
 * instance with only a uuid for `instance_destroy_at_top`), and an update carries only
 * the fields it changes.
 */
export interface Instance {
  uuid: string;
  /** Database id in the cell that sent it (dropped by `instance_update_at_top`). */
  id?: number;
  /**
   * The instance's cell as a path seen from the top cell (`api-cell!child-cell2`); null
   * when unknown. A `!!` prefix marks a save that must not sync to the other side.
   */
  cell_name?: string | null;
  /** Compute host running the instance. */
  host?: string | null;
  /** Hypervisor node on that host. */
  node?: string | null;
  /** Host the instance was first launched on. */
  launched_on?: string | null;
  /** `building`, `active`, `stopped`, `paused`, `suspended`, `resized`, `soft-delete`, `deleted`, `error`, ... */
  vm_state?: string;
  /** Task in progress (`resize_prep`, `image_snapshot_pending`, ...); null when idle. */
  task_state?: string | null;
  /** Hypervisor power state code (0 no state, 1 running, 3 paused, 4 shutdown, 6 crashed, 7 suspended). */
  power_state?: number;
  display_name?: string | null;
  display_description?: string | null;
  hostname?: string | null;
  /** Image the instance was booted from; empty for volume-backed instances. */
  image_ref?: string | null;
  kernel_id?: string | null;
  ramdisk_id?: string | null;
  flavor?: Flavor;
  /** The flavor before a resize in progress. */
  old_flavor?: Flavor | null;
  /** The flavor after a resize in progress. */
  new_flavor?: Flavor | null;
  instance_type_id?: number | null;
  memory_mb?: number | null;
  vcpus?: number | null;
  root_gb?: number | null;
  ephemeral_gb?: number | null;
  /** User metadata; the API cell is authoritative for it. */
  metadata?: StringMap;
  /** System metadata; the instance's own cell is authoritative for it. */
  system_metadata?: StringMap;
  /** Base64 user data. */
  user_data?: string | null;
  project_id?: string | null;
  user_id?: string | null;
  key_name?: string | null;
  key_data?: string | null;
  reservation_id?: string | null;
  launch_index?: number | null;
  availability_zone?: string | null;
  locked?: boolean;
  /** Who locked the instance. */
  locked_by?: 'owner' | 'admin' | null;
  os_type?: string | null;
  architecture?: string | null;
  vm_mode?: string | null;
  root_device_name?: string | null;
  default_ephemeral_device?: string | null;
  default_swap_device?: string | null;
  config_drive?: string | null;
  access_ip_v4?: string | null;
  access_ip_v6?: string | null;
  auto_disk_config?: boolean;
  /** Progress of the current operation, 0-100. */
  progress?: number | null;
  shutdown_terminate?: boolean;
  disable_terminate?: boolean;
  ephemeral_key_uuid?: string | null;
  info_cache?: InstanceInfoCache | null;
  security_groups?: SecurityGroup[];
  tags?: string[];
  launched_at?: IsoDateTime | null;
  terminated_at?: IsoDateTime | null;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
  /** Whether the instance's local files were cleaned up after deletion. */
  cleaned?: boolean;
}

/**
 * The state(s) an instance must be in for a save to apply: one state, a list of
 * acceptable states (null in the list means "no state"), or null for no check.
 */
export type ExpectedState = string | null | (string | null)[];

/** A fault recorded against an instance (`instance_fault_create_at_top`). */
export interface InstanceFault {
  /** Database id in the sending cell; dropped at the top. */
  id?: number;
  instance_uuid: string;
  /** HTTP-like error code (e.g. 500). */
  code: number;
  message: string;
  /** Details, usually the traceback. */
  details?: string | null;
  host?: string | null;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** A recorded user action on an instance (`createImage`, `reboot`, ...). */
export interface InstanceAction {
  id: number;
  /** The action name, e.g. `create`, `createImage`, `createBackup`. */
  action: string;
  instance_uuid: string;
  request_id: string;
  user_id: string | null;
  project_id: string | null;
  start_time: IsoDateTime | null;
  finish_time: IsoDateTime | null;
  /** `Error` when the action failed, else null. */
  message: string | null;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** One step of an instance action (e.g. `compute_reboot_instance`). */
export interface InstanceActionEvent {
  id: number;
  /** The InstanceAction this event belongs to. */
  action_id: number;
  event: string;
  start_time: IsoDateTime | null;
  finish_time: IsoDateTime | null;
  /** `Success` or `Error`; null while running. */
  result: string | null;
  traceback: string | null;
  host: string | null;
  details: string | null;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** A block device mapping: one disk (volume, image, blank, snapshot) attached to an instance. */
export interface BlockDeviceMapping {
  /** Database id in the sending cell; dropped at the top. */
  id?: number;
  uuid?: string;
  instance_uuid: string;
  /** `image`, `volume`, `snapshot` or `blank`. */
  source_type?: string | null;
  /** `local` or `volume`. */
  destination_type?: string | null;
  guest_format?: string | null;
  /** `disk`, `cdrom`, `floppy`, `lun`. */
  device_type?: string | null;
  disk_bus?: string | null;
  boot_index?: number | null;
  /** Device path in the guest, e.g. `/dev/vdb`. One of the keys used to match a row at the top. */
  device_name?: string | null;
  delete_on_termination?: boolean;
  snapshot_id?: string | null;
  /** Volume id. One of the keys used to match a row at the top. */
  volume_id?: string | null;
  volume_size?: number | null;
  image_id?: string | null;
  no_device?: boolean | null;
  /** Connection info as a JSON string, as stored by the reference. */
  connection_info?: string | null;
  tag?: string | null;
  attachment_id?: string | null;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** A key pair owned by a user. */
export interface KeyPair {
  id?: number;
  name: string;
  user_id: string;
  fingerprint: string;
  public_key: string;
  /** Key type. */
  type: 'ssh' | 'x509';
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** A migration record (cold migration, resize, live migration or evacuation). */
export interface Migration {
  id: number;
  uuid?: string;
  instance_uuid: string;
  source_compute: string | null;
  dest_compute: string | null;
  source_node: string | null;
  dest_node: string | null;
  dest_host: string | null;
  old_instance_type_id: number | null;
  new_instance_type_id: number | null;
  /** `migrating`, `finished`, `confirmed`, `reverted`, `error`, `done`, ... */
  status: string;
  migration_type: 'migration' | 'resize' | 'live-migration' | 'evacuation';
  hidden: boolean;
  memory_total?: number | null;
  memory_processed?: number | null;
  memory_remaining?: number | null;
  disk_total?: number | null;
  disk_processed?: number | null;
  disk_remaining?: number | null;
  created_at: IsoDateTime | null;
  updated_at: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** Filters for `get_migrations` (`compute_api.get_migrations`). Absent keys do not filter. */
export interface MigrationFilters {
  /** One status or a list of statuses. */
  status?: string | string[];
  /** Source or destination compute host. */
  host?: string;
  source_compute?: string;
  dest_compute?: string;
  instance_uuid?: string;
  uuid?: string;
  migration_type?: 'migration' | 'resize' | 'live-migration' | 'evacuation';
  hidden?: boolean;
  /** Only migrations changed at or after this time. */
  'changes-since'?: IsoDateTime;
  /**
   * The cell to ask, relative to the caller (the reference manager turns it into the
   * `cell_name` argument `<our name>!<cell_name>`).
   */
  cell_name?: string;
}

// ---------------------------------------------------------------------------
// Services and compute nodes
// ---------------------------------------------------------------------------

/** A service (nova-compute, nova-conductor, ...) running on a host of a cell. */
export interface Service {
  id: number;
  uuid?: string;
  host: string;
  /** The executable, e.g. `nova-compute`. */
  binary: string;
  /** The RPC topic, e.g. `compute`. */
  topic: string | null;
  /** How many times the service has reported in. */
  report_count: number;
  disabled: boolean;
  disabled_reason: string | null;
  /** Marked down by an operator, whatever its heartbeat says. */
  forced_down: boolean;
  /** When the service last reported in. */
  last_seen_up: IsoDateTime | null;
  created_at: IsoDateTime | null;
  updated_at: IsoDateTime | null;
  /** Service (RPC object) version. */
  version: number;
  availability_zone?: string | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** Filters for `service_get_all`: `disabled` selects on the disabled flag; every other filter must equal the service's field. */
export interface ServiceGetAllFilters {
  /** true: only disabled services; false: only enabled ones; null or absent: both. */
  disabled?: boolean | null;
  host?: string;
  binary?: string;
  topic?: string | null;
  forced_down?: boolean;
  disabled_reason?: string | null;
  availability_zone?: string | null;
  version?: number;
}

/** The fields `service_update` may change, e.g. `{ "disabled": true }`. */
export interface ServiceUpdateParams {
  disabled?: boolean;
  disabled_reason?: string | null;
  forced_down?: boolean;
}

/** A hypervisor node and its resource usage. */
export interface ComputeNode {
  id: number;
  uuid: string;
  /** The compute service's host. */
  host: string | null;
  /** The node's name as the hypervisor reports it. */
  hypervisor_hostname: string;
  /** `QEMU`, `xen`, `ironic`, ... */
  hypervisor_type: string;
  /** Hypervisor version as one integer (e.g. 2011000 for 2.11.0). */
  hypervisor_version: number;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
  free_ram_mb: number;
  free_disk_gb: number;
  /** Number of instances with a task in progress. */
  current_workload: number;
  running_vms: number;
  /** Free disk (GB) counting over-committed images; null when unknown. */
  disk_available_least: number | null;
  service_id: number | null;
  /** CPU model and topology as a JSON string, as stored by the reference. */
  cpu_info: string;
  host_ip?: string | null;
  cpu_allocation_ratio?: number | null;
  ram_allocation_ratio?: number | null;
  disk_allocation_ratio?: number | null;
  /** Free-form hypervisor statistics. */
  stats?: StringMap;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** Sums over the compute nodes of one cell (`compute_node_statistics`); the caller sums these per key over cells. */
export interface ComputeNodeStats {
  /** Number of compute nodes. */
  count: number;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
  free_ram_mb: number;
  free_disk_gb: number;
  current_workload: number;
  running_vms: number;
  disk_available_least: number;
}

// ---------------------------------------------------------------------------
// Logs and usage
// ---------------------------------------------------------------------------

/** A record of a periodic task's run on one host (e.g. `instance_usage_audit`). */
export interface TaskLog {
  id: number;
  task_name: string;
  /** `RUNNING` or `DONE`. */
  state: string;
  host: string;
  period_beginning: IsoDateTime;
  period_ending: IsoDateTime;
  message: string;
  /** Items processed. */
  task_items: number;
  errors: number;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  deleted?: boolean;
}

/** Bandwidth usage of one instance interface for one audit period (`bw_usage_update_at_top`). */
export interface BwUsage {
  /** Instance uuid. */
  uuid: string;
  /** The interface's MAC address. */
  mac: string;
  /** Start of the audit period. */
  start_period: IsoDateTime;
  /** Bytes in during the period. */
  bw_in: number;
  /** Bytes out during the period. */
  bw_out: number;
  /** Last raw counter value read (in). */
  last_ctr_in: number;
  /** Last raw counter value read (out). */
  last_ctr_out: number;
  last_refreshed?: IsoDateTime | null;
}

// ---------------------------------------------------------------------------
// Method payloads
// ---------------------------------------------------------------------------

/** A compute API call to run in a cell (`run_compute_api_method`). */
export interface MethodInfo {
  /** The compute API method name, e.g. `start`, `shelve`. */
  method: string;
  /** Positional arguments; the first is the instance uuid. */
  method_args: JsonValue[];
  method_kwargs: JsonMap;
}

/** An RPC message to forward to a host's manager (`proxy_rpc_to_manager`). */
export interface RpcMessage {
  /** The manager method to call or cast. */
  method: string;
  /** Its keyword arguments. */
  args: JsonMap;
}

/** A file to write into a new or rebuilt instance: `[path, base64 contents]`. */
export type InjectedFile = [string, string];

/** A requested network for a new instance. */
export interface NetworkRequest {
  network_id?: string | null;
  /** Fixed IP address. */
  address?: string | null;
  port_id?: string | null;
  pci_request_id?: string | null;
  tag?: string | null;
}

/** Image metadata as the image service returns it. Keys not declared here are kept as they are. */
export interface ImageMeta {
  id?: string;
  name?: string | null;
  /** `active`, `queued`, ... */
  status?: string;
  container_format?: string | null;
  disk_format?: string | null;
  /** Minimum RAM in MB. */
  min_ram?: number;
  /** Minimum disk in GB. */
  min_disk?: number;
  /** Size in bytes. */
  size?: number | null;
  checksum?: string | null;
  owner?: string | null;
  /** Image properties; the cells ImagePropertiesFilter reads `hypervisor_version_requires`. */
  properties?: JsonMap;
  created_at?: IsoDateTime | null;
  updated_at?: IsoDateTime | null;
  [extra: string]: JsonValue | undefined;
}

/**
 * Scheduler hints given by the user. The cells filters read `target_cell` (a cell path
 * to build in) and `different_cell` (cell path(s) to avoid); other hints pass through.
 */
export interface SchedulerHints {
  target_cell?: string;
  different_cell?: string | string[];
  [hint: string]: JsonValue | undefined;
}

/** Retry state of a scheduling request. */
export interface SchedulerRetry {
  num_attempts: number;
  /** `[host, node]` pairs already tried. */
  hosts: string[][];
}

/** Scheduling constraints for `build_instances`. */
export interface FilterProperties {
  /** The flavor of the instances to build. */
  instance_type: Flavor;
  scheduler_hints?: SchedulerHints;
  /** Build only on these hosts. */
  force_hosts?: string[];
  /** Build only on these nodes. */
  force_nodes?: string[];
  retry?: SchedulerRetry;
}

/** The `build_inst_kwargs` of `build_instances`: what the cells scheduler needs to place and build instances. */
export interface BuildInstancesKwargs {
  /** The instances to build (same flavor and image); their uuids are used to create them in the chosen cell. */
  instances: Instance[];
  /** Image metadata; `{}` for a volume-backed build. */
  image: ImageMeta;
  filter_properties: FilterProperties;
  admin_password: string | null;
  injected_files: InjectedFile[];
  requested_networks: NetworkRequest[] | null;
  /** Security group names. */
  security_groups: string[];
  block_device_mapping: BlockDeviceMapping[];
  /** Whether `block_device_mapping` uses the legacy format. */
  legacy_bdm: boolean;
}

// ===========================================================================
// packages/schema/src/args.ts
// ===========================================================================

/**
 * The arguments of every message method: one interface per method, named
 * `<PascalCaseWireName>Args`, with the reference MessageRunner's argument names (after
 * `ctxt`). Arguments that have a default in the reference are optional; the default is
 * given in the field's doc.
 */

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

// ===========================================================================
// packages/schema/src/nova-cells/methods.ts
// ===========================================================================

/**
 * The Nova cells v1 service: every public message method of the reference MessageRunner,
 * declared once. `cellwire-codegen` reads this file and writes src/gen/nova-cells (the
 * descriptor, handler and client interfaces, validators) and schemas/nova-cells.
 *
 * Wire names are the reference MessageRunner names (nova.cells.messaging, stein-eol). The
 * capabilities and capacities exchange is the separate service `cell_state`.
 */
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
  build_instances: method<BuildInstancesArgs, null>({
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
  run_compute_api_method: method<RunComputeApiMethodArgs, JsonValue>({
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
  instance_update_at_top: method<InstanceUpdateAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /** Destroy an instance in the top cell's store (by uuid when the object is incomplete); a missing instance is ignored. */
  instance_destroy_at_top: method<InstanceDestroyAtTopArgs, null>({
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
  instance_delete_everywhere: method<InstanceDeleteEverywhereArgs, null>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: false,
    runLocally: false,
    target: 'none',
  }),

  /** Record an instance fault in the top cell (without the sender's `id`). */
  instance_fault_create_at_top: method<InstanceFaultCreateAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /** Record an instance interface's bandwidth usage in the top cell. */
  bw_usage_update_at_top: method<BwUsageUpdateAtTopArgs, null>({
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
  sync_instances: method<SyncInstancesArgs, null>({
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
  service_get_all: method<ServiceGetAllArgs, Service[]>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),

  /** Get the compute service of a host in a cell. */
  service_get_by_compute_host: method<ServiceGetByComputeHostArgs, Service>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /** Get a host's uptime (the output of `uptime` on the host) in a cell. */
  get_host_uptime: method<GetHostUptimeArgs, string>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /**
   * Update a service (by host and binary) in a cell, e.g. `{ disabled: true }` to stop new
   * builds on a compute host. Returns the updated service.
   */
  service_update: method<ServiceUpdateArgs, Service>({
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
  service_delete: method<ServiceDeleteArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /**
   * Forward an RPC message to a host's manager in a cell, after checking that the host's
   * compute service exists: a call (with `timeout`) whose result comes back, or a cast.
   */
  proxy_rpc_to_manager: method<ProxyRpcToManagerArgs, JsonValue>({
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
  task_log_get_all: method<TaskLogGetAllArgs, TaskLog[]>({
    kind: 'targeted_or_broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: { arg: 'cell_name', optional: true },
  }),

  /** List the compute nodes of every cell (broadcast down, this cell included), optionally matching a hypervisor hostname. */
  compute_node_get_all: method<ComputeNodeGetAllArgs, ComputeNode[]>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),

  /** Sum each cell's compute node counters (broadcast down, this cell included); the caller sums them over cells. */
  compute_node_stats: method<ComputeNodeStatsArgs, ComputeNodeStats>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),

  /** Get a compute node in a cell, by uuid if `compute_id` looks like one, else by id. */
  compute_node_get: method<ComputeNodeGetArgs, ComputeNode>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  // -------------------------------------------------------------------------
  // Instance actions
  // -------------------------------------------------------------------------

  /** List the actions recorded for an instance in a cell. */
  actions_get: method<ActionsGetArgs, InstanceAction[]>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /** Get an instance's action by request id in a cell; null when there is none. */
  action_get_by_request_id: method<ActionGetByRequestIdArgs, InstanceAction | null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  /** List the events of an instance action in a cell. */
  action_events_get: method<ActionEventsGetArgs, InstanceActionEvent[]>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),

  // -------------------------------------------------------------------------
  // Consoles
  // -------------------------------------------------------------------------

  /** Delete the console auth tokens of an instance in the top cell. */
  consoleauth_delete_tokens: method<ConsoleauthDeleteTokensArgs, null>({
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
  validate_console_port: method<ValidateConsolePortArgs, boolean>({
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
  bdm_update_or_create_at_top: method<BdmUpdateOrCreateAtTopArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
    topOnly: true,
  }),

  /** Destroy an instance's block device mapping in the top cell, by device name if given, else by volume id. */
  bdm_destroy_at_top: method<BdmDestroyAtTopArgs, null>({
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
  get_migrations: method<GetMigrationsArgs, Migration[]>({
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
  instance_update_from_api: method<InstanceUpdateFromApiArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Start an instance in its cell (`compute_api.start`). */
  start_instance: method<StartInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Stop an instance in its cell. A cast unless `do_cast` is false. */
  stop_instance: method<StopInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: { arg: 'do_cast', negate: true, default: false },
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Reboot an instance in its cell, soft or hard (`compute_api.reboot`). */
  reboot_instance: method<RebootInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Suspend an instance in its cell (`compute_api.suspend`). */
  suspend_instance: method<SuspendInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Resume a suspended instance in its cell (`compute_api.resume`). */
  resume_instance: method<ResumeInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Pause an instance in its cell (`compute_api.pause`). */
  pause_instance: method<PauseInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Unpause an instance in its cell (`compute_api.unpause`). */
  unpause_instance: method<UnpauseInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Delete an instance in its cell with the compute API method named by `delete_type` (`delete` or `force_delete`). */
  terminate_instance: method<TerminateInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Soft-delete an instance in its cell (`compute_api.soft_delete`). */
  soft_delete_instance: method<SoftDeleteInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /**
   * Resize an instance in its cell to `flavor` (`compute_api.resize` with the flavor's
   * `flavorid`, `clean_shutdown` and the extra instance updates as keyword arguments).
   */
  resize_instance: method<ResizeInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Live-migrate an instance within its cell (`compute_api.live_migrate`; a null host lets the scheduler pick). */
  live_migrate_instance: method<LiveMigrateInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Revert an instance's resize in its cell (`compute_api.revert_resize`). */
  revert_resize: method<RevertResizeArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Confirm an instance's resize in its cell (`compute_api.confirm_resize`). */
  confirm_resize: method<ConfirmResizeArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Reset an instance's networking in its cell (`compute_api.reset_network`). */
  reset_network: method<ResetNetworkArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Inject network information into an instance in its cell (`compute_api.inject_network_info`). */
  inject_network_info: method<InjectNetworkInfoArgs, null>({
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
  snapshot_instance: method<SnapshotInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /**
   * Back up an instance in its cell into `image_id`, keeping `rotation` backups of
   * `backup_type`: as snapshot, with task state `image_backup` and action `createBackup`.
   */
  backup_instance: method<BackupInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Rebuild an instance in its cell from `image_href` (`compute_api.rebuild`, with `preserve_ephemeral` added to `kwargs`). */
  rebuild_instance: method<RebuildInstanceArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: { arg: 'instance.cell_name', ifMissing: 'skip' },
  }),

  /** Set an instance's admin password in its cell (`compute_api.set_admin_password`). */
  set_admin_password: method<SetAdminPasswordArgs, null>({
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
  get_keypair_at_top: method<GetKeypairAtTopArgs, KeyPair | null>({
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
