/**
 * Errors raised by the reference handlers and their store, named after the nova
 * exceptions they stand for. Their codes come from core's closed list (docs/errors.md): a
 * request the instance's state does not allow is `failed_precondition`, a lack of room
 * `resource_exhausted`, a bad argument `invalid_argument`. Register them in every runner of
 * a deployment (`registerComputeErrors(defaultErrorRegistry())`) so that they are rebuilt as
 * their own class on the calling side; unregistered, they arrive as RemoteError with the
 * class name.
 */
import { CellwireError, type CellwireErrorOptions, type ErrorRegistry } from '@cellwire/core';

/** "Compute host <host> could not be found." */
export class ComputeHostNotFound extends CellwireError {
  override name = 'ComputeHostNotFound';
  constructor(host: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Compute host ${host} could not be found.`, { ...options, details: { host, ...options.details } });
  }
}

/** "Service <id> could not be found." */
export class ServiceNotFound extends CellwireError {
  override name = 'ServiceNotFound';
  constructor(serviceId: string | number, options: CellwireErrorOptions = {}) {
    super('not_found', `Service ${serviceId} could not be found.`, { ...options, details: { service_id: serviceId, ...options.details } });
  }
}

/** "Could not find binary <binary> on host <host>." */
export class HostBinaryNotFound extends CellwireError {
  override name = 'HostBinaryNotFound';
  constructor(host: string, binary: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Could not find binary ${binary} on host ${host}.`, { ...options, details: { host, binary, ...options.details } });
  }
}

/** "Compute service of <host> is unavailable at this time." */
export class ComputeServiceUnavailable extends CellwireError {
  override name = 'ComputeServiceUnavailable';
  constructor(host: string, options: CellwireErrorOptions = {}) {
    super('unavailable', `Compute service of ${host} is unavailable at this time.`, {
      retryable: false,
      ...options,
      details: { host, ...options.details },
    });
  }
}

/** "Instance <uuid> in <attr> <state>. Cannot <method> while the instance is in this state." */
export class InstanceInvalidState extends CellwireError {
  override name = 'InstanceInvalidState';
  constructor(instanceUuid: string, attr: string, state: string | null, method: string, options: CellwireErrorOptions = {}) {
    super(
      'failed_precondition',
      `Instance ${instanceUuid} in ${attr} ${String(state)}. Cannot ${method} while the instance is in this state.`,
      { ...options, details: { instance_uuid: instanceUuid, attr, state, method, ...options.details } },
    );
  }
}

/** A save whose expected task state did not match (an update that arrived out of order). */
export class UnexpectedTaskStateError extends CellwireError {
  override name = 'UnexpectedTaskStateError';
  constructor(instanceUuid: string, expected: (string | null)[], actual: string | null, options: CellwireErrorOptions = {}) {
    super('failed_precondition', `Unexpected task state: expecting ${JSON.stringify(expected)} but the actual state is ${String(actual)}`, {
      ...options,
      details: { instance_uuid: instanceUuid, expected, actual, ...options.details },
    });
  }
}

/** A save whose expected vm state did not match (an update that arrived out of order). */
export class UnexpectedVMStateError extends CellwireError {
  override name = 'UnexpectedVMStateError';
  constructor(instanceUuid: string, expected: (string | null)[], actual: string | null, options: CellwireErrorOptions = {}) {
    super('failed_precondition', `Unexpected VM state: expecting ${JSON.stringify(expected)} but the actual state is ${String(actual)}`, {
      ...options,
      details: { instance_uuid: instanceUuid, expected, actual, ...options.details },
    });
  }
}

/** "Instance <uuid> is locked" (a non-admin context acting on a locked instance). */
export class InstanceIsLocked extends CellwireError {
  override name = 'InstanceIsLocked';
  constructor(instanceUuid: string, options: CellwireErrorOptions = {}) {
    super('failed_precondition', `Instance ${instanceUuid} is locked`, { ...options, details: { instance_uuid: instanceUuid, ...options.details } });
  }
}

/** The instance has no network info cache (delete and force_delete carry on without one). */
export class InstanceInfoCacheNotFound extends CellwireError {
  override name = 'InstanceInfoCacheNotFound';
  constructor(instanceUuid: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Info cache for instance ${instanceUuid} could not be found.`, {
      ...options,
      details: { instance_uuid: instanceUuid, ...options.details },
    });
  }
}

/** "Instance <uuid> is not ready" (e.g. no host yet for a console). */
export class InstanceNotReady extends CellwireError {
  override name = 'InstanceNotReady';
  constructor(instanceUuid: string, options: CellwireErrorOptions = {}) {
    super('failed_precondition', `Instance ${instanceUuid} is not ready`, { ...options, details: { instance_uuid: instanceUuid, ...options.details } });
  }
}

/** "Flavor <id> could not be found." */
export class FlavorNotFound extends CellwireError {
  override name = 'FlavorNotFound';
  constructor(flavorId: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Flavor ${flavorId} could not be found.`, { ...options, details: { flavor_id: flavorId, ...options.details } });
  }
}

/** "When resizing, instances must change flavor!" */
export class CannotResizeToSameFlavor extends CellwireError {
  override name = 'CannotResizeToSameFlavor';
  constructor(options: CellwireErrorOptions = {}) {
    super('invalid_argument', 'When resizing, instances must change flavor!', options);
  }
}

/** "Resize error: <reason>." */
export class ResizeError extends CellwireError {
  override name = 'ResizeError';
  constructor(reason: string, options: CellwireErrorOptions = {}) {
    super('invalid_argument', `Resize error: ${reason}.`, { ...options, details: { reason, ...options.details } });
  }
}

/** "No valid host was found. <reason>" */
export class NoValidHost extends CellwireError {
  override name = 'NoValidHost';
  constructor(reason: string, options: CellwireErrorOptions = {}) {
    super('resource_exhausted', `No valid host was found. ${reason}`, { retryable: false, ...options, details: { reason, ...options.details } });
  }
}

/** "Unable to migrate instance (<uuid>) to current host (<host>)." */
export class UnableToMigrateToSelf extends CellwireError {
  override name = 'UnableToMigrateToSelf';
  constructor(instanceUuid: string, host: string, options: CellwireErrorOptions = {}) {
    super('invalid_argument', `Unable to migrate instance (${instanceUuid}) to current host (${host}).`, {
      ...options,
      details: { instance_id: instanceUuid, host, ...options.details },
    });
  }
}

/** "Migration not found for instance <uuid> with status <status>." */
export class MigrationNotFoundByStatus extends CellwireError {
  override name = 'MigrationNotFoundByStatus';
  constructor(instanceUuid: string, status: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Migration not found for instance ${instanceUuid} with status ${status}.`, {
      ...options,
      details: { instance_id: instanceUuid, status, ...options.details },
    });
  }
}

/** "Invalid console type <type>" */
export class ConsoleTypeInvalid extends CellwireError {
  override name = 'ConsoleTypeInvalid';
  constructor(consoleType: string, options: CellwireErrorOptions = {}) {
    super('invalid_argument', `Invalid console type ${consoleType}`, { ...options, details: { console_type: consoleType, ...options.details } });
  }
}

/** proxy_rpc_to_manager: a topic or manager method the simulated host manager does not have. */
export class ManagerMethodNotFound extends CellwireError {
  override name = 'ManagerMethodNotFound';
  constructor(topic: string, method: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Manager method not found: ${topic}.${method}`, { ...options, details: { topic, method, ...options.details } });
  }
}

/** Every class above, in one list. */
export const computeErrorClasses = [
  ComputeHostNotFound,
  ServiceNotFound,
  HostBinaryNotFound,
  ComputeServiceUnavailable,
  InstanceInvalidState,
  UnexpectedTaskStateError,
  UnexpectedVMStateError,
  InstanceIsLocked,
  InstanceInfoCacheNotFound,
  InstanceNotReady,
  FlavorNotFound,
  CannotResizeToSameFlavor,
  ResizeError,
  NoValidHost,
  UnableToMigrateToSelf,
  MigrationNotFoundByStatus,
  ConsoleTypeInvalid,
  ManagerMethodNotFound,
] as const;

/**
 * Adds the handlers' error classes to a registry, so they cross cells as themselves.
 *
 * @example
 * new MessageRunner({ name, services, errors: registerComputeErrors(defaultErrorRegistry()) })
 */
export function registerComputeErrors(registry: ErrorRegistry): ErrorRegistry {
  for (const cls of computeErrorClasses) registry.register(cls);
  return registry;
}
