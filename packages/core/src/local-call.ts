/**
 * Running a method's handler in this cell, for a received message or a `local` method at
 * the origin: the checks a received message must pass first, the handler interceptors
 * around the call, and the HandlerContext the handler gets. Whatever the handler does, the
 * outcome is a Response (never a rejection), because the runner must always answer.
 */
import { UnknownMethod } from './cell-errors.js';
import { checkMessageType, checkReceivedArgs } from './codec.js';
import { CellwireError } from './errors.js';
import { LocalContext } from './handler-context.js';
import { jsonProblem } from './json-value.js';
import { applyInterceptors, type CallContext, type Interceptor } from './interceptor.js';
import type { Registered, ServiceRegistry } from './registry.js';
import { Response } from './response.js';
import type { MessageRunner } from './runner.js';
import type { Envelope, RequestContext } from './wire.js';

/** A failure Response for an error raised here; an error that names no cell names `path`. */
export function failureHere(path: string, e: unknown): Response {
  if (e instanceof CellwireError) e.cell ??= path;
  return Response.failure(path, e instanceof Error ? e : new Error(String(e)));
}

/** Runs handlers for one runner; made once, with the runner's registry and interceptors. */
export class LocalCalls {
  constructor(
    /** Handed to handlers (they send further messages through it); its name and state are read here. */
    private readonly runner: MessageRunner,
    private readonly registry: ServiceRegistry,
    private readonly interceptors: readonly Interceptor[],
  ) {}

  /**
   * Runs a received message's method here: it must be served, fit the message type and have
   * valid arguments. From a sender on a newer minor version of the service, the argument
   * properties this cell does not know are dropped for the handler (checkReceivedArgs); the
   * envelope keeps them for the cells it travels on to. `origin`: the message was made here,
   * and its arguments were checked then.
   */
  received(env: Envelope, deadline: number, origin: boolean): Promise<Response> {
    const reg = this.registry.get(env.method_name);
    let args = env.method_kwargs as Record<string, unknown>;
    try {
      if (!reg) throw new UnknownMethod(env.method_name, `is not known to cell ${this.runner.name}`);
      checkMessageType(reg.method, env.message_type);
      if (!origin) args = checkReceivedArgs(reg.method, args, env.service_version);
    } catch (e) {
      return Promise.resolve(failureHere(env.routing_path, e));
    }
    return this.run(env, deadline, reg, args);
  }

  /** Calls the handler with `args`, through the handler interceptors. Never rejects. */
  async run(env: Envelope, deadline: number, reg: Registered, args: Record<string, unknown>): Promise<Response> {
    const path = env.routing_path;
    const m = reg.method;
    try {
      if (m.topOnly && !this.runner.state.isTop()) return Response.success(path, null);
      const handler = reg.handler;
      if (!handler) throw new UnknownMethod(m.name, `is not implemented by cell ${this.runner.name}`);
      let value: unknown;
      // Without interceptors (the common case) the handler is called directly: no closure.
      if (this.interceptors.length === 0) value = await handler.call(reg.self, new LocalContext(env, env.ctxt, m, deadline, this.runner), args as never);
      else {
        // An interceptor may hand on a changed context or arguments: the handler gets those.
        const call = (ctxt: RequestContext, a: unknown) => handler.call(reg.self, new LocalContext(env, ctxt, m, deadline, this.runner), a as never);
        const ctx: CallContext = {
          stage: 'handler',
          cell: this.runner.name,
          method: m,
          ctxt: env.ctxt,
          args,
          routingPath: path,
          deadline,
          signal: new LocalContext(env, env.ctxt, m, deadline, this.runner).signal,
          traceparent: env.traceparent,
          message: env,
        };
        value = await applyInterceptors(this.interceptors, (c) => Promise.resolve(call(c.ctxt, c.args)))(ctx);
      }
      // An answer travels as JSON: a handler's value that cannot (circular, a bigint, a
      // function) fails here, typed, rather than when the answer is encoded on its way back.
      const problem = jsonProblem(value ?? null, 'result');
      if (problem !== undefined) throw new CellwireError('internal', `handler of ${m.name} returned a value that cannot be sent: ${problem}`);
      return Response.success(path, value ?? null);
    } catch (e) {
      return failureHere(path, e);
    }
  }
}
