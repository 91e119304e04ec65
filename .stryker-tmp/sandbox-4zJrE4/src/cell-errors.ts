/**
 * The reference's cells exceptions (nova.exception), as members of the one error family.
 * Their class names travel on the wire, so a Python-era name keeps its meaning.
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { CellwireError, type CellwireErrorOptions } from './errors.js';

/** A path that cannot be routed: "Inconsistency in cell routing: <reason>". */
export class CellRoutingInconsistency extends CellwireError {
  override name = stryMutAct_9fa48("192") ? "" : (stryCov_9fa48("192"), 'CellRoutingInconsistency');
  constructor(reason: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("193") ? "" : (stryCov_9fa48("193"), 'routing_inconsistency'), stryMutAct_9fa48("194") ? `` : (stryCov_9fa48("194"), `Inconsistency in cell routing: ${reason}`), stryMutAct_9fa48("195") ? {} : (stryCov_9fa48("195"), {
      ...options,
      details: stryMutAct_9fa48("196") ? {} : (stryCov_9fa48("196"), {
        reason,
        ...options.details
      })
    }));
  }
}

/** A targeted message would go further than the origin's max_hop_count. */
export class CellMaxHopCountReached extends CellwireError {
  override name = stryMutAct_9fa48("197") ? "" : (stryCov_9fa48("197"), 'CellMaxHopCountReached');
  constructor(hopCount: number, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("198") ? "" : (stryCov_9fa48("198"), 'hop_limit'), stryMutAct_9fa48("199") ? `` : (stryCov_9fa48("199"), `Cell message has reached maximum hop count: ${hopCount}`), stryMutAct_9fa48("200") ? {} : (stryCov_9fa48("200"), {
      ...options,
      details: stryMutAct_9fa48("201") ? {} : (stryCov_9fa48("201"), {
        hop_count: hopCount,
        ...options.details
      })
    }));
  }
}

/** No answer by the deadline. Unlike the reference, it names the cell. */
export class CellTimeout extends CellwireError {
  override name = stryMutAct_9fa48("202") ? "" : (stryCov_9fa48("202"), 'CellTimeout');
  constructor(cell: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("203") ? "" : (stryCov_9fa48("203"), 'timeout'), stryMutAct_9fa48("204") ? `` : (stryCov_9fa48("204"), `Timeout waiting for response from cell ${cell}`), stryMutAct_9fa48("205") ? {} : (stryCov_9fa48("205"), {
      ...options,
      cell
    }));
  }
}

/** A neighbour cannot be reached (link down, cell stopped, no queue). */
export class CellUnavailable extends CellwireError {
  override name = stryMutAct_9fa48("206") ? "" : (stryCov_9fa48("206"), 'CellUnavailable');
  constructor(cell: string, why: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("207") ? "" : (stryCov_9fa48("207"), 'unavailable'), stryMutAct_9fa48("208") ? `` : (stryCov_9fa48("208"), `Cell ${cell} is unavailable: ${why}`), stryMutAct_9fa48("209") ? {} : (stryCov_9fa48("209"), {
      ...options,
      cell
    }));
  }
}

/** A method name that is not in the dispatch table, or not implemented by this cell. */
export class UnknownMethod extends CellwireError {
  override name = stryMutAct_9fa48("210") ? "" : (stryCov_9fa48("210"), 'UnknownMethod');
  constructor(method: string, why = stryMutAct_9fa48("211") ? "" : (stryCov_9fa48("211"), 'is not a known method'), options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("212") ? "" : (stryCov_9fa48("212"), 'unknown_method'), stryMutAct_9fa48("213") ? `` : (stryCov_9fa48("213"), `Method '${method}' ${why}`), stryMutAct_9fa48("214") ? {} : (stryCov_9fa48("214"), {
      ...options,
      details: stryMutAct_9fa48("215") ? {} : (stryCov_9fa48("215"), {
        method,
        ...options.details
      })
    }));
  }
}

/** Arguments or an envelope that do not match the generated schema. */
export class InvalidArgument extends CellwireError {
  override name = stryMutAct_9fa48("216") ? "" : (stryCov_9fa48("216"), 'InvalidArgument');
  constructor(message: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("217") ? "" : (stryCov_9fa48("217"), 'invalid_argument'), message, options);
  }
}

/** "Cell <name> doesn't exist." */
export class CellNotFound extends CellwireError {
  override name = stryMutAct_9fa48("218") ? "" : (stryCov_9fa48("218"), 'CellNotFound');
  constructor(cellName: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("219") ? "" : (stryCov_9fa48("219"), 'not_found'), stryMutAct_9fa48("220") ? `` : (stryCov_9fa48("220"), `Cell ${cellName} doesn't exist.`), stryMutAct_9fa48("221") ? {} : (stryCov_9fa48("221"), {
      ...options,
      details: stryMutAct_9fa48("222") ? {} : (stryCov_9fa48("222"), {
        cell_name: cellName,
        ...options.details
      })
    }));
  }
}

/** run_compute_api_method with a method outside the allow-list. */
export class CellServiceAPIMethodNotFound extends CellwireError {
  override name = stryMutAct_9fa48("223") ? "" : (stryCov_9fa48("223"), 'CellServiceAPIMethodNotFound');
  constructor(detail: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("224") ? "" : (stryCov_9fa48("224"), 'not_found'), stryMutAct_9fa48("225") ? `` : (stryCov_9fa48("225"), `Service API method not found: ${detail}`), stryMutAct_9fa48("226") ? {} : (stryCov_9fa48("226"), {
      ...options,
      details: stryMutAct_9fa48("227") ? {} : (stryCov_9fa48("227"), {
        detail,
        ...options.details
      })
    }));
  }
}

/** An instance that is not in this cell's store. */
export class InstanceNotFound extends CellwireError {
  override name = stryMutAct_9fa48("228") ? "" : (stryCov_9fa48("228"), 'InstanceNotFound');
  constructor(instanceId: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("229") ? "" : (stryCov_9fa48("229"), 'not_found'), stryMutAct_9fa48("230") ? `` : (stryCov_9fa48("230"), `Instance ${instanceId} could not be found.`), stryMutAct_9fa48("231") ? {} : (stryCov_9fa48("231"), {
      ...options,
      details: stryMutAct_9fa48("232") ? {} : (stryCov_9fa48("232"), {
        instance_id: instanceId,
        ...options.details
      })
    }));
  }
}

/** An instance whose cell is not known, so no message can be targeted at it. */
export class InstanceUnknownCell extends CellwireError {
  override name = stryMutAct_9fa48("233") ? "" : (stryCov_9fa48("233"), 'InstanceUnknownCell');
  constructor(instanceUuid: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("234") ? "" : (stryCov_9fa48("234"), 'routing_inconsistency'), stryMutAct_9fa48("235") ? `` : (stryCov_9fa48("235"), `Cell is not known for instance ${instanceUuid}`), stryMutAct_9fa48("236") ? {} : (stryCov_9fa48("236"), {
      ...options,
      details: stryMutAct_9fa48("237") ? {} : (stryCov_9fa48("237"), {
        instance_uuid: instanceUuid,
        ...options.details
      })
    }));
  }
}

/** The scheduler found no cell that fits. */
export class NoCellsAvailable extends CellwireError {
  override name = stryMutAct_9fa48("238") ? "" : (stryCov_9fa48("238"), 'NoCellsAvailable');
  constructor(options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("239") ? "" : (stryCov_9fa48("239"), 'resource_exhausted'), stryMutAct_9fa48("240") ? "" : (stryCov_9fa48("240"), 'No cells available matching scheduling criteria.'), stryMutAct_9fa48("241") ? {} : (stryCov_9fa48("241"), {
      ...options,
      retryable: stryMutAct_9fa48("242") ? true : (stryCov_9fa48("242"), false)
    }));
  }
}