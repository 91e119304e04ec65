// @ts-nocheck
import { describe, expect, it } from 'vitest';
import {
  CellTimeout,
  CellwireError,
  ERROR_CODES,
  InstanceNotFound,
  RemoteError,
  Response,
  defaultErrorRegistry,
} from '../src/index.js';

describe('errors and Response', () => {
  it('has a closed code list and a retryable flag', () => {
    expect(ERROR_CODES).toContain('routing_inconsistency');
    expect(new CellwireError('timeout', 'x').retryable).toBe(true);
    expect(new CellwireError('invalid_argument', 'x').retryable).toBe(false);
    expect(new CellTimeout('api!c1').message).toBe('Timeout waiting for response from cell api!c1');
  });

  it('serializes to the reference shape, without stacks unless asked', () => {
    const reg = defaultErrorRegistry();
    const json = reg.serialize(new InstanceNotFound('u1'), 'api!c1');
    expect(json).toMatchObject({ class: 'InstanceNotFound', module: 'cellwire.errors', tb: [], kwargs: { code: 'not_found', cell: 'api!c1', instance_id: 'u1' } });
    expect(reg.serialize(new Error('boom'), 'api', true).tb.length).toBeGreaterThan(0);
    expect(reg.serialize(new TypeError('bad'), 'api')).toMatchObject({ class: 'TypeError', module: 'builtins', kwargs: { code: 'internal' } });
  });

  it('rebuilds registered classes and wraps the rest', () => {
    const reg = defaultErrorRegistry();
    const back = reg.deserialize(reg.serialize(new InstanceNotFound('u1'), 'api!c1'));
    expect(back).toBeInstanceOf(InstanceNotFound);
    expect(back).toBeInstanceOf(CellwireError);
    expect((back as CellwireError).code).toBe('not_found');
    expect((back as CellwireError).cell).toBe('api!c1');
    const other = reg.deserialize({ class: 'KeyError', module: 'builtins', message: 'k', tb: [], args: [], kwargs: { code: 'internal', cell: 'x' } });
    expect(other).toBeInstanceOf(RemoteError);
    expect((other as RemoteError).remoteClass).toBe('KeyError');
    // A RemoteError passed on keeps its original class name (the reference's _Remote suffix rule).
    expect(reg.serialize(other, 'y')).toMatchObject({ class: 'KeyError', module: 'builtins', message: 'k' });
  });

  it('Response: success, failure, valueOrRaise, wire round trip', () => {
    const reg = defaultErrorRegistry();
    const ok = Response.success('api', { a: 1 });
    expect(ok.valueOrRaise()).toEqual({ a: 1 });
    expect(Response.fromJSON(JSON.parse(JSON.stringify(ok.toJSON(reg))), reg).valueOrRaise()).toEqual({ a: 1 });
    const bad = Response.failure('api!c1', new InstanceNotFound('u'));
    expect(() => bad.valueOrRaise()).toThrow(InstanceNotFound);
    expect(bad.error?.code).toBe('not_found');
    const wire = bad.toJSON(reg);
    expect(wire.failure).toBe(true);
    expect(() => Response.fromJSON(wire, reg).valueOrRaise()).toThrow(InstanceNotFound);
  });
});
