/**
 * @cellwire/otel: OpenTelemetry tracing for cellwire. `tracing()` is an interceptor that
 * makes a span per hop (the call at its origin, each send to a neighbour, each message a
 * cell receives, each handler run) and one trace per call, the W3C trace context carried in
 * the envelope's `traceparent`. It needs only @opentelemetry/api: start an SDK (or pass a
 * tracer) to record the spans.
 *
 * @example
 * import { tracing } from '@cellwire/otel';
 * const runner = new MessageRunner({ name: 'api-cell', services, interceptors: [tracing()] });
 */
export { ATTR, TRACER_NAME, contextFromTraceparent, traceparentOf, tracing } from './tracing.js';
export type { TracingOptions } from './tracing.js';
