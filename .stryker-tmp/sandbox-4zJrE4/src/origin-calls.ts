/**
 * Calls that start here, at the origin. The method's spec decides what a call becomes (a
 * targeted message, a broadcast, or the local handler, with flags and the target read from
 * the arguments); the origin interceptors run around it; it gets its deadline and trace;
 * and its answer comes back to a waiter (targeted) or a collector (broadcast). Moving the
 * message on is the runner's routing, handed in once at construction: the runner's public
 * `invoke`, `targeted` and `broadcast` delegate here.
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
import { checkedResult } from './answers.js';
import { CellRoutingInconsistency, UnknownMethod } from './cell-errors.js';
import { checkCallerArgs } from './codec.js';
import type { BroadcastCaller, Collectors } from './collector.js';
import { resolveDeadline, type CallOptions } from './deadline.js';
import type { DedupeWindow } from './dedupe.js';
import { arrive, type Envelopes, type Route } from './envelopes.js';
import { applyInterceptors, type CallContext, type Interceptor } from './interceptor.js';
import { abortError, shuttingDown } from './link-errors.js';
import type { LocalCalls } from './local-call.js';
import type { Meta } from './message-meta.js';
import type { ServiceRegistry } from './registry.js';
import type { Response } from './response.js';
import type { MessageRunner } from './runner.js';
import type { MethodDescriptor } from './service.js';
import { flag, targetOf } from './spec-args.js';
import { newTraceparent } from './trace.js';
import type { Waiters } from './waiters.js';
import type { Envelope, RequestContext } from './wire.js';

/** What the calls made here share with the runner; given once, when the runner is made. */
export interface OriginParts {
  /** Its name, logger and whether it is closed are read here. */
  readonly runner: MessageRunner;
  readonly registry: ServiceRegistry;
  readonly interceptors: readonly Interceptor[];
  readonly callTimeoutMs: number;
  readonly maxDeadlineMs: number;
  /** A cast's time to live: its default deadline, and the furthest one it may have. */
  readonly castTtlMs: number;
  readonly envelopes: Envelopes;
  readonly local: LocalCalls;
  readonly waiters: Waiters;
  readonly collectors: Collectors;
  readonly dedupe: DedupeWindow;
  /** The runner's routing of a targeted message, from this cell on. */
  readonly routeTargeted: (env: Envelope, meta: Meta) => Promise<void>;
  /** The runner's routing of a broadcast, from this cell on; `caller` waits for the list. */
  readonly routeBroadcast: (env: Envelope, meta: Meta, runLocally: boolean, caller?: BroadcastCaller) => Promise<void>;
}
export class OriginCalls {
  private readonly runner: MessageRunner;
  private readonly registry: ServiceRegistry;
  private readonly interceptors: readonly Interceptor[];
  private readonly callTimeoutMs: number;
  private readonly maxDeadlineMs: number;
  private readonly castTtlMs: number;
  private readonly envelopes: Envelopes;
  private readonly local: LocalCalls;
  private readonly waiters: Waiters;
  private readonly collectors: Collectors;
  private readonly dedupe: DedupeWindow;
  private readonly routeTargeted: OriginParts['routeTargeted'];
  private readonly routeBroadcast: OriginParts['routeBroadcast'];
  constructor(parts: OriginParts) {
    if (stryMutAct_9fa48("1287")) {
      {}
    } else {
      stryCov_9fa48("1287");
      // Fields of their own, not one object: one property load per use on the call path.
      this.runner = parts.runner;
      this.registry = parts.registry;
      this.interceptors = parts.interceptors;
      this.callTimeoutMs = parts.callTimeoutMs;
      this.maxDeadlineMs = parts.maxDeadlineMs;
      this.castTtlMs = parts.castTtlMs;
      this.envelopes = parts.envelopes;
      this.local = parts.local;
      this.waiters = parts.waiters;
      this.collectors = parts.collectors;
      this.dedupe = parts.dedupe;
      this.routeTargeted = parts.routeTargeted;
      this.routeBroadcast = parts.routeBroadcast;
    }
  }

  /** MessageRunner.invoke: the call as its spec says, origin interceptors around it. */
  async invoke(method: MethodDescriptor | string, ctxt: RequestContext, args: object, options: CallOptions): Promise<unknown> {
    if (stryMutAct_9fa48("1288")) {
      {}
    } else {
      stryCov_9fa48("1288");
      if (stryMutAct_9fa48("1290") ? false : stryMutAct_9fa48("1289") ? true : (stryCov_9fa48("1289", "1290"), this.runner.isClosed)) throw shuttingDown(this.runner.name);
      const m = this.served(method);
      if (stryMutAct_9fa48("1293") ? options.signal.aborted : stryMutAct_9fa48("1292") ? false : stryMutAct_9fa48("1291") ? true : (stryCov_9fa48("1291", "1292", "1293"), options.signal?.aborted)) throw abortError(options.signal);
      // A cast (no answer wanted) lives for its time to live, not the call timeout.
      const cast = stryMutAct_9fa48("1296") ? m.kind !== 'local' || !flag(m.needResponse, args as Record<string, unknown>) : stryMutAct_9fa48("1295") ? false : stryMutAct_9fa48("1294") ? true : (stryCov_9fa48("1294", "1295", "1296"), (stryMutAct_9fa48("1298") ? m.kind === 'local' : stryMutAct_9fa48("1297") ? true : (stryCov_9fa48("1297", "1298"), m.kind !== (stryMutAct_9fa48("1299") ? "" : (stryCov_9fa48("1299"), 'local')))) && (stryMutAct_9fa48("1300") ? flag(m.needResponse, args as Record<string, unknown>) : (stryCov_9fa48("1300"), !flag(m.needResponse, args as Record<string, unknown>))));
      const deadline = this.deadlineOf(options, stryMutAct_9fa48("1301") ? cast : (stryCov_9fa48("1301"), !cast));
      const traceparent = stryMutAct_9fa48("1302") ? options.traceparent && newTraceparent() : (stryCov_9fa48("1302"), options.traceparent ?? newTraceparent());
      if (stryMutAct_9fa48("1305") ? this.interceptors.length !== 0 : stryMutAct_9fa48("1304") ? false : stryMutAct_9fa48("1303") ? true : (stryCov_9fa48("1303", "1304", "1305"), this.interceptors.length === 0)) return this.start(m, ctxt, args as Record<string, unknown>, deadline, traceparent, options);
      const call: CallContext = stryMutAct_9fa48("1306") ? {} : (stryCov_9fa48("1306"), {
        stage: stryMutAct_9fa48("1307") ? "" : (stryCov_9fa48("1307"), 'origin'),
        cell: this.runner.name,
        method: m,
        ctxt,
        args: args as Record<string, unknown>,
        routingPath: this.runner.name,
        deadline,
        signal: options.signal,
        traceparent,
        traceparentGiven: stryMutAct_9fa48("1310") ? options.traceparent === undefined : stryMutAct_9fa48("1309") ? false : stryMutAct_9fa48("1308") ? true : (stryCov_9fa48("1308", "1309", "1310"), options.traceparent !== undefined),
        message: undefined
      });
      return applyInterceptors(this.interceptors, stryMutAct_9fa48("1311") ? () => undefined : (stryCov_9fa48("1311"), c => this.start(c.method, c.ctxt, c.args as Record<string, unknown>, c.deadline, stryMutAct_9fa48("1312") ? c.traceparent && traceparent : (stryCov_9fa48("1312"), c.traceparent ?? traceparent), stryMutAct_9fa48("1313") ? {} : (stryCov_9fa48("1313"), {
        ...options,
        signal: c.signal
      }))))(call);
    }
  }

  /** MessageRunner.targeted: a targeted message routed as given, internal methods included. */
  targeted(method: MethodDescriptor | string, ctxt: RequestContext, args: object, route: Route & {
    readonly target: string;
  }, options: CallOptions): Promise<Response | undefined> {
    if (stryMutAct_9fa48("1314")) {
      {}
    } else {
      stryCov_9fa48("1314");
      return this.sendTargeted(this.servedAny(method), ctxt, args as Record<string, unknown>, route, options);
    }
  }

  /** MessageRunner.broadcast: a broadcast routed as given, internal methods included. */
  broadcast(method: MethodDescriptor | string, ctxt: RequestContext, args: object, route: Route & {
    readonly runLocally?: boolean;
  }, options: CallOptions): Promise<Response[] | undefined> {
    if (stryMutAct_9fa48("1315")) {
      {}
    } else {
      stryCov_9fa48("1315");
      return this.sendBroadcast(this.servedAny(method), ctxt, args as Record<string, unknown>, stryMutAct_9fa48("1316") ? {} : (stryCov_9fa48("1316"), {
        ...route,
        runLocally: stryMutAct_9fa48("1317") ? route.runLocally && true : (stryCov_9fa48("1317"), route.runLocally ?? (stryMutAct_9fa48("1318") ? false : (stryCov_9fa48("1318"), true)))
      }), options);
    }
  }

  /**
   * The absolute deadline of a message made here: a call's from the call timeout (at most
   * maxDeadlineMs away), a cast's from its time to live (at most castTtlMs away).
   */
  private deadlineOf(options: CallOptions, needResponse: boolean): number {
    if (stryMutAct_9fa48("1319")) {
      {}
    } else {
      stryCov_9fa48("1319");
      return needResponse ? resolveDeadline(options, this.callTimeoutMs, this.maxDeadlineMs) : resolveDeadline(options, this.castTtlMs, this.castTtlMs);
    }
  }

  /** The registered method a caller names (by descriptor or wire name), or UnknownMethod. */
  private served(method: MethodDescriptor | string): MethodDescriptor {
    if (stryMutAct_9fa48("1320")) {
      {}
    } else {
      stryCov_9fa48("1320");
      const wire = (stryMutAct_9fa48("1323") ? typeof method !== 'string' : stryMutAct_9fa48("1322") ? false : stryMutAct_9fa48("1321") ? true : (stryCov_9fa48("1321", "1322", "1323"), typeof method === (stryMutAct_9fa48("1324") ? "" : (stryCov_9fa48("1324"), 'string')))) ? method : method.name;
      const reg = this.registry.get(wire);
      if (stryMutAct_9fa48("1327") ? false : stryMutAct_9fa48("1326") ? true : stryMutAct_9fa48("1325") ? reg : (stryCov_9fa48("1325", "1326", "1327"), !reg)) {
        if (stryMutAct_9fa48("1328")) {
          {}
        } else {
          stryCov_9fa48("1328");
          const hint = (stryMutAct_9fa48("1331") ? typeof method !== 'string' : stryMutAct_9fa48("1330") ? false : stryMutAct_9fa48("1329") ? true : (stryCov_9fa48("1329", "1330", "1331"), typeof method === (stryMutAct_9fa48("1332") ? "" : (stryCov_9fa48("1332"), 'string')))) ? stryMutAct_9fa48("1333") ? "Stryker was here!" : (stryCov_9fa48("1333"), '') : stryMutAct_9fa48("1334") ? `` : (stryCov_9fa48("1334"), `: register service '${method.service.name}' with this runner`);
          throw new UnknownMethod(wire, stryMutAct_9fa48("1335") ? `` : (stryCov_9fa48("1335"), `is not served by cell ${this.runner.name}${hint}`));
        }
      }
      if (stryMutAct_9fa48("1338") ? typeof method !== 'string' || reg.method.service.name !== method.service.name : stryMutAct_9fa48("1337") ? false : stryMutAct_9fa48("1336") ? true : (stryCov_9fa48("1336", "1337", "1338"), (stryMutAct_9fa48("1340") ? typeof method === 'string' : stryMutAct_9fa48("1339") ? true : (stryCov_9fa48("1339", "1340"), typeof method !== (stryMutAct_9fa48("1341") ? "" : (stryCov_9fa48("1341"), 'string')))) && (stryMutAct_9fa48("1343") ? reg.method.service.name === method.service.name : stryMutAct_9fa48("1342") ? true : (stryCov_9fa48("1342", "1343"), reg.method.service.name !== method.service.name)))) {
        if (stryMutAct_9fa48("1344")) {
          {}
        } else {
          stryCov_9fa48("1344");
          throw new UnknownMethod(wire, stryMutAct_9fa48("1345") ? `` : (stryCov_9fa48("1345"), `belongs to service '${reg.method.service.name}' here, not '${method.service.name}'`));
        }
      }
      if (stryMutAct_9fa48("1347") ? false : stryMutAct_9fa48("1346") ? true : (stryCov_9fa48("1346", "1347"), reg.method.internal)) throw new UnknownMethod(wire, stryMutAct_9fa48("1348") ? "" : (stryCov_9fa48("1348"), 'is only sent between cells'));
      return reg.method;
    }
  }

  /** Like `served`, internal methods included (handlers send those). */
  private servedAny(method: MethodDescriptor | string): MethodDescriptor {
    if (stryMutAct_9fa48("1349")) {
      {}
    } else {
      stryCov_9fa48("1349");
      if (stryMutAct_9fa48("1351") ? false : stryMutAct_9fa48("1350") ? true : (stryCov_9fa48("1350", "1351"), this.runner.isClosed)) throw shuttingDown(this.runner.name);
      const wire = (stryMutAct_9fa48("1354") ? typeof method !== 'string' : stryMutAct_9fa48("1353") ? false : stryMutAct_9fa48("1352") ? true : (stryCov_9fa48("1352", "1353", "1354"), typeof method === (stryMutAct_9fa48("1355") ? "" : (stryCov_9fa48("1355"), 'string')))) ? method : method.name;
      const reg = this.registry.get(wire);
      if (stryMutAct_9fa48("1358") ? false : stryMutAct_9fa48("1357") ? true : stryMutAct_9fa48("1356") ? reg : (stryCov_9fa48("1356", "1357", "1358"), !reg)) throw new UnknownMethod(wire, stryMutAct_9fa48("1359") ? `` : (stryCov_9fa48("1359"), `is not served by cell ${this.runner.name}`));
      return reg.method;
    }
  }
  private async start(m: MethodDescriptor, ctxt: RequestContext, kwargs: Record<string, unknown>, deadline: number, traceparent: string, options: CallOptions): Promise<unknown> {
    if (stryMutAct_9fa48("1360")) {
      {}
    } else {
      stryCov_9fa48("1360");
      const needResponse = flag(m.needResponse, kwargs);
      const opts: CallOptions = stryMutAct_9fa48("1361") ? {} : (stryCov_9fa48("1361"), {
        ...options,
        deadline,
        traceparent
      });
      if (stryMutAct_9fa48("1364") ? m.kind !== 'local' : stryMutAct_9fa48("1363") ? false : stryMutAct_9fa48("1362") ? true : (stryCov_9fa48("1362", "1363", "1364"), m.kind === (stryMutAct_9fa48("1365") ? "" : (stryCov_9fa48("1365"), 'local')))) return this.runAtOrigin(m, ctxt, kwargs, needResponse, opts);
      const target = (stryMutAct_9fa48("1368") ? m.target !== 'none' : stryMutAct_9fa48("1367") ? false : stryMutAct_9fa48("1366") ? true : (stryCov_9fa48("1366", "1367", "1368"), m.target === (stryMutAct_9fa48("1369") ? "" : (stryCov_9fa48("1369"), 'none')))) ? undefined : targetOf(m.target.arg, kwargs);
      const targeted = stryMutAct_9fa48("1372") ? m.kind === 'targeted' && m.kind === 'targeted_or_broadcast' && target !== undefined : stryMutAct_9fa48("1371") ? false : stryMutAct_9fa48("1370") ? true : (stryCov_9fa48("1370", "1371", "1372"), (stryMutAct_9fa48("1374") ? m.kind !== 'targeted' : stryMutAct_9fa48("1373") ? false : (stryCov_9fa48("1373", "1374"), m.kind === (stryMutAct_9fa48("1375") ? "" : (stryCov_9fa48("1375"), 'targeted')))) || (stryMutAct_9fa48("1377") ? m.kind === 'targeted_or_broadcast' || target !== undefined : stryMutAct_9fa48("1376") ? false : (stryCov_9fa48("1376", "1377"), (stryMutAct_9fa48("1379") ? m.kind !== 'targeted_or_broadcast' : stryMutAct_9fa48("1378") ? true : (stryCov_9fa48("1378", "1379"), m.kind === (stryMutAct_9fa48("1380") ? "" : (stryCov_9fa48("1380"), 'targeted_or_broadcast')))) && (stryMutAct_9fa48("1382") ? target === undefined : stryMutAct_9fa48("1381") ? true : (stryCov_9fa48("1381", "1382"), target !== undefined)))));
      const route: Route = stryMutAct_9fa48("1383") ? {} : (stryCov_9fa48("1383"), {
        direction: m.direction,
        needResponse,
        fanout: stryMutAct_9fa48("1384") ? m.fanout && false : (stryCov_9fa48("1384"), m.fanout ?? (stryMutAct_9fa48("1385") ? true : (stryCov_9fa48("1385"), false)))
      });
      if (stryMutAct_9fa48("1387") ? false : stryMutAct_9fa48("1386") ? true : (stryCov_9fa48("1386", "1387"), targeted)) {
        if (stryMutAct_9fa48("1388")) {
          {}
        } else {
          stryCov_9fa48("1388");
          if (stryMutAct_9fa48("1391") ? false : stryMutAct_9fa48("1390") ? true : stryMutAct_9fa48("1389") ? target : (stryCov_9fa48("1389", "1390", "1391"), !target)) {
            if (stryMutAct_9fa48("1392")) {
              {}
            } else {
              stryCov_9fa48("1392");
              checkCallerArgs(m, kwargs);
              if (stryMutAct_9fa48("1395") ? m.target !== 'none' || m.target.ifMissing === 'skip' : stryMutAct_9fa48("1394") ? false : stryMutAct_9fa48("1393") ? true : (stryCov_9fa48("1393", "1394", "1395"), (stryMutAct_9fa48("1397") ? m.target === 'none' : stryMutAct_9fa48("1396") ? true : (stryCov_9fa48("1396", "1397"), m.target !== (stryMutAct_9fa48("1398") ? "" : (stryCov_9fa48("1398"), 'none')))) && (stryMutAct_9fa48("1400") ? m.target.ifMissing !== 'skip' : stryMutAct_9fa48("1399") ? true : (stryCov_9fa48("1399", "1400"), m.target.ifMissing === (stryMutAct_9fa48("1401") ? "" : (stryCov_9fa48("1401"), 'skip')))))) {
                if (stryMutAct_9fa48("1402")) {
                  {}
                } else {
                  stryCov_9fa48("1402");
                  // As the reference: a target (an instance's cell) not known yet; say so, send nothing.
                  this.runner.logger.warn(stryMutAct_9fa48("1403") ? `` : (stryCov_9fa48("1403"), `${m.name}: no ${m.target.arg} given; nothing sent`));
                  return undefined;
                }
              }
              // As the reference: a targeted message with no target cell cannot be routed.
              throw new CellRoutingInconsistency(stryMutAct_9fa48("1404") ? "" : (stryCov_9fa48("1404"), 'No cell given in routing path.'), stryMutAct_9fa48("1405") ? {} : (stryCov_9fa48("1405"), {
                cell: this.runner.name,
                details: stryMutAct_9fa48("1406") ? {} : (stryCov_9fa48("1406"), {
                  missing: (stryMutAct_9fa48("1409") ? m.target !== 'none' : stryMutAct_9fa48("1408") ? false : stryMutAct_9fa48("1407") ? true : (stryCov_9fa48("1407", "1408", "1409"), m.target === (stryMutAct_9fa48("1410") ? "" : (stryCov_9fa48("1410"), 'none')))) ? stryMutAct_9fa48("1411") ? "" : (stryCov_9fa48("1411"), 'target') : m.target.arg
                })
              }));
            }
          }
          const r = await this.sendTargeted(m, ctxt, kwargs, stryMutAct_9fa48("1412") ? {} : (stryCov_9fa48("1412"), {
            ...route,
            target
          }), opts);
          return (stryMutAct_9fa48("1415") ? m.kind === 'targeted_or_broadcast' || r !== undefined : stryMutAct_9fa48("1414") ? false : stryMutAct_9fa48("1413") ? true : (stryCov_9fa48("1413", "1414", "1415"), (stryMutAct_9fa48("1417") ? m.kind !== 'targeted_or_broadcast' : stryMutAct_9fa48("1416") ? true : (stryCov_9fa48("1416", "1417"), m.kind === (stryMutAct_9fa48("1418") ? "" : (stryCov_9fa48("1418"), 'targeted_or_broadcast')))) && (stryMutAct_9fa48("1420") ? r === undefined : stryMutAct_9fa48("1419") ? true : (stryCov_9fa48("1419", "1420"), r !== undefined)))) ? stryMutAct_9fa48("1421") ? [] : (stryCov_9fa48("1421"), [r]) : r;
        }
      }
      const runLocally = flag(stryMutAct_9fa48("1422") ? m.runLocally && true : (stryCov_9fa48("1422"), m.runLocally ?? (stryMutAct_9fa48("1423") ? false : (stryCov_9fa48("1423"), true))), kwargs);
      return this.sendBroadcast(m, ctxt, kwargs, stryMutAct_9fa48("1424") ? {} : (stryCov_9fa48("1424"), {
        ...route,
        runLocally
      }), opts);
    }
  }
  private sendTargeted(m: MethodDescriptor, ctxt: RequestContext, args: Record<string, unknown>, route: Route & {
    readonly target: string;
  }, options: CallOptions): Promise<Response | undefined> {
    if (stryMutAct_9fa48("1425")) {
      {}
    } else {
      stryCov_9fa48("1425");
      const deadline = this.deadlineOf(options, route.needResponse);
      const env = this.envelopes.request(stryMutAct_9fa48("1426") ? "" : (stryCov_9fa48("1426"), 'targeted'), m, ctxt, args, route, deadline, options);
      env.target_cell = route.target;
      arrive(env, this.runner.name);
      // Not remembered in the dedupe window: a targeted message follows its path away from
      // the origin and never comes back to it (broadcasts, which can, are remembered).
      const signal = options.signal;
      const meta: Meta = stryMutAct_9fa48("1427") ? {} : (stryCov_9fa48("1427"), {
        deadline,
        origin: stryMutAct_9fa48("1428") ? false : (stryCov_9fa48("1428"), true),
        method: m,
        ...(signal ? stryMutAct_9fa48("1429") ? {} : (stryCov_9fa48("1429"), {
          signal
        }) : {})
      });
      if (stryMutAct_9fa48("1432") ? false : stryMutAct_9fa48("1431") ? true : stryMutAct_9fa48("1430") ? env.need_response : (stryCov_9fa48("1430", "1431", "1432"), !env.need_response)) return this.routeTargeted(env, meta).then(() => undefined);
      // The waiter is in place before the message leaves: its answer cannot overtake it.
      const answer = this.waiters.wait(env.uuid, route.target, m, deadline, signal);
      void this.routeTargeted(env, meta);
      return answer;
    }
  }
  private sendBroadcast(m: MethodDescriptor, ctxt: RequestContext, args: Record<string, unknown>, route: Route & {
    readonly runLocally: boolean;
  }, options: CallOptions): Promise<Response[] | undefined> {
    if (stryMutAct_9fa48("1433")) {
      {}
    } else {
      stryCov_9fa48("1433");
      const deadline = this.deadlineOf(options, route.needResponse);
      const env = this.envelopes.request(stryMutAct_9fa48("1434") ? "" : (stryCov_9fa48("1434"), 'broadcast'), m, ctxt, args, route, deadline, options);
      env.run_locally = route.runLocally;
      arrive(env, this.runner.name);
      this.dedupe.firstSeen(env.uuid);
      const signal = options.signal;
      const base: Meta = stryMutAct_9fa48("1435") ? {} : (stryCov_9fa48("1435"), {
        deadline,
        origin: stryMutAct_9fa48("1436") ? false : (stryCov_9fa48("1436"), true),
        method: m,
        ...(signal ? stryMutAct_9fa48("1437") ? {} : (stryCov_9fa48("1437"), {
          signal
        }) : {})
      });
      if (stryMutAct_9fa48("1440") ? false : stryMutAct_9fa48("1439") ? true : stryMutAct_9fa48("1438") ? env.need_response : (stryCov_9fa48("1438", "1439", "1440"), !env.need_response)) return this.routeBroadcast(env, base, route.runLocally).then(() => undefined);
      return new Promise<Response[]>((resolve, reject) => {
        if (stryMutAct_9fa48("1441")) {
          {}
        } else {
          stryCov_9fa48("1441");
          const onAbort = () => {
            if (stryMutAct_9fa48("1442")) {
              {}
            } else {
              stryCov_9fa48("1442");
              this.collectors.drop(env.uuid);
              reject(abortError(signal));
            }
          };
          stryMutAct_9fa48("1443") ? signal.addEventListener('abort', onAbort, {
            once: true
          }) : (stryCov_9fa48("1443"), signal?.addEventListener(stryMutAct_9fa48("1444") ? "" : (stryCov_9fa48("1444"), 'abort'), onAbort, stryMutAct_9fa48("1445") ? {} : (stryCov_9fa48("1445"), {
            once: stryMutAct_9fa48("1446") ? false : (stryCov_9fa48("1446"), true)
          })));
          void this.routeBroadcast(env, base, route.runLocally, stryMutAct_9fa48("1447") ? {} : (stryCov_9fa48("1447"), {
            resolve,
            reject,
            dispose: stryMutAct_9fa48("1448") ? () => undefined : (stryCov_9fa48("1448"), () => stryMutAct_9fa48("1449") ? signal.removeEventListener('abort', onAbort) : (stryCov_9fa48("1449"), signal?.removeEventListener(stryMutAct_9fa48("1450") ? "" : (stryCov_9fa48("1450"), 'abort'), onAbort)))
          }));
        }
      });
    }
  }

  /** A `local` method: the handler runs here, at the origin, and may send messages itself. */
  private async runAtOrigin(m: MethodDescriptor, ctxt: RequestContext, args: Record<string, unknown>, needResponse: boolean, options: CallOptions): Promise<Response | undefined> {
    if (stryMutAct_9fa48("1451")) {
      {}
    } else {
      stryCov_9fa48("1451");
      const deadline = resolveDeadline(options, this.callTimeoutMs, this.maxDeadlineMs);
      const env = this.envelopes.request(stryMutAct_9fa48("1452") ? "" : (stryCov_9fa48("1452"), 'targeted'), m, ctxt, args, stryMutAct_9fa48("1453") ? {} : (stryCov_9fa48("1453"), {
        direction: m.direction,
        needResponse
      }), deadline, options);
      env.target_cell = this.runner.name;
      arrive(env, this.runner.name);
      const r = await this.local.run(env, deadline, this.registry.require(m.name), env.method_kwargs);
      if (stryMutAct_9fa48("1455") ? false : stryMutAct_9fa48("1454") ? true : (stryCov_9fa48("1454", "1455"), needResponse)) return checkedResult(r, m);
      if (stryMutAct_9fa48("1457") ? false : stryMutAct_9fa48("1456") ? true : (stryCov_9fa48("1456", "1457"), r.failure)) throw r.value;
      return undefined;
    }
  }
}