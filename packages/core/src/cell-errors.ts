/**
 * The reference's cells exceptions (nova.exception), as members of the one error family.
 * Their class names travel on the wire, so a Python-era name keeps its meaning.
 */
import { CellwireError, type CellwireErrorOptions } from './errors.js';

/** A path that cannot be routed: "Inconsistency in cell routing: <reason>". */
export class CellRoutingInconsistency extends CellwireError {
  override name = 'CellRoutingInconsistency';
  constructor(reason: string, options: CellwireErrorOptions = {}) {
    super('routing_inconsistency', `Inconsistency in cell routing: ${reason}`, {
      ...options,
      details: { reason, ...options.details },
    });
  }
}

/** A targeted message would go further than the origin's max_hop_count. */
export class CellMaxHopCountReached extends CellwireError {
  override name = 'CellMaxHopCountReached';
  constructor(hopCount: number, options: CellwireErrorOptions = {}) {
    super('hop_limit', `Cell message has reached maximum hop count: ${hopCount}`, {
      ...options,
      details: { hop_count: hopCount, ...options.details },
    });
  }
}

/** No answer by the deadline. Unlike the reference, it names the cell. */
export class CellTimeout extends CellwireError {
  override name = 'CellTimeout';
  constructor(cell: string, options: CellwireErrorOptions = {}) {
    super('timeout', `Timeout waiting for response from cell ${cell}`, { ...options, cell });
  }
}

/** A neighbour cannot be reached (link down, cell stopped, no queue). */
export class CellUnavailable extends CellwireError {
  override name = 'CellUnavailable';
  constructor(cell: string, why: string, options: CellwireErrorOptions = {}) {
    super('unavailable', `Cell ${cell} is unavailable: ${why}`, { ...options, cell });
  }
}

/** A method name that is not in the dispatch table, or not implemented by this cell. */
export class UnknownMethod extends CellwireError {
  override name = 'UnknownMethod';
  constructor(method: string, why = 'is not a known method', options: CellwireErrorOptions = {}) {
    super('unknown_method', `Method '${method}' ${why}`, { ...options, details: { method, ...options.details } });
  }
}

/** Arguments or an envelope that do not match the generated schema. */
export class InvalidArgument extends CellwireError {
  override name = 'InvalidArgument';
  constructor(message: string, options: CellwireErrorOptions = {}) {
    super('invalid_argument', message, options);
  }
}

/** "Cell <name> doesn't exist." */
export class CellNotFound extends CellwireError {
  override name = 'CellNotFound';
  constructor(cellName: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Cell ${cellName} doesn't exist.`, { ...options, details: { cell_name: cellName, ...options.details } });
  }
}

/** run_compute_api_method with a method outside the allow-list. */
export class CellServiceAPIMethodNotFound extends CellwireError {
  override name = 'CellServiceAPIMethodNotFound';
  constructor(detail: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Service API method not found: ${detail}`, { ...options, details: { detail, ...options.details } });
  }
}

/** An instance that is not in this cell's store. */
export class InstanceNotFound extends CellwireError {
  override name = 'InstanceNotFound';
  constructor(instanceId: string, options: CellwireErrorOptions = {}) {
    super('not_found', `Instance ${instanceId} could not be found.`, {
      ...options,
      details: { instance_id: instanceId, ...options.details },
    });
  }
}

/** An instance whose cell is not known, so no message can be targeted at it. */
export class InstanceUnknownCell extends CellwireError {
  override name = 'InstanceUnknownCell';
  constructor(instanceUuid: string, options: CellwireErrorOptions = {}) {
    super('routing_inconsistency', `Cell is not known for instance ${instanceUuid}`, {
      ...options,
      details: { instance_uuid: instanceUuid, ...options.details },
    });
  }
}

/** The scheduler found no cell that fits. */
export class NoCellsAvailable extends CellwireError {
  override name = 'NoCellsAvailable';
  constructor(options: CellwireErrorOptions = {}) {
    super('resource_exhausted', 'No cells available matching scheduling criteria.', { ...options, retryable: false });
  }
}
