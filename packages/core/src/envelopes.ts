/**
 * The envelopes this cell creates: a new targeted or broadcast message for a call made here,
 * and the response message that answers a received one (reference _send_json_responses).
 * The fields that travel are decided here, in one place, so every message a cell creates
 * has the same shape, and so is the one change a cell makes to every message it handles
 * (`arrive`); routing them is the runner's business.
 */
import { newUuid } from './ids.js';
import { InvalidArgument } from './cell-errors.js';
import { checkCallerArgs, describeValidation, RESPONSE_METHOD, serviceVersion } from './codec.js';
import type { CallOptions } from './deadline.js';
import { validateRequestContext } from './gen/wire.js';
import { jsonProblem } from './json-value.js';
import type { ServiceRegistry } from './registry.js';
import { appendHop, responseCellNameFromPath } from './routing.js';
import type { MethodDescriptor } from './service.js';
import { newTraceparent } from './trace.js';
import type { Envelope, RequestContext, WireResponse } from './wire.js';

/** How a message created here travels. */
export interface Route {
  readonly direction: 'up' | 'down';
  readonly needResponse: boolean;
  readonly fanout?: boolean;
}

/** A request context a caller hands in: the wire schema, and JSON all the way down. */
export function checkContext(ctxt: RequestContext): void {
  if (!validateRequestContext(ctxt)) throw new InvalidArgument(`invalid request context: ${describeValidation(validateRequestContext, 'ctxt')}`);
  const problem = jsonProblem(ctxt, 'ctxt');
  if (problem) throw new InvalidArgument(`invalid request context: ${problem}`);
}

/** A cell's hop on a message it made or received: its name appended, one more hop counted. */
export function arrive(env: Envelope, cell: string): void {
  env.routing_path = appendHop(env.routing_path, cell);
  env.hop_count += 1;
}

/** Makes one cell's envelopes; holds the runner's settings, so it is made once per runner. */
export class Envelopes {
  constructor(
    private readonly registry: ServiceRegistry,
    /** max_hop_count of messages created here, unless a call says otherwise. */
    private readonly maxHopCount: number,
    /** Whether envelopes carry `service_version` (off while older cores remain in the tree). */
    private readonly sendServiceVersion: boolean,
  ) {}

  /**
   * A new message of a call made here, its routing path still empty. The caller's arguments
   * and context are checked first: nothing that would be refused downstream leaves this cell.
   */
  request(
    type: 'targeted' | 'broadcast',
    m: MethodDescriptor,
    ctxt: RequestContext,
    args: Record<string, unknown>,
    route: Route,
    deadline: number,
    options: CallOptions,
  ): Envelope {
    checkCallerArgs(m, args);
    checkContext(ctxt);
    const env: Envelope = {
      message_type: type,
      ctxt,
      method_name: m.name,
      method_kwargs: args as Envelope['method_kwargs'],
      direction: route.direction,
      need_response: route.needResponse,
      fanout: route.fanout ?? false,
      uuid: newUuid(),
      routing_path: '',
      hop_count: 0,
      max_hop_count: options.maxHopCount ?? this.maxHopCount,
      deadline,
      traceparent: options.traceparent ?? newTraceparent(),
    };
    if (this.sendServiceVersion) env.service_version = serviceVersion(m.service);
    return env;
  }

  /**
   * The response message answering `env` with `responses`, going back the way `env` came;
   * addressed to the neighbour it came from only (`neighbourOnly`, a broadcast's hop by hop
   * answer) or to the origin. Its routing path is empty: the runner appends this cell.
   */
  response(env: Envelope, responses: WireResponse[], neighbourOnly: boolean): Envelope {
    const res: Envelope = {
      message_type: 'response',
      ctxt: env.ctxt,
      method_name: RESPONSE_METHOD,
      method_kwargs: { responses: responses as unknown as Envelope['method_kwargs'][string] },
      direction: env.direction === 'up' ? 'down' : 'up',
      need_response: false,
      fanout: false,
      uuid: newUuid(),
      routing_path: '',
      hop_count: 0,
      max_hop_count: env.max_hop_count,
      target_cell: responseCellNameFromPath(env.routing_path, neighbourOnly),
      response_uuid: env.uuid,
    };
    if (env.deadline !== undefined) res.deadline = env.deadline;
    if (env.traceparent !== undefined) res.traceparent = env.traceparent;
    // The answering cell's version of the answered method's service, when it serves it.
    const answered = this.sendServiceVersion ? this.registry.get(env.method_name)?.method.service : undefined;
    if (answered) res.service_version = serviceVersion(answered);
    return res;
  }
}
