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
  override name = stryMutAct_9fa48("0") ? "" : (stryCov_9fa48("0"), 'CellRoutingInconsistency');
  constructor(reason: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("1") ? "" : (stryCov_9fa48("1"), 'routing_inconsistency'), stryMutAct_9fa48("2") ? `` : (stryCov_9fa48("2"), `Inconsistency in cell routing: ${reason}`), stryMutAct_9fa48("3") ? {} : (stryCov_9fa48("3"), {
      ...options,
      details: stryMutAct_9fa48("4") ? {} : (stryCov_9fa48("4"), {
        reason,
        ...options.details
      })
    }));
  }
}

/** A targeted message would go further than the origin's max_hop_count. */
export class CellMaxHopCountReached extends CellwireError {
  override name = stryMutAct_9fa48("5") ? "" : (stryCov_9fa48("5"), 'CellMaxHopCountReached');
  constructor(hopCount: number, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("6") ? "" : (stryCov_9fa48("6"), 'hop_limit'), stryMutAct_9fa48("7") ? `` : (stryCov_9fa48("7"), `Cell message has reached maximum hop count: ${hopCount}`), stryMutAct_9fa48("8") ? {} : (stryCov_9fa48("8"), {
      ...options,
      details: stryMutAct_9fa48("9") ? {} : (stryCov_9fa48("9"), {
        hop_count: hopCount,
        ...options.details
      })
    }));
  }
}

/** No answer by the deadline. Unlike the reference, it names the cell. */
export class CellTimeout extends CellwireError {
  override name = stryMutAct_9fa48("10") ? "" : (stryCov_9fa48("10"), 'CellTimeout');
  constructor(cell: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("11") ? "" : (stryCov_9fa48("11"), 'timeout'), stryMutAct_9fa48("12") ? `` : (stryCov_9fa48("12"), `Timeout waiting for response from cell ${cell}`), stryMutAct_9fa48("13") ? {} : (stryCov_9fa48("13"), {
      ...options,
      cell
    }));
  }
}

/** A neighbour cannot be reached (link down, cell stopped, no queue). */
export class CellUnavailable extends CellwireError {
  override name = stryMutAct_9fa48("14") ? "" : (stryCov_9fa48("14"), 'CellUnavailable');
  constructor(cell: string, why: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("15") ? "" : (stryCov_9fa48("15"), 'unavailable'), stryMutAct_9fa48("16") ? `` : (stryCov_9fa48("16"), `Cell ${cell} is unavailable: ${why}`), stryMutAct_9fa48("17") ? {} : (stryCov_9fa48("17"), {
      ...options,
      cell
    }));
  }
}

/** A method name that is not in the dispatch table, or not implemented by this cell. */
export class UnknownMethod extends CellwireError {
  override name = stryMutAct_9fa48("18") ? "" : (stryCov_9fa48("18"), 'UnknownMethod');
  constructor(method: string, why = stryMutAct_9fa48("19") ? "" : (stryCov_9fa48("19"), 'is not a known method'), options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("20") ? "" : (stryCov_9fa48("20"), 'unknown_method'), stryMutAct_9fa48("21") ? `` : (stryCov_9fa48("21"), `Method '${method}' ${why}`), stryMutAct_9fa48("22") ? {} : (stryCov_9fa48("22"), {
      ...options,
      details: stryMutAct_9fa48("23") ? {} : (stryCov_9fa48("23"), {
        method,
        ...options.details
      })
    }));
  }
}

/** Arguments or an envelope that do not match the generated schema. */
export class InvalidArgument extends CellwireError {
  override name = stryMutAct_9fa48("24") ? "" : (stryCov_9fa48("24"), 'InvalidArgument');
  constructor(message: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("25") ? "" : (stryCov_9fa48("25"), 'invalid_argument'), message, options);
  }
}

/** "Cell <name> doesn't exist." */
export class CellNotFound extends CellwireError {
  override name = stryMutAct_9fa48("26") ? "" : (stryCov_9fa48("26"), 'CellNotFound');
  constructor(cellName: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("27") ? "" : (stryCov_9fa48("27"), 'not_found'), stryMutAct_9fa48("28") ? `` : (stryCov_9fa48("28"), `Cell ${cellName} doesn't exist.`), stryMutAct_9fa48("29") ? {} : (stryCov_9fa48("29"), {
      ...options,
      details: stryMutAct_9fa48("30") ? {} : (stryCov_9fa48("30"), {
        cell_name: cellName,
        ...options.details
      })
    }));
  }
}

/** run_compute_api_method with a method outside the allow-list. */
export class CellServiceAPIMethodNotFound extends CellwireError {
  override name = stryMutAct_9fa48("31") ? "" : (stryCov_9fa48("31"), 'CellServiceAPIMethodNotFound');
  constructor(detail: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("32") ? "" : (stryCov_9fa48("32"), 'not_found'), stryMutAct_9fa48("33") ? `` : (stryCov_9fa48("33"), `Service API method not found: ${detail}`), stryMutAct_9fa48("34") ? {} : (stryCov_9fa48("34"), {
      ...options,
      details: stryMutAct_9fa48("35") ? {} : (stryCov_9fa48("35"), {
        detail,
        ...options.details
      })
    }));
  }
}

/** An instance that is not in this cell's store. */
export class InstanceNotFound extends CellwireError {
  override name = stryMutAct_9fa48("36") ? "" : (stryCov_9fa48("36"), 'InstanceNotFound');
  constructor(instanceId: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("37") ? "" : (stryCov_9fa48("37"), 'not_found'), stryMutAct_9fa48("38") ? `` : (stryCov_9fa48("38"), `Instance ${instanceId} could not be found.`), stryMutAct_9fa48("39") ? {} : (stryCov_9fa48("39"), {
      ...options,
      details: stryMutAct_9fa48("40") ? {} : (stryCov_9fa48("40"), {
        instance_id: instanceId,
        ...options.details
      })
    }));
  }
}

/** An instance whose cell is not known, so no message can be targeted at it. */
export class InstanceUnknownCell extends CellwireError {
  override name = stryMutAct_9fa48("41") ? "" : (stryCov_9fa48("41"), 'InstanceUnknownCell');
  constructor(instanceUuid: string, options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("42") ? "" : (stryCov_9fa48("42"), 'routing_inconsistency'), stryMutAct_9fa48("43") ? `` : (stryCov_9fa48("43"), `Cell is not known for instance ${instanceUuid}`), stryMutAct_9fa48("44") ? {} : (stryCov_9fa48("44"), {
      ...options,
      details: stryMutAct_9fa48("45") ? {} : (stryCov_9fa48("45"), {
        instance_uuid: instanceUuid,
        ...options.details
      })
    }));
  }
}

/** The scheduler found no cell that fits. */
export class NoCellsAvailable extends CellwireError {
  override name = stryMutAct_9fa48("46") ? "" : (stryCov_9fa48("46"), 'NoCellsAvailable');
  constructor(options: CellwireErrorOptions = {}) {
    super(stryMutAct_9fa48("47") ? "" : (stryCov_9fa48("47"), 'resource_exhausted'), stryMutAct_9fa48("48") ? "" : (stryCov_9fa48("48"), 'No cells available matching scheduling criteria.'), stryMutAct_9fa48("49") ? {} : (stryCov_9fa48("49"), {
      ...options,
      retryable: stryMutAct_9fa48("50") ? true : (stryCov_9fa48("50"), false)
    }));
  }
}