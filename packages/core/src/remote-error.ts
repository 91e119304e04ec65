/**
 * Errors across cells (reference 3.2, 3.3). An error is serialized as
 * `{ class, module, message, tb, args, kwargs }` and rebuilt as its own class only when that
 * class is registered (an allow-list); anything else arrives as a RemoteError that keeps the
 * remote class name, message and cell. Stacks stay home unless a cell asks to send them.
 */
import type { JsonValue, RemoteErrorJSON } from './wire.js';
import {
  CellMaxHopCountReached,
  CellNotFound,
  CellRoutingInconsistency,
  CellServiceAPIMethodNotFound,
  CellTimeout,
  CellUnavailable,
  InstanceNotFound,
  InstanceUnknownCell,
  InvalidArgument,
  NoCellsAvailable,
  UnknownMethod,
} from './cell-errors.js';
import { CellwireError, ERROR_CODES, type ErrorCode } from './errors.js';

/** Module name our own error classes travel under. */
export const CELLWIRE_ERROR_MODULE = 'cellwire.errors';

/** An error from another cell whose class is not registered here. */
export class RemoteError extends CellwireError {
  override name = 'RemoteError';
  /** The class name on the remote side. */
  readonly remoteClass: string;
  readonly remoteModule: string;
  /** Remote stack lines, when the remote cell sends them. */
  readonly remoteTrace: readonly string[];
  constructor(json: RemoteErrorJSON) {
    const code = asCode(json.kwargs.code);
    super(code === 'internal' ? 'remote' : code, `${json.class}: ${json.message}`, {
      cell: json.kwargs.cell || undefined,
      details: { ...json.kwargs },
      ...(typeof json.kwargs.retryable === 'boolean' ? { retryable: json.kwargs.retryable } : {}),
    });
    this.remoteClass = json.class;
    this.remoteModule = json.module;
    this.remoteTrace = json.tb;
  }
}

function asCode(code: unknown): ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(code) ? (code as ErrorCode) : 'remote';
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

  register<C extends ErrorClass>(
    cls: C,
    options: { module?: string; name?: string; rebuild?: (json: RemoteErrorJSON) => Error } = {},
  ): this {
    const name = options.name ?? cls.name;
    const module = options.module ?? CELLWIRE_ERROR_MODULE;
    const rebuild = options.rebuild ?? defaultRebuild(cls, name);
    const reg = { module, name, rebuild };
    this.byKey.set(`${module}.${name}`, reg);
    this.byClass.set(cls, reg);
    return this;
  }

  /** Serializes any thrown value; `cell` is the path where it happened. */
  serialize(error: unknown, cell: string, withStack = false): RemoteErrorJSON {
    const err = error instanceof Error ? error : new Error(String(error));
    const reg = this.lookupClass(err);
    const base = err instanceof CellwireError ? err : undefined;
    if (base && base.cell === undefined) base.cell = cell;
    const kwargs: RemoteErrorJSON['kwargs'] = {
      ...(toJson(base?.details) as Record<string, JsonValue>),
      code: base ? base.code : 'internal',
      cell: base?.cell ?? cell,
      // Serialized, not recomputed on arrival: NoValidHost is not retryable although its code is.
      retryable: base ? base.retryable : false,
    };
    // A RemoteError passed on travels under its original class (the reference's _Remote rule).
    const remote = err instanceof RemoteError ? err : undefined;
    return {
      class: remote?.remoteClass ?? reg?.name ?? err.name ?? 'Error',
      module: remote?.remoteModule ?? reg?.module ?? (base ? CELLWIRE_ERROR_MODULE : 'builtins'),
      message: base ? messageOf(base) : err.message,
      tb: withStack && err.stack ? err.stack.split('\n') : [],
      args: [err.message],
      kwargs,
    };
  }

  /** Rebuilds a registered class, else a RemoteError. */
  deserialize(json: RemoteErrorJSON): Error {
    const reg = this.byKey.get(`${json.module}.${json.class}`);
    if (!reg) return new RemoteError(json);
    try {
      return reg.rebuild(json);
    } catch {
      return new RemoteError(json);
    }
  }

  private lookupClass(err: Error): Registration | undefined {
    return this.byClass.get(err.constructor as ErrorClass);
  }
}

/** A RemoteError's message carries the remote class; send the original one. */
function messageOf(err: CellwireError): string {
  return err instanceof RemoteError ? err.message.slice(err.remoteClass.length + 2) : err.message;
}

function defaultRebuild(cls: ErrorClass, name: string) {
  return (json: RemoteErrorJSON): Error => {
    // Object.create keeps instanceof and the class's methods without running a constructor
    // whose parameters we do not know; the fields are the ones every CellwireError has.
    const err = Object.create(cls.prototype) as Error & Record<string, unknown>;
    Object.defineProperties(err, {
      message: { value: json.message, writable: true, configurable: true },
      name: { value: name, writable: true, configurable: true },
      stack: { value: `${name}: ${json.message}\n${json.tb.join('\n')}`, writable: true, configurable: true },
    });
    if (err instanceof CellwireError) {
      Object.assign(err, {
        code: asCode(json.kwargs.code),
        cell: json.kwargs.cell || undefined,
        details: { ...json.kwargs },
      });
      const retryable = typeof json.kwargs.retryable === 'boolean' ? json.kwargs.retryable : err.code === 'timeout' || err.code === 'unavailable';
      Object.assign(err, { retryable });
    }
    return err;
  };
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return {};
  try {
    return JSON.parse(JSON.stringify(value)) as JsonValue;
  } catch {
    return {};
  }
}

/** The registry every runner starts from: cellwire's own classes. */
export function defaultErrorRegistry(): ErrorRegistry {
  return new ErrorRegistry()
    .register(CellwireError)
    .register(CellRoutingInconsistency)
    .register(CellMaxHopCountReached)
    .register(CellTimeout)
    .register(CellUnavailable)
    .register(UnknownMethod)
    .register(InvalidArgument)
    .register(CellNotFound)
    .register(CellServiceAPIMethodNotFound)
    .register(InstanceNotFound)
    .register(InstanceUnknownCell)
    .register(NoCellsAvailable);
}
