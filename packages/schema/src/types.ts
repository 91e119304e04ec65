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

import type { JsonValue } from '@cellwire/core';

// The protocol's own types, defined by @cellwire/core, used here as they are.
export type { Capabilities, Capacities, CapacityUnits, JsonValue, RequestContext } from '@cellwire/core';

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

