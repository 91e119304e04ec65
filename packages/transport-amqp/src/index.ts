/**
 * @cellwire/transport-amqp: cellwire messages between cells over RabbitMQ.
 *
 * @example
 * import { createAmqpTransport } from '@cellwire/transport-amqp';
 * const transport = createAmqpTransport();
 * const link = transport.connect({ name: 'child-cell1', urls: ['amqp://guest:guest@127.0.0.1:5672/%2F'] }, { cell: 'api-cell' });
 */
export { createAmqpTransport, AmqpTransport, type BrokerStatus } from './transport.js';
export { AmqpLink, type LinkLimits, type LinkState } from './link.js';
export { AmqpListener, type AmqpListenerStats } from './consumer.js';
export type { AmqpTransportOptions, AmqpLogger } from './options.js';
export type { ConnectionState } from './connection.js';
export { cellTopology, DEFAULT_PREFIX, type CellTopology } from './topology.js';
export { deleteCellTopology } from './admin.js';
export {
  ATTEMPTS_HEADER,
  DEAD_AT_HEADER,
  DEAD_QUEUE_HEADER,
  DEAD_REASON_HEADER,
  DIRECT_REPLY_TO,
  ERROR_HEADER,
  FROM_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signMessage,
  signReply,
  verifyMessage,
  verifyReply,
  type SignedMessage,
  type SignedReply,
} from './wire.js';
