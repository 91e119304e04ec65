/**
 * AsyncAPI 3.0 document of the AMQP transport (packages/transport-amqp/src/topology.ts): the
 * queues and fanout exchange of a cell `{cell}`, RabbitMQ direct reply-to, and one message
 * per method that travels between cells.
 */
import { ERROR_BODY, SchemaPool, sortedMethods, summaryOf, typedResponse, type ApiMethod, type ApiService, type JsonSchema } from './api-model.js';

type Channel = 'targeted' | 'broadcast' | 'response' | 'fanout' | 'reply';

/** Messages of the fixed kinds; a method with one of these wire names would clash. */
const RESPONSE = 'response';
const ERROR_REPLY = 'error_reply';
/** Responses travel as this method (schema `parse_responses`), covered by the `response` message. */
const PARSE_RESPONSES = 'parse_responses';

const CELL = { cell: { description: 'Name of the cell that owns the queue or exchange, e.g. `child-cell1`.' } };
const AMQP = '0.3.0';

/** Channels: address, description and AMQP binding. `{cell}` is the cell's name; `cellwire` the default prefix. */
const CHANNELS: Record<Channel, { address: string; description: string; binding: JsonSchema }> = {
  targeted: {
    address: 'cellwire.{cell}.targeted',
    description: 'Targeted messages to the cell; its service instances are competing consumers.',
    binding: { is: 'queue', queue: { name: 'cellwire.{cell}.targeted', durable: true, exclusive: false, autoDelete: false } },
  },
  broadcast: {
    address: 'cellwire.{cell}.broadcast',
    description: 'Broadcast messages to the cell; its service instances are competing consumers.',
    binding: { is: 'queue', queue: { name: 'cellwire.{cell}.broadcast', durable: true, exclusive: false, autoDelete: false } },
  },
  response: {
    address: 'cellwire.{cell}.response',
    description: 'Responses travelling back along the routing path; a queue of its own so a busy cell still drains them.',
    binding: { is: 'queue', queue: { name: 'cellwire.{cell}.response', durable: true, exclusive: false, autoDelete: false } },
  },
  fanout: {
    address: 'cellwire.{cell}.fanout',
    description: 'Fanout exchange: every service instance of the cell binds one exclusive, server-named queue and gets a copy.',
    binding: { is: 'routingKey', exchange: { name: 'cellwire.{cell}.fanout', type: 'fanout', durable: true, autoDelete: false } },
  },
  reply: {
    address: 'amq.rabbitmq.reply-to',
    description: 'RabbitMQ direct reply-to: the answer to a call (need_response) goes straight back to the waiting channel.',
    binding: { is: 'queue', queue: { name: 'amq.rabbitmq.reply-to' } },
  },
};

/**
 * The AsyncAPI 3.0 document of one service's AMQP messages. Methods of kind `local` and
 * methods that send another method's message (`sends`) have no message of their own;
 * `parse_responses` is the `response` message. Deterministic: messages and schemas sorted.
 *
 * @example
 * const doc = emitAsyncApi(service);
 * Object.keys(doc.channels); // ['targeted', 'broadcast', 'response', 'fanout', 'reply']
 * (await new Parser().parse(doc)).diagnostics; // no errors (@asyncapi/parser)
 */
export function emitAsyncApi(service: ApiService): Record<string, unknown> {
  const pool = new SchemaPool('draft-07', service.definitions);
  const envelope = pool.addFile('Envelope', service.wire.envelope);
  const typed = typedResponse(pool.addFile('Response', service.wire.response), pool.addFile('RemoteError', service.wire.remoteError));
  const errorBody = pool.addOwn('ErrorReply', ERROR_BODY);

  const messages: Record<string, JsonSchema> = {};
  const on: Record<Channel, string[]> = { targeted: [], broadcast: [], response: [RESPONSE], fanout: [], reply: [RESPONSE, ERROR_REPLY] };
  for (const m of sortedMethods(service)) {
    if (m.wire === RESPONSE || m.wire === ERROR_REPLY) throw new Error(`method name ${m.wire} is reserved in the AsyncAPI document`);
    if (m.kind === 'local' || m.sends !== undefined || m.wire === PARSE_RESPONSES) continue;
    messages[m.wire] = methodMessage(m, pool, envelope);
    for (const c of channelsOf(m)) on[c].push(m.wire);
  }
  messages[RESPONSE] = {
    name: RESPONSE,
    summary: 'Answers to a message, travelling back along the reversed routing path.',
    contentType: 'application/json',
    payload: envelopeWith(envelope, {
      message_type: { const: 'response' },
      method_name: { const: PARSE_RESPONSES },
      method_kwargs: { type: 'object', properties: { responses: { type: 'array', items: typed } }, required: ['responses'], additionalProperties: false },
    }),
  };
  messages[ERROR_REPLY] = {
    name: ERROR_REPLY,
    summary: 'A refusal of a call, sent on the reply channel with header x-cellwire-error: 1.',
    contentType: 'application/json',
    payload: SchemaPool.ref(errorBody),
  };

  const channels: Record<string, unknown> = {};
  for (const c of Object.keys(CHANNELS) as Channel[]) {
    const { address, description, binding } = CHANNELS[c];
    // A copy: tools that rewrite the document in place must not reach the constants above.
    channels[c] = structuredClone({
      address,
      description,
      messages: Object.fromEntries(on[c].map((name) => [name, { $ref: `#/components/messages/${name}` }])),
      ...(address.includes('{cell}') ? { parameters: CELL } : {}),
      bindings: { amqp: { ...binding, bindingVersion: AMQP } },
    });
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: `cellwire ${service.name} cell messages`,
      version: service.version,
      description: 'Messages between cells over AMQP: every body is one JSON envelope.',
    },
    defaultContentType: 'application/json',
    servers: { rabbitmq: { host: '127.0.0.1:5672', protocol: 'amqp', protocolVersion: '0.9.1', description: 'example broker' } },
    channels,
    operations: operations(on),
    components: { schemas: pool.toJSON(), messages: sortKeys(messages) },
  };
}

/** Where a method's message is published: a fanout one to the exchange, else by message type. */
function channelsOf(m: ApiMethod): Channel[] {
  if (m.fanout) return ['fanout'];
  if (m.kind === 'targeted_or_broadcast') return ['targeted', 'broadcast'];
  return m.kind === 'broadcast' ? ['broadcast'] : ['targeted'];
}

function methodMessage(m: ApiMethod, pool: SchemaPool, envelope: string): JsonSchema {
  const types = m.kind === 'targeted_or_broadcast' ? ['broadcast', 'targeted'] : [m.kind];
  const summary = summaryOf(m.doc);
  return {
    name: m.wire,
    ...(summary ? { summary } : {}),
    ...(m.doc.trim() && m.doc.trim() !== summary ? { description: m.doc.trim() } : {}),
    contentType: 'application/json',
    payload: envelopeWith(envelope, {
      message_type: { enum: types },
      method_name: { const: m.wire },
      method_kwargs: pool.inline(m.args, `${m.wire}_args`),
      direction: { const: m.direction },
      ...(typeof m.needResponse === 'boolean' ? { need_response: { const: m.needResponse } } : {}),
      ...(m.fanout !== undefined ? { fanout: { const: m.fanout } } : {}),
    }),
  };
}

/** The envelope, narrowed: allOf keeps the envelope's own checks (required fields, no extras). */
function envelopeWith(envelope: string, properties: JsonSchema): JsonSchema {
  return { allOf: [SchemaPool.ref(envelope), { type: 'object', properties }] };
}

/** What sending / receiving on each channel means for a cell. */
const ACTIONS: Record<Channel, readonly [send: string, receive: string]> = {
  targeted: ['Send a targeted message to the next cell on its path.', 'Take a targeted message: handle it here or pass it on.'],
  broadcast: ['Send a broadcast to a neighbour cell.', 'Take a broadcast: handle it and pass it on in its direction.'],
  response: ['Send responses back towards the origin.', 'Take responses: hand them to the waiting call or pass them on.'],
  fanout: ['Publish to every service instance of the next cell.', "Take a copy from this instance's own fanout queue."],
  reply: ['Answer a call to the waiting sender (default exchange, its reply-to address).', 'Get the answer to a call (no-ack, as direct reply-to requires).'],
};

/**
 * Send and receive on each channel, seen from a cell's service instance. Calls (targeted,
 * broadcast, fanout) may be answered on the reply channel; receivers ack after handling,
 * except on direct reply-to, which RabbitMQ only serves in no-ack mode.
 */
function operations(on: Record<Channel, string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const msgs = (c: Channel) => on[c].map((name) => ({ $ref: `#/channels/${c}/messages/${name}` }));
  for (const c of Object.keys(ACTIONS) as Channel[]) {
    const upper = c.charAt(0).toUpperCase() + c.slice(1);
    const [send, receive] = ACTIONS[c];
    // Fresh objects per operation: the document holds no shared references a tool might mutate twice.
    const base = () => ({
      channel: { $ref: `#/channels/${c}` },
      messages: msgs(c),
      ...(c === 'targeted' || c === 'broadcast' || c === 'fanout' ? { reply: { channel: { $ref: '#/channels/reply' }, messages: msgs('reply') } } : {}),
    });
    // Replies are published without `mandatory`: the waiting channel may be gone, and that is fine.
    const sendBinding = c === 'reply' ? {} : { mandatory: true };
    out[`send${upper}`] = { action: 'send', summary: send, ...base(), bindings: { amqp: { ...sendBinding, bindingVersion: AMQP } } };
    out[`receive${upper}`] = { action: 'receive', summary: receive, ...base(), bindings: { amqp: { ack: c !== 'reply', bindingVersion: AMQP } } };
  }
  return out;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]!]));
}
