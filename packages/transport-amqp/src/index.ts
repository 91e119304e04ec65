/**
 * @cellwire/transport-amqp: cellwire messages between cells over RabbitMQ.
 *
 * @example
 * import { createAmqpTransport } from '@cellwire/transport-amqp';
 * const transport = createAmqpTransport();
 * const link = transport.connect({ name: 'child-cell1', urls: ['amqp://guest:guest@127.0.0.1:5672/%2F'] }, { cell: 'api-cell' });
 */
export { createAmqpTransport, AmqpTransport, type BrokerStatus } from './transport.js';
export { AmqpLink, type LinkState } from './link.js';
export { AmqpListener } from './consumer.js';
export type { AmqpTransportOptions, AmqpLogger } from './options.js';
export type { ConnectionState } from './connection.js';
export { cellTopology, DEFAULT_PREFIX, type CellTopology } from './topology.js';
export { deleteCellTopology } from './admin.js';
export { DIRECT_REPLY_TO, ERROR_HEADER, FROM_HEADER, SIGNATURE_HEADER } from './wire.js';
