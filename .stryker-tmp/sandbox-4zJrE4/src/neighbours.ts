/**
 * What a cell knows of its neighbours (reference 1.3): their links, and the capabilities
 * and capacities they report, from which ours are computed for our own parents.
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
import { CellNotFound } from './cell-errors.js';
import type { Link } from './transport.js';
export type Side = 'parent' | 'child';

/** A cell's capabilities: name to values, e.g. `{ "hypervisor": ["kvm", "xen"], "os": ["linux"] }`. */
export type Capabilities = {
  [name: string]: string[];
};

/** Free capacity of one resource, counted in MB and in whole instances of each flavor size. */
export interface CapacityUnits {
  total_mb: number;
  /** Flavor size in MB (as a string key) to the number of such instances that fit. */
  units_by_mb: {
    [mb: string]: number;
  };
}

/** A cell's free capacity (its own plus its children's); `{}` when it has no usable hosts. */
export interface Capacities {
  /** Free RAM; units keyed by the flavor's `memory_mb`. */
  ram_free?: CapacityUnits;
  /** Free disk; units keyed by the flavor's `(root_gb + ephemeral_gb) * 1024`. */
  disk_free?: CapacityUnits;
}
export interface Neighbour {
  readonly name: string;
  readonly side: Side;
  readonly link: Link;
  capabilities: Capabilities;
  capacities: Capacities;
  /** When it last reported (ms since epoch); 0 = never. */
  lastSeen: number;
}
export interface NeighbourStateOptions {
  /** Our own capabilities, e.g. `{ hypervisor: ['kvm'] }`. */
  readonly capabilities?: Capabilities;
  /** Our own capacities, computed on demand (the cell service computes them from its hosts). */
  readonly capacities?: () => Capacities;
  /** A child silent for longer is mute: its capabilities are left out (default 300 s). */
  readonly muteChildIntervalMs?: number;
  readonly now?: () => number;
}

/** Parents, children, and what they told us. */
export class NeighbourState {
  readonly parents = new Map<string, Neighbour>();
  readonly children = new Map<string, Neighbour>();
  private readonly ourCapabilities: Capabilities;
  private readonly ourCapacities: () => Capacities;
  private readonly muteMs: number;
  private readonly now: () => number;
  constructor(readonly name: string, options: NeighbourStateOptions = {}) {
    if (stryMutAct_9fa48("1177")) {
      {}
    } else {
      stryCov_9fa48("1177");
      this.ourCapabilities = normalizeCapabilities(stryMutAct_9fa48("1178") ? options.capabilities && {} : (stryCov_9fa48("1178"), options.capabilities ?? {}));
      this.ourCapacities = stryMutAct_9fa48("1179") ? options.capacities && (() => ({})) : (stryCov_9fa48("1179"), options.capacities ?? (stryMutAct_9fa48("1180") ? () => undefined : (stryCov_9fa48("1180"), () => ({}))));
      this.muteMs = stryMutAct_9fa48("1181") ? options.muteChildIntervalMs && 300_000 : (stryCov_9fa48("1181"), options.muteChildIntervalMs ?? 300_000);
      this.now = stryMutAct_9fa48("1182") ? options.now && Date.now : (stryCov_9fa48("1182"), options.now ?? Date.now);
    }
  }
  add(side: Side, name: string, link: Link): Neighbour {
    if (stryMutAct_9fa48("1183")) {
      {}
    } else {
      stryCov_9fa48("1183");
      const n: Neighbour = stryMutAct_9fa48("1184") ? {} : (stryCov_9fa48("1184"), {
        name,
        side,
        link,
        capabilities: {},
        capacities: {},
        lastSeen: 0
      });
      ((stryMutAct_9fa48("1187") ? side !== 'parent' : stryMutAct_9fa48("1186") ? false : stryMutAct_9fa48("1185") ? true : (stryCov_9fa48("1185", "1186", "1187"), side === (stryMutAct_9fa48("1188") ? "" : (stryCov_9fa48("1188"), 'parent')))) ? this.parents : this.children).set(name, n);
      return n;
    }
  }
  remove(name: string): void {
    if (stryMutAct_9fa48("1189")) {
      {}
    } else {
      stryCov_9fa48("1189");
      this.parents.delete(name);
      this.children.delete(name);
    }
  }

  /** A cell is at the top exactly when it has no parents. */
  isTop(): boolean {
    if (stryMutAct_9fa48("1190")) {
      {}
    } else {
      stryCov_9fa48("1190");
      return stryMutAct_9fa48("1193") ? this.parents.size !== 0 : stryMutAct_9fa48("1192") ? false : stryMutAct_9fa48("1191") ? true : (stryCov_9fa48("1191", "1192", "1193"), this.parents.size === 0);
    }
  }

  /** Children that have not reported within the mute interval. */
  muteChildren(): string[] {
    if (stryMutAct_9fa48("1194")) {
      {}
    } else {
      stryCov_9fa48("1194");
      const cutoff = stryMutAct_9fa48("1195") ? this.now() + this.muteMs : (stryCov_9fa48("1195"), this.now() - this.muteMs);
      return stryMutAct_9fa48("1196") ? [...this.children.values()].map(c => c.name) : (stryCov_9fa48("1196"), (stryMutAct_9fa48("1197") ? [] : (stryCov_9fa48("1197"), [...this.children.values()])).filter(stryMutAct_9fa48("1198") ? () => undefined : (stryCov_9fa48("1198"), c => stryMutAct_9fa48("1202") ? c.lastSeen >= cutoff : stryMutAct_9fa48("1201") ? c.lastSeen <= cutoff : stryMutAct_9fa48("1200") ? false : stryMutAct_9fa48("1199") ? true : (stryCov_9fa48("1199", "1200", "1201", "1202"), c.lastSeen < cutoff))).map(stryMutAct_9fa48("1203") ? () => undefined : (stryCov_9fa48("1203"), c => c.name)));
    }
  }
  isMute(child: Neighbour): boolean {
    if (stryMutAct_9fa48("1204")) {
      {}
    } else {
      stryCov_9fa48("1204");
      return stryMutAct_9fa48("1208") ? child.lastSeen >= this.now() - this.muteMs : stryMutAct_9fa48("1207") ? child.lastSeen <= this.now() - this.muteMs : stryMutAct_9fa48("1206") ? false : stryMutAct_9fa48("1205") ? true : (stryCov_9fa48("1205", "1206", "1207", "1208"), child.lastSeen < (stryMutAct_9fa48("1209") ? this.now() + this.muteMs : (stryCov_9fa48("1209"), this.now() - this.muteMs)));
    }
  }

  /** Ours, plus the union of every child that is not mute. */
  getOurCapabilities(includeChildren = stryMutAct_9fa48("1210") ? false : (stryCov_9fa48("1210"), true)): Capabilities {
    if (stryMutAct_9fa48("1211")) {
      {}
    } else {
      stryCov_9fa48("1211");
      const sets = new Map<string, Set<string>>();
      const merge = (caps: Capabilities) => {
        if (stryMutAct_9fa48("1212")) {
          {}
        } else {
          stryCov_9fa48("1212");
          for (const [k, values] of Object.entries(caps)) {
            if (stryMutAct_9fa48("1213")) {
              {}
            } else {
              stryCov_9fa48("1213");
              const s = stryMutAct_9fa48("1214") ? sets.get(k) && new Set<string>() : (stryCov_9fa48("1214"), sets.get(k) ?? new Set<string>());
              for (const v of values) s.add(v);
              sets.set(k, s);
            }
          }
        }
      };
      merge(this.ourCapabilities);
      if (stryMutAct_9fa48("1216") ? false : stryMutAct_9fa48("1215") ? true : (stryCov_9fa48("1215", "1216"), includeChildren)) for (const c of this.children.values()) if (stryMutAct_9fa48("1219") ? false : stryMutAct_9fa48("1218") ? true : stryMutAct_9fa48("1217") ? this.isMute(c) : (stryCov_9fa48("1217", "1218", "1219"), !this.isMute(c))) merge(c.capabilities);
      return Object.fromEntries((stryMutAct_9fa48("1220") ? [] : (stryCov_9fa48("1220"), [...sets])).map(stryMutAct_9fa48("1221") ? () => undefined : (stryCov_9fa48("1221"), ([k, s]) => stryMutAct_9fa48("1222") ? [] : (stryCov_9fa48("1222"), [k, stryMutAct_9fa48("1223") ? [...s] : (stryCov_9fa48("1223"), (stryMutAct_9fa48("1224") ? [] : (stryCov_9fa48("1224"), [...s])).sort())]))));
    }
  }

  /** Ours, plus the numeric sum of every child's (mute children included, as in the reference). */
  getOurCapacities(includeChildren = stryMutAct_9fa48("1225") ? false : (stryCov_9fa48("1225"), true)): Capacities {
    if (stryMutAct_9fa48("1226")) {
      {}
    } else {
      stryCov_9fa48("1226");
      let total = structuredClone(this.ourCapacities()) as Record<string, unknown>;
      if (stryMutAct_9fa48("1228") ? false : stryMutAct_9fa48("1227") ? true : (stryCov_9fa48("1227", "1228"), includeChildren)) for (const c of this.children.values()) total = sumNumeric(total, c.capacities as Record<string, unknown>);
      return total as Capacities;
    }
  }

  /** A child's report; false (and nothing stored) for a cell that is not our child. */
  updateCellCapabilities(name: string, capabilities: Capabilities): boolean {
    if (stryMutAct_9fa48("1229")) {
      {}
    } else {
      stryCov_9fa48("1229");
      const c = this.children.get(name);
      if (stryMutAct_9fa48("1232") ? false : stryMutAct_9fa48("1231") ? true : stryMutAct_9fa48("1230") ? c : (stryCov_9fa48("1230", "1231", "1232"), !c)) return stryMutAct_9fa48("1233") ? true : (stryCov_9fa48("1233"), false);
      c.capabilities = normalizeCapabilities(capabilities);
      c.lastSeen = this.now();
      return stryMutAct_9fa48("1234") ? false : (stryCov_9fa48("1234"), true);
    }
  }
  updateCellCapacities(name: string, capacities: Capacities): boolean {
    if (stryMutAct_9fa48("1235")) {
      {}
    } else {
      stryCov_9fa48("1235");
      const c = this.children.get(name);
      if (stryMutAct_9fa48("1238") ? false : stryMutAct_9fa48("1237") ? true : stryMutAct_9fa48("1236") ? c : (stryCov_9fa48("1236", "1237", "1238"), !c)) return stryMutAct_9fa48("1239") ? true : (stryCov_9fa48("1239"), false);
      c.capacities = structuredClone(capacities);
      c.lastSeen = this.now();
      return stryMutAct_9fa48("1240") ? false : (stryCov_9fa48("1240"), true);
    }
  }

  /** Ours when `cellName` is empty or ours, a child's when known, else CellNotFound. */
  getCapacities(cellName?: string): Capacities {
    if (stryMutAct_9fa48("1241")) {
      {}
    } else {
      stryCov_9fa48("1241");
      if (stryMutAct_9fa48("1244") ? !cellName && cellName === this.name : stryMutAct_9fa48("1243") ? false : stryMutAct_9fa48("1242") ? true : (stryCov_9fa48("1242", "1243", "1244"), (stryMutAct_9fa48("1245") ? cellName : (stryCov_9fa48("1245"), !cellName)) || (stryMutAct_9fa48("1247") ? cellName !== this.name : stryMutAct_9fa48("1246") ? false : (stryCov_9fa48("1246", "1247"), cellName === this.name)))) return this.getOurCapacities();
      const c = this.children.get(cellName);
      if (stryMutAct_9fa48("1250") ? false : stryMutAct_9fa48("1249") ? true : stryMutAct_9fa48("1248") ? c : (stryCov_9fa48("1248", "1249", "1250"), !c)) throw new CellNotFound(cellName);
      return c.capacities;
    }
  }
}
function normalizeCapabilities(caps: Capabilities): Capabilities {
  if (stryMutAct_9fa48("1251")) {
    {}
  } else {
    stryCov_9fa48("1251");
    return Object.fromEntries(Object.entries(caps).map(stryMutAct_9fa48("1252") ? () => undefined : (stryCov_9fa48("1252"), ([k, v]) => stryMutAct_9fa48("1253") ? [] : (stryCov_9fa48("1253"), [k, stryMutAct_9fa48("1254") ? [...new Set(v)] : (stryCov_9fa48("1254"), (stryMutAct_9fa48("1255") ? [] : (stryCov_9fa48("1255"), [...new Set(v)])).sort())]))));
  }
}

/** Adds numbers at the same place in two nested records; other values of `a` win. */
export function sumNumeric(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  if (stryMutAct_9fa48("1256")) {
    {}
  } else {
    stryCov_9fa48("1256");
    const out: Record<string, unknown> = stryMutAct_9fa48("1257") ? {} : (stryCov_9fa48("1257"), {
      ...a
    });
    for (const [k, v] of Object.entries(b)) {
      if (stryMutAct_9fa48("1258")) {
        {}
      } else {
        stryCov_9fa48("1258");
        const mine = out[k];
        if (stryMutAct_9fa48("1261") ? typeof v !== 'number' : stryMutAct_9fa48("1260") ? false : stryMutAct_9fa48("1259") ? true : (stryCov_9fa48("1259", "1260", "1261"), typeof v === (stryMutAct_9fa48("1262") ? "" : (stryCov_9fa48("1262"), 'number')))) out[k] = stryMutAct_9fa48("1263") ? (typeof mine === 'number' ? mine : 0) - v : (stryCov_9fa48("1263"), ((stryMutAct_9fa48("1266") ? typeof mine !== 'number' : stryMutAct_9fa48("1265") ? false : stryMutAct_9fa48("1264") ? true : (stryCov_9fa48("1264", "1265", "1266"), typeof mine === (stryMutAct_9fa48("1267") ? "" : (stryCov_9fa48("1267"), 'number')))) ? mine : 0) + v);else if (stryMutAct_9fa48("1270") ? v && typeof v === 'object' || !Array.isArray(v) : stryMutAct_9fa48("1269") ? false : stryMutAct_9fa48("1268") ? true : (stryCov_9fa48("1268", "1269", "1270"), (stryMutAct_9fa48("1272") ? v || typeof v === 'object' : stryMutAct_9fa48("1271") ? true : (stryCov_9fa48("1271", "1272"), v && (stryMutAct_9fa48("1274") ? typeof v !== 'object' : stryMutAct_9fa48("1273") ? true : (stryCov_9fa48("1273", "1274"), typeof v === (stryMutAct_9fa48("1275") ? "" : (stryCov_9fa48("1275"), 'object')))))) && (stryMutAct_9fa48("1276") ? Array.isArray(v) : (stryCov_9fa48("1276"), !Array.isArray(v))))) {
          if (stryMutAct_9fa48("1277")) {
            {}
          } else {
            stryCov_9fa48("1277");
            out[k] = sumNumeric((stryMutAct_9fa48("1280") ? mine || typeof mine === 'object' : stryMutAct_9fa48("1279") ? false : stryMutAct_9fa48("1278") ? true : (stryCov_9fa48("1278", "1279", "1280"), mine && (stryMutAct_9fa48("1282") ? typeof mine !== 'object' : stryMutAct_9fa48("1281") ? true : (stryCov_9fa48("1281", "1282"), typeof mine === (stryMutAct_9fa48("1283") ? "" : (stryCov_9fa48("1283"), 'object')))))) ? mine as Record<string, unknown> : {}, v as Record<string, unknown>);
          }
        } else if (stryMutAct_9fa48("1286") ? false : stryMutAct_9fa48("1285") ? true : stryMutAct_9fa48("1284") ? k in out : (stryCov_9fa48("1284", "1285", "1286"), !(k in out))) out[k] = v;
      }
    }
    return out;
  }
}