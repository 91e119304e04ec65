/**
 * Service descriptors (docs/sdk.md): what `cellwire-codegen` emits for a `methods.ts`, handed
 * to a runner (`new MessageRunner({ services: [serve(desc, impl)] })`) and to a client
 * (`createClient(desc, runner)`) as a value, the way Connect-ES hands its generated service
 * descriptors around. Core knows no service: everything it needs about a method is here.
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
import type { MethodSpec } from './method.js';

/** A precompiled validator (ajv standalone): true when valid, else `errors` says why. */
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: null | readonly {
    instancePath: string;
    message?: string;
    params?: Record<string, unknown>;
  }[];
}

/** A JSON Schema object (draft-07). */
export type JsonSchema = {
  readonly [key: string]: unknown;
};

/** One method of a service, as the generator describes it. */
export interface MethodDescriptor extends MethodSpec {
  /** Wire name (snake_case), unique among the services a runner serves. */
  readonly name: string;
  /** camelCase name: the handler's and the client stub's. */
  readonly localName: string;
  /** The service this method belongs to. */
  readonly service: ServiceInfoRef;
  /** Checks a method's arguments (an object). */
  readonly validateArgs: ValidateFunction;
  /** Checks a successful answer's value. */
  readonly validateResult: ValidateFunction;
  /** Self-contained JSON Schemas of the arguments and of the result. */
  readonly schemas: {
    readonly args: JsonSchema;
    readonly result: JsonSchema;
  };
}

/** Name and version of a service, as each method refers to it. */
export interface ServiceInfoRef {
  readonly name: string;
  readonly version: string;
}

/**
 * A generated service: its name, version and methods (keyed by camelCase name). `H` and `C`
 * are the generated handler and client interfaces, carried as types only.
 */
export interface ServiceDescriptor<H = unknown, C = unknown, K extends string = string> extends ServiceInfoRef {
  readonly methods: { readonly [P in K]: MethodDescriptor };
  /** Type carrier for ServiceHandlers / ServiceClient; never set at run time. */
  readonly __types?: {
    readonly handlers: H;
    readonly client: C;
  };
}

/** Any service descriptor. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyService = ServiceDescriptor<any, any, string>;

/** The handler interface of a service: `ServiceHandlers<typeof novaCells>`. */
export type ServiceHandlers<S> = S extends ServiceDescriptor<infer H, unknown, string> ? H : never;

/** The typed client of a service: `ServiceClient<typeof novaCells>`. */
export type ServiceClient<S> = S extends ServiceDescriptor<unknown, infer C, string> ? C : never;

/**
 * Builds a descriptor from generated data: links each method to its service and freezes
 * everything, so a descriptor can be shared by every runner and client in a process.
 */
export function defineService<H, C, K extends string>(info: ServiceInfoRef, methods: { readonly [P in K]: Omit<MethodDescriptor, 'service' | 'localName'> }): ServiceDescriptor<H, C, K> {
  if (stryMutAct_9fa48("540")) {
    {}
  } else {
    stryCov_9fa48("540");
    const ref: ServiceInfoRef = Object.freeze(stryMutAct_9fa48("541") ? {} : (stryCov_9fa48("541"), {
      name: info.name,
      version: info.version
    }));
    const out = {} as { [P in K]: MethodDescriptor };
    for (const key of Object.keys(methods) as K[]) {
      if (stryMutAct_9fa48("542")) {
        {}
      } else {
        stryCov_9fa48("542");
        out[key] = Object.freeze(stryMutAct_9fa48("543") ? {} : (stryCov_9fa48("543"), {
          ...methods[key],
          localName: key,
          service: ref
        }));
      }
    }
    return Object.freeze(stryMutAct_9fa48("544") ? {} : (stryCov_9fa48("544"), {
      name: info.name,
      version: info.version,
      methods: Object.freeze(out)
    }));
  }
}

/** A service and the handlers this cell runs for it (absent ones answer `unknown_method`). */
export interface ServiceImpl<S extends AnyService = AnyService> {
  readonly service: S;
  readonly handlers: Partial<ServiceHandlers<S>>;
}

/**
 * Pairs a service with its handlers, typed from the descriptor.
 *
 * @example
 * const runner = new MessageRunner({ name: 'api-cell', services: [serve(novaCells, handlers)] });
 */
export function serve<S extends AnyService>(service: S, handlers: Partial<ServiceHandlers<S>>): ServiceImpl<S> {
  if (stryMutAct_9fa48("545")) {
    {}
  } else {
    stryCov_9fa48("545");
    return stryMutAct_9fa48("546") ? {} : (stryCov_9fa48("546"), {
      service,
      handlers
    });
  }
}