/**
 * The services one runner serves: wire name -> method, service and handler. Only these
 * methods can be dispatched; there is no lookup by arbitrary name.
 */
import { InvalidArgument, UnknownMethod } from './cell-errors.js';
import type { HandlerContext } from './handler-context.js';
import type { AnyService, MethodDescriptor, ServiceImpl } from './service.js';

/** A handler as the runner calls it. */
export type AnyHandler = (ctx: HandlerContext, args: never) => unknown;

/** One served method. */
export interface Registered {
  readonly method: MethodDescriptor;
  /** Undefined when this cell knows the method but does not run it (answers `unknown_method`). */
  readonly handler: AnyHandler | undefined;
  /** `this` for the handler call (the handlers object). */
  readonly self: object;
}

export class ServiceRegistry {
  private readonly byWire = new Map<string, Registered>();
  private readonly servicesByName = new Map<string, AnyService>();

  /** Adds a service; a wire name already served by another service is refused, naming both. */
  add(entry: AnyService | ServiceImpl): void {
    const { service, handlers } = 'service' in entry ? entry : { service: entry, handlers: {} };
    const clash = this.servicesByName.get(service.name);
    if (clash) throw new InvalidArgument(`service '${service.name}' is registered twice`);
    const rows: [string, Registered][] = [];
    for (const method of Object.values(service.methods)) {
      const other = this.byWire.get(method.name);
      if (other) {
        throw new InvalidArgument(
          `method '${method.name}' is declared by both service '${other.method.service.name}' and service '${service.name}': wire names must be unique in a runner`,
        );
      }
      const fn = (handlers as Record<string, unknown>)[method.localName];
      if (fn !== undefined && typeof fn !== 'function') {
        throw new InvalidArgument(`handler '${method.localName}' of service '${service.name}' is not a function`);
      }
      rows.push([method.name, { method, handler: fn as AnyHandler | undefined, self: handlers as object }]);
    }
    this.servicesByName.set(service.name, service);
    for (const [wire, row] of rows) this.byWire.set(wire, row);
  }

  /** The method served under a wire name, or undefined. */
  get(wire: string): Registered | undefined {
    return this.byWire.get(wire);
  }

  /** The registered method, or `unknown_method`. */
  require(wire: string): Registered {
    const r = this.byWire.get(wire);
    if (!r) throw new UnknownMethod(wire);
    return r;
  }

  /** The services, in registration order. */
  services(): AnyService[] {
    return [...this.servicesByName.values()];
  }
}
