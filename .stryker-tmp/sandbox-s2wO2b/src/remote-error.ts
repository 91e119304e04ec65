/**
 * Errors across cells (reference 3.2, 3.3). An error is serialized as
 * `{ class, module, message, tb, args, kwargs }` and rebuilt as its own class only when that
 * class is registered (an allow-list); anything else arrives as a RemoteError that keeps the
 * remote class name, message and cell. Stacks stay home unless a cell asks to send them.
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
import type { JsonValue, RemoteErrorJSON } from './wire.js';
import { CellMaxHopCountReached, CellNotFound, CellRoutingInconsistency, CellServiceAPIMethodNotFound, CellTimeout, CellUnavailable, InstanceNotFound, InstanceUnknownCell, InvalidArgument, NoCellsAvailable, UnknownMethod } from './cell-errors.js';
import { CellwireError, ERROR_CODES, type ErrorCode } from './errors.js';

/** Module name our own error classes travel under. */
export const CELLWIRE_ERROR_MODULE = stryMutAct_9fa48("388") ? "" : (stryCov_9fa48("388"), 'cellwire.errors');

/** An error from another cell whose class is not registered here. */
export class RemoteError extends CellwireError {
  override name = stryMutAct_9fa48("389") ? "" : (stryCov_9fa48("389"), 'RemoteError');
  /** The class name on the remote side. */
  readonly remoteClass: string;
  readonly remoteModule: string;
  /** Remote stack lines, when the remote cell sends them. */
  readonly remoteTrace: readonly string[];
  constructor(json: RemoteErrorJSON) {
    const code = asCode(json.kwargs.code);
    super((stryMutAct_9fa48("392") ? code !== 'internal' : stryMutAct_9fa48("391") ? false : stryMutAct_9fa48("390") ? true : (stryCov_9fa48("390", "391", "392"), code === (stryMutAct_9fa48("393") ? "" : (stryCov_9fa48("393"), 'internal')))) ? stryMutAct_9fa48("394") ? "" : (stryCov_9fa48("394"), 'remote') : code, stryMutAct_9fa48("395") ? `` : (stryCov_9fa48("395"), `${json.class}: ${json.message}`), stryMutAct_9fa48("396") ? {} : (stryCov_9fa48("396"), {
      cell: stryMutAct_9fa48("399") ? json.kwargs.cell && undefined : stryMutAct_9fa48("398") ? false : stryMutAct_9fa48("397") ? true : (stryCov_9fa48("397", "398", "399"), json.kwargs.cell || undefined),
      details: stryMutAct_9fa48("400") ? {} : (stryCov_9fa48("400"), {
        ...json.kwargs
      }),
      ...((stryMutAct_9fa48("403") ? typeof json.kwargs.retryable !== 'boolean' : stryMutAct_9fa48("402") ? false : stryMutAct_9fa48("401") ? true : (stryCov_9fa48("401", "402", "403"), typeof json.kwargs.retryable === (stryMutAct_9fa48("404") ? "" : (stryCov_9fa48("404"), 'boolean')))) ? stryMutAct_9fa48("405") ? {} : (stryCov_9fa48("405"), {
        retryable: json.kwargs.retryable
      }) : {})
    }));
    this.remoteClass = json.class;
    this.remoteModule = json.module;
    this.remoteTrace = json.tb;
  }
}
function asCode(code: unknown): ErrorCode {
  if (stryMutAct_9fa48("406")) {
    {}
  } else {
    stryCov_9fa48("406");
    return (ERROR_CODES as readonly unknown[]).includes(code) ? code as ErrorCode : stryMutAct_9fa48("407") ? "" : (stryCov_9fa48("407"), 'remote');
  }
}
type ErrorClass = abstract new (...args: never[]) => Error;
interface Registration {
  readonly module: string;
  readonly name: string;
  readonly rebuild: (json: RemoteErrorJSON) => Error;
}

/**
 * The allow-list of error classes rebuilt from the wire. CellwireError subclasses are
 * rebuilt without calling their constructor, keeping the remote message, code and cell.
 *
 * @example
 * class QuotaExceeded extends CellwireError {}
 * errorRegistry.register(QuotaExceeded, { module: 'myapp.errors' });
 */
export class ErrorRegistry {
  private readonly byKey = new Map<string, Registration>();
  private readonly byClass = new Map<ErrorClass, Registration>();
  register<C extends ErrorClass>(cls: C, options: {
    module?: string;
    name?: string;
    rebuild?: (json: RemoteErrorJSON) => Error;
  } = {}): this {
    if (stryMutAct_9fa48("408")) {
      {}
    } else {
      stryCov_9fa48("408");
      const name = stryMutAct_9fa48("409") ? options.name && cls.name : (stryCov_9fa48("409"), options.name ?? cls.name);
      const module = stryMutAct_9fa48("410") ? options.module && CELLWIRE_ERROR_MODULE : (stryCov_9fa48("410"), options.module ?? CELLWIRE_ERROR_MODULE);
      const rebuild = stryMutAct_9fa48("411") ? options.rebuild && defaultRebuild(cls, name) : (stryCov_9fa48("411"), options.rebuild ?? defaultRebuild(cls, name));
      const reg = stryMutAct_9fa48("412") ? {} : (stryCov_9fa48("412"), {
        module,
        name,
        rebuild
      });
      this.byKey.set(stryMutAct_9fa48("413") ? `` : (stryCov_9fa48("413"), `${module}.${name}`), reg);
      this.byClass.set(cls, reg);
      return this;
    }
  }

  /** Serializes any thrown value; `cell` is the path where it happened. */
  serialize(error: unknown, cell: string, withStack = stryMutAct_9fa48("414") ? true : (stryCov_9fa48("414"), false)): RemoteErrorJSON {
    if (stryMutAct_9fa48("415")) {
      {}
    } else {
      stryCov_9fa48("415");
      const err = error instanceof Error ? error : new Error(String(error));
      const reg = this.lookupClass(err);
      const base = err instanceof CellwireError ? err : undefined;
      if (stryMutAct_9fa48("418") ? base || base.cell === undefined : stryMutAct_9fa48("417") ? false : stryMutAct_9fa48("416") ? true : (stryCov_9fa48("416", "417", "418"), base && (stryMutAct_9fa48("420") ? base.cell !== undefined : stryMutAct_9fa48("419") ? true : (stryCov_9fa48("419", "420"), base.cell === undefined)))) base.cell = cell;
      const kwargs: RemoteErrorJSON['kwargs'] = stryMutAct_9fa48("421") ? {} : (stryCov_9fa48("421"), {
        ...(toJson(base?.details) as Record<string, JsonValue>),
        code: base ? base.code : stryMutAct_9fa48("422") ? "" : (stryCov_9fa48("422"), 'internal'),
        cell: stryMutAct_9fa48("423") ? base?.cell && cell : (stryCov_9fa48("423"), (stryMutAct_9fa48("424") ? base.cell : (stryCov_9fa48("424"), base?.cell)) ?? cell),
        // Serialized, not recomputed on arrival: NoValidHost is not retryable although its code is.
        retryable: base ? base.retryable : stryMutAct_9fa48("425") ? true : (stryCov_9fa48("425"), false)
      });
      // A RemoteError passed on travels under its original class (the reference's _Remote rule).
      const remote = err instanceof RemoteError ? err : undefined;
      return stryMutAct_9fa48("426") ? {} : (stryCov_9fa48("426"), {
        class: stryMutAct_9fa48("427") ? (remote?.remoteClass ?? reg?.name ?? err.name) && 'Error' : (stryCov_9fa48("427"), (stryMutAct_9fa48("428") ? (remote?.remoteClass ?? reg?.name) && err.name : (stryCov_9fa48("428"), (stryMutAct_9fa48("429") ? remote?.remoteClass && reg?.name : (stryCov_9fa48("429"), (stryMutAct_9fa48("430") ? remote.remoteClass : (stryCov_9fa48("430"), remote?.remoteClass)) ?? (stryMutAct_9fa48("431") ? reg.name : (stryCov_9fa48("431"), reg?.name)))) ?? err.name)) ?? (stryMutAct_9fa48("432") ? "" : (stryCov_9fa48("432"), 'Error'))),
        module: stryMutAct_9fa48("433") ? (remote?.remoteModule ?? reg?.module) && (base ? CELLWIRE_ERROR_MODULE : 'builtins') : (stryCov_9fa48("433"), (stryMutAct_9fa48("434") ? remote?.remoteModule && reg?.module : (stryCov_9fa48("434"), (stryMutAct_9fa48("435") ? remote.remoteModule : (stryCov_9fa48("435"), remote?.remoteModule)) ?? (stryMutAct_9fa48("436") ? reg.module : (stryCov_9fa48("436"), reg?.module)))) ?? (base ? CELLWIRE_ERROR_MODULE : stryMutAct_9fa48("437") ? "" : (stryCov_9fa48("437"), 'builtins'))),
        message: base ? messageOf(base) : err.message,
        tb: (stryMutAct_9fa48("440") ? withStack || err.stack : stryMutAct_9fa48("439") ? false : stryMutAct_9fa48("438") ? true : (stryCov_9fa48("438", "439", "440"), withStack && err.stack)) ? err.stack.split(stryMutAct_9fa48("441") ? "" : (stryCov_9fa48("441"), '\n')) : stryMutAct_9fa48("442") ? ["Stryker was here"] : (stryCov_9fa48("442"), []),
        args: stryMutAct_9fa48("443") ? [] : (stryCov_9fa48("443"), [err.message]),
        kwargs
      });
    }
  }

  /** Rebuilds a registered class, else a RemoteError. */
  deserialize(json: RemoteErrorJSON): Error {
    if (stryMutAct_9fa48("444")) {
      {}
    } else {
      stryCov_9fa48("444");
      const reg = this.byKey.get(stryMutAct_9fa48("445") ? `` : (stryCov_9fa48("445"), `${json.module}.${json.class}`));
      if (stryMutAct_9fa48("448") ? false : stryMutAct_9fa48("447") ? true : stryMutAct_9fa48("446") ? reg : (stryCov_9fa48("446", "447", "448"), !reg)) return new RemoteError(json);
      try {
        if (stryMutAct_9fa48("449")) {
          {}
        } else {
          stryCov_9fa48("449");
          return reg.rebuild(json);
        }
      } catch {
        if (stryMutAct_9fa48("450")) {
          {}
        } else {
          stryCov_9fa48("450");
          return new RemoteError(json);
        }
      }
    }
  }
  private lookupClass(err: Error): Registration | undefined {
    if (stryMutAct_9fa48("451")) {
      {}
    } else {
      stryCov_9fa48("451");
      return this.byClass.get(err.constructor as ErrorClass);
    }
  }
}

/** A RemoteError's message carries the remote class; send the original one. */
function messageOf(err: CellwireError): string {
  if (stryMutAct_9fa48("452")) {
    {}
  } else {
    stryCov_9fa48("452");
    return err instanceof RemoteError ? stryMutAct_9fa48("453") ? err.message : (stryCov_9fa48("453"), err.message.slice(stryMutAct_9fa48("454") ? err.remoteClass.length - 2 : (stryCov_9fa48("454"), err.remoteClass.length + 2))) : err.message;
  }
}
function defaultRebuild(cls: ErrorClass, name: string) {
  if (stryMutAct_9fa48("455")) {
    {}
  } else {
    stryCov_9fa48("455");
    return (json: RemoteErrorJSON): Error => {
      if (stryMutAct_9fa48("456")) {
        {}
      } else {
        stryCov_9fa48("456");
        // Object.create keeps instanceof and the class's methods without running a constructor
        // whose parameters we do not know; the fields are the ones every CellwireError has.
        const err = Object.create(cls.prototype) as Error & Record<string, unknown>;
        Object.defineProperties(err, stryMutAct_9fa48("457") ? {} : (stryCov_9fa48("457"), {
          message: stryMutAct_9fa48("458") ? {} : (stryCov_9fa48("458"), {
            value: json.message,
            writable: stryMutAct_9fa48("459") ? false : (stryCov_9fa48("459"), true),
            configurable: stryMutAct_9fa48("460") ? false : (stryCov_9fa48("460"), true)
          }),
          name: stryMutAct_9fa48("461") ? {} : (stryCov_9fa48("461"), {
            value: name,
            writable: stryMutAct_9fa48("462") ? false : (stryCov_9fa48("462"), true),
            configurable: stryMutAct_9fa48("463") ? false : (stryCov_9fa48("463"), true)
          }),
          stack: stryMutAct_9fa48("464") ? {} : (stryCov_9fa48("464"), {
            value: stryMutAct_9fa48("465") ? `` : (stryCov_9fa48("465"), `${name}: ${json.message}\n${json.tb.join(stryMutAct_9fa48("466") ? "" : (stryCov_9fa48("466"), '\n'))}`),
            writable: stryMutAct_9fa48("467") ? false : (stryCov_9fa48("467"), true),
            configurable: stryMutAct_9fa48("468") ? false : (stryCov_9fa48("468"), true)
          })
        }));
        if (stryMutAct_9fa48("470") ? false : stryMutAct_9fa48("469") ? true : (stryCov_9fa48("469", "470"), err instanceof CellwireError)) {
          if (stryMutAct_9fa48("471")) {
            {}
          } else {
            stryCov_9fa48("471");
            Object.assign(err, stryMutAct_9fa48("472") ? {} : (stryCov_9fa48("472"), {
              code: asCode(json.kwargs.code),
              cell: stryMutAct_9fa48("475") ? json.kwargs.cell && undefined : stryMutAct_9fa48("474") ? false : stryMutAct_9fa48("473") ? true : (stryCov_9fa48("473", "474", "475"), json.kwargs.cell || undefined),
              details: stryMutAct_9fa48("476") ? {} : (stryCov_9fa48("476"), {
                ...json.kwargs
              })
            }));
            const retryable = (stryMutAct_9fa48("479") ? typeof json.kwargs.retryable !== 'boolean' : stryMutAct_9fa48("478") ? false : stryMutAct_9fa48("477") ? true : (stryCov_9fa48("477", "478", "479"), typeof json.kwargs.retryable === (stryMutAct_9fa48("480") ? "" : (stryCov_9fa48("480"), 'boolean')))) ? json.kwargs.retryable : stryMutAct_9fa48("483") ? err.code === 'timeout' && err.code === 'unavailable' : stryMutAct_9fa48("482") ? false : stryMutAct_9fa48("481") ? true : (stryCov_9fa48("481", "482", "483"), (stryMutAct_9fa48("485") ? err.code !== 'timeout' : stryMutAct_9fa48("484") ? false : (stryCov_9fa48("484", "485"), err.code === (stryMutAct_9fa48("486") ? "" : (stryCov_9fa48("486"), 'timeout')))) || (stryMutAct_9fa48("488") ? err.code !== 'unavailable' : stryMutAct_9fa48("487") ? false : (stryCov_9fa48("487", "488"), err.code === (stryMutAct_9fa48("489") ? "" : (stryCov_9fa48("489"), 'unavailable')))));
            Object.assign(err, stryMutAct_9fa48("490") ? {} : (stryCov_9fa48("490"), {
              retryable
            }));
          }
        }
        return err;
      }
    };
  }
}
function toJson(value: unknown): JsonValue {
  if (stryMutAct_9fa48("491")) {
    {}
  } else {
    stryCov_9fa48("491");
    if (stryMutAct_9fa48("494") ? value !== undefined : stryMutAct_9fa48("493") ? false : stryMutAct_9fa48("492") ? true : (stryCov_9fa48("492", "493", "494"), value === undefined)) return {};
    try {
      if (stryMutAct_9fa48("495")) {
        {}
      } else {
        stryCov_9fa48("495");
        return JSON.parse(JSON.stringify(value)) as JsonValue;
      }
    } catch {
      if (stryMutAct_9fa48("496")) {
        {}
      } else {
        stryCov_9fa48("496");
        return {};
      }
    }
  }
}

/** The registry every runner starts from: cellwire's own classes. */
export function defaultErrorRegistry(): ErrorRegistry {
  if (stryMutAct_9fa48("497")) {
    {}
  } else {
    stryCov_9fa48("497");
    return new ErrorRegistry().register(CellwireError).register(CellRoutingInconsistency).register(CellMaxHopCountReached).register(CellTimeout).register(CellUnavailable).register(UnknownMethod).register(InvalidArgument).register(CellNotFound).register(CellServiceAPIMethodNotFound).register(InstanceNotFound).register(InstanceUnknownCell).register(NoCellsAvailable);
  }
}