import { describe, expect, it } from 'vitest';
import { parseBrokerUrl, redact } from '../src/url.js';

describe('broker URLs', () => {
  it('decodes the vhost (%2F and an empty path are /) and adds the heartbeat', () => {
    expect(parseBrokerUrl('amqp://guest:guest@127.0.0.1:5672/%2F', 10)).toEqual({
      connect: 'amqp://guest:guest@127.0.0.1:5672/%2F?heartbeat=10',
      display: 'amqp://guest:***@127.0.0.1:5672/%2F',
      vhost: '/',
    });
    expect(parseBrokerUrl('amqp://h', 5).vhost).toBe('/');
    expect(parseBrokerUrl('amqps://u:p@h:5671/cell%2Done?heartbeat=3', 10)).toMatchObject({ vhost: 'cell-one', connect: 'amqps://u:p@h:5671/cell%2Done?heartbeat=3' });
  });

  it('refuses other schemes, no host, and an unencoded / in the vhost', () => {
    expect(() => parseBrokerUrl('http://h/', 10)).toThrow(/amqp/);
    expect(() => parseBrokerUrl('amqp:///x', 10)).toThrow();
    expect(() => parseBrokerUrl('amqp://h/a/b', 10)).toThrow(/%2F/);
    expect(() => parseBrokerUrl('not a url', 10)).toThrow(/not a URL/);
  });

  it('never prints a password', () => {
    expect(redact('amqp://user:secret@h/v')).toBe('amqp://user:***@h/v');
    expect(redact('amqp://h/v')).toBe('amqp://h/v');
    expect(redact('garbage //user:secret@h')).not.toContain('secret');
  });
});
