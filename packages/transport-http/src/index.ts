/**
 * @cellwire/transport-http: cellwire messages between cells over HTTP(S).
 *
 * @example
 * import { createHttpTransport } from '@cellwire/transport-http';
 * const transport = createHttpTransport();
 */
export { createHttpTransport, type HttpTransport } from './transport.js';
export type { HttpLink, HttpLinkStats } from './link.js';
export type { HttpListener } from './server.js';
export type { HttpListenOptions, HttpLogger, HttpNeighbourOptions, HttpTransportOptions } from './options.js';
export type { TlsOptions } from './tls.js';
export type { ErrorBody } from './status.js';
export { signMessage, signReply, verifyReply, verifySignature, type SignedReply, type SignedRequest } from './signature.js';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_REPLY_WAIT_MS,
  HEADERS,
  MESSAGE_PATH,
} from './protocol.js';
