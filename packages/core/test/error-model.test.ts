/**
 * The error model in detail (src/errors.ts, cell-errors.ts, remote-error.ts, response.ts,
 * link-errors.ts, http-status.ts): every code, message and detail that travels, what is
 * rebuilt on arrival and what a caller sees of a failure.
 */
import { describe, expect, it } from 'vitest';
import {
  CELLWIRE_ERROR_MODULE,
  CellMaxHopCountReached,
  CellNotFound,
  CellRoutingInconsistency,
  CellServiceAPIMethodNotFound,
  CellTimeout,
  CellUnavailable,
  CellwireError,
  codeForHttpStatus,
  defaultErrorRegistry,
  ErrorRegistry,
  httpStatusFor,
  InstanceNotFound,
  InstanceUnknownCell,
  InvalidArgument,
  isErrorCode,
  NoCellsAvailable,
  RemoteError,
  Response,
  UnknownMethod,
  type RemoteErrorJSON,
} from '../src/index.js';
import { abortError, linkError, shuttingDown } from '../src/link-errors.js';

const remote = (over: Partial<RemoteErrorJSON> & { kwargs?: RemoteErrorJSON['kwargs'] } = {}): RemoteErrorJSON => ({
  class: 'KeyError',
  module: 'builtins',
  message: 'k',
  tb: [],
  args: [],
  kwargs: { code: 'internal', cell: 'api!c1' },
  ...over,
});

describe('CellwireError', () => {
  it('has a cause only when given one, no cell unless given, and empty details by default', () => {
    const e = new CellwireError('internal', 'x');
    expect('cause' in e).toBe(false);
    expect(e.cell).toBeUndefined();
    expect(e.details).toEqual({});
    expect(e.retryable).toBe(false);
    const cause = new Error('root');
    const withCause = new CellwireError('unavailable', 'y', { cause, cell: 'a!b', details: { n: 1 }, retryable: false });
    expect(withCause.cause).toBe(cause);
    expect(withCause).toMatchObject({ code: 'unavailable', message: 'y', cell: 'a!b', details: { n: 1 }, retryable: false, name: 'CellwireError' });
    expect(new CellwireError('unavailable', 'z').retryable).toBe(true);
  });

  it('codeOf reads a CellwireError\'s code, anything else is internal', () => {
    expect(CellwireError.codeOf(new CellTimeout('a'))).toBe('timeout');
    expect(CellwireError.codeOf(new Error('x'))).toBe('internal');
    expect(CellwireError.codeOf('x')).toBe('internal');
  });

  it('from keeps a CellwireError, makes aborted of an abort or timeout, and the fallback of anything else', () => {
    const own = new CellTimeout('a');
    expect(CellwireError.from(own)).toBe(own);
    const abort = Object.assign(new Error('stop'), { name: 'AbortError' });
    expect(CellwireError.from(abort)).toMatchObject({ code: 'aborted', message: 'stop', cause: abort });
    const timedOut = Object.assign(new Error('late'), { name: 'TimeoutError' });
    expect(CellwireError.from(timedOut, 'unavailable').code).toBe('aborted');
    const plain = new TypeError('bad');
    expect(CellwireError.from(plain)).toMatchObject({ code: 'internal', message: 'bad', cause: plain });
    expect(CellwireError.from(plain, 'invalid_argument').code).toBe('invalid_argument');
    expect(CellwireError.from(42, 'unavailable')).toMatchObject({ code: 'unavailable', message: '42', cause: 42 });
    expect(CellwireError.from('text').code).toBe('internal');
  });

  it('isErrorCode accepts exactly the closed list', () => {
    expect(isErrorCode('timeout')).toBe(true);
    expect(isErrorCode('internal')).toBe(true);
    expect(isErrorCode('nope')).toBe(false);
    expect(isErrorCode(3)).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});

describe('the reference\'s cells errors', () => {
  it('each has its class name, code, message and details', () => {
    const cases: [CellwireError, string, string, string, Record<string, unknown>][] = [
      [new CellRoutingInconsistency('why', { details: { x: 1 } }), 'CellRoutingInconsistency', 'routing_inconsistency', 'Inconsistency in cell routing: why', { reason: 'why', x: 1 }],
      [new CellMaxHopCountReached(7), 'CellMaxHopCountReached', 'hop_limit', 'Cell message has reached maximum hop count: 7', { hop_count: 7 }],
      [new CellTimeout('api!c1'), 'CellTimeout', 'timeout', 'Timeout waiting for response from cell api!c1', {}],
      [new CellUnavailable('c1', 'down'), 'CellUnavailable', 'unavailable', 'Cell c1 is unavailable: down', {}],
      [new UnknownMethod('m'), 'UnknownMethod', 'unknown_method', "Method 'm' is not a known method", { method: 'm' }],
      [new UnknownMethod('m', 'is odd', { details: { y: 2 } }), 'UnknownMethod', 'unknown_method', "Method 'm' is odd", { method: 'm', y: 2 }],
      [new InvalidArgument('bad'), 'InvalidArgument', 'invalid_argument', 'bad', {}],
      [new CellNotFound('c9'), 'CellNotFound', 'not_found', "Cell c9 doesn't exist.", { cell_name: 'c9' }],
      [new CellServiceAPIMethodNotFound('m'), 'CellServiceAPIMethodNotFound', 'not_found', 'Service API method not found: m', { detail: 'm' }],
      [new InstanceNotFound('i1'), 'InstanceNotFound', 'not_found', 'Instance i1 could not be found.', { instance_id: 'i1' }],
      [new InstanceUnknownCell('u1'), 'InstanceUnknownCell', 'routing_inconsistency', 'Cell is not known for instance u1', { instance_uuid: 'u1' }],
      [new NoCellsAvailable(), 'NoCellsAvailable', 'resource_exhausted', 'No cells available matching scheduling criteria.', {}],
    ];
    for (const [e, name, code, message, details] of cases) {
      expect({ name: e.name, code: e.code, message: e.message, details: e.details }).toEqual({ name, code, message, details });
    }
  });

  it('timeouts and unavailable cells name their cell and are retryable; a scheduler refusal is not', () => {
    expect(new CellTimeout('api!c1', { cause: 1 })).toMatchObject({ cell: 'api!c1', retryable: true, cause: 1 });
    expect(new CellUnavailable('c1', 'down', { cell: 'api!c1' })).toMatchObject({ cell: 'c1', retryable: true });
    expect(new NoCellsAvailable({ retryable: true }).retryable).toBe(false);
    expect(new NoCellsAvailable({ cell: 'api', details: { flavor: 'big' } })).toMatchObject({ cell: 'api', details: { flavor: 'big' } });
    expect(new CellNotFound('c', { cell: 'x' }).cell).toBe('x');
    expect(new InstanceNotFound('i', { details: { z: 1 } }).details).toEqual({ instance_id: 'i', z: 1 });
    expect(new CellMaxHopCountReached(3, { cell: 'p' }).cell).toBe('p');
  });
});

describe('RemoteError', () => {
  it('keeps the remote class, module, message, stack and cell, and takes a known code', () => {
    const e = new RemoteError(remote({ tb: ['at x'], kwargs: { code: 'not_found', cell: 'api!c1', extra: 1 } }));
    expect(e).toMatchObject({ name: 'RemoteError', code: 'not_found', message: 'KeyError: k', cell: 'api!c1', remoteClass: 'KeyError', remoteModule: 'builtins', remoteTrace: ['at x'], retryable: false });
    expect(e.details).toEqual({ code: 'not_found', cell: 'api!c1', extra: 1 });
  });

  it('reads internal or an unknown code as remote, and an empty cell as none', () => {
    expect(new RemoteError(remote()).code).toBe('remote');
    expect(new RemoteError(remote({ kwargs: { code: 'bogus', cell: '' } }))).toMatchObject({ code: 'remote', cell: undefined });
  });

  it('takes retryable from the wire, else from its code', () => {
    expect(new RemoteError(remote({ kwargs: { code: 'unavailable', cell: 'c' } })).retryable).toBe(true);
    expect(new RemoteError(remote({ kwargs: { code: 'unavailable', cell: 'c', retryable: false } })).retryable).toBe(false);
    expect(new RemoteError(remote({ kwargs: { code: 'not_found', cell: 'c', retryable: true } })).retryable).toBe(true);
  });
});

describe('ErrorRegistry', () => {
  class QuotaExceeded extends CellwireError {
    override name = 'QuotaExceeded';
  }
  class PlainAppError extends Error {
    override name = 'PlainAppError';
    hint(): string {
      return `hint: ${this.message}`;
    }
  }

  it('serializes a thrown value that is not an Error as a builtins Error', () => {
    const reg = defaultErrorRegistry();
    expect(reg.serialize('oops', 'api')).toEqual({ class: 'Error', module: 'builtins', message: 'oops', tb: [], args: ['oops'], kwargs: { code: 'internal', cell: 'api', retryable: false } });
  });

  it('names the cell where an error happened unless the error names one already', () => {
    const reg = defaultErrorRegistry();
    const e = new InvalidArgument('bad');
    expect(reg.serialize(e, 'api!c1').kwargs.cell).toBe('api!c1');
    expect(e.cell).toBe('api!c1');
    const named = new InvalidArgument('bad', { cell: 'api!c2' });
    expect(reg.serialize(named, 'api!c1').kwargs.cell).toBe('api!c2');
  });

  it('sends details, code and retryable with the error, under its registered module', () => {
    const reg = defaultErrorRegistry();
    const json = reg.serialize(new CellUnavailable('c1', 'down', { details: { tries: 3 } }), 'api!c1');
    expect(json).toEqual({
      class: 'CellUnavailable',
      module: CELLWIRE_ERROR_MODULE,
      message: 'Cell c1 is unavailable: down',
      tb: [],
      args: ['Cell c1 is unavailable: down'],
      kwargs: { tries: 3, code: 'unavailable', cell: 'c1', retryable: true },
    });
  });

  it('sends an unregistered CellwireError subclass under the cellwire module and its own name', () => {
    const json = defaultErrorRegistry().serialize(new QuotaExceeded('resource_exhausted', 'too many'), 'c');
    expect(json).toMatchObject({ class: 'QuotaExceeded', module: CELLWIRE_ERROR_MODULE, kwargs: { code: 'resource_exhausted' } });
  });

  it('leaves out details that are not JSON rather than failing', () => {
    const e = new CellwireError('internal', 'x', { details: { big: 10n } });
    expect(defaultErrorRegistry().serialize(e, 'c').kwargs).toEqual({ code: 'internal', cell: 'c', retryable: false });
    const nested = { deep: { a: [1] } };
    const json = defaultErrorRegistry().serialize(new CellwireError('internal', 'x', { details: nested }), 'c');
    expect(json.kwargs.deep).toEqual({ a: [1] });
    expect(json.kwargs.deep).not.toBe(nested.deep);
  });

  it('sends stack lines only when asked and when there is a stack', () => {
    const reg = defaultErrorRegistry();
    const e = new Error('boom');
    const tb = reg.serialize(e, 'c', true).tb;
    expect(tb[0]).toBe('Error: boom');
    expect(tb.length).toBe(e.stack!.split('\n').length);
    const noStack = new Error('flat');
    noStack.stack = undefined;
    expect(reg.serialize(noStack, 'c', true).tb).toEqual([]);
  });

  it('names an error whose name is missing Error', () => {
    const e = Object.assign(new Error('nameless'), { name: undefined as unknown as string });
    expect(defaultErrorRegistry().serialize(e, 'c').class).toBe('Error');
  });

  it('passes a RemoteError on under its original class and message', () => {
    const reg = defaultErrorRegistry();
    const e = new RemoteError(remote({ class: 'KeyError', module: 'app.mod', message: 'missing: k' }));
    expect(reg.serialize(e, 'x')).toMatchObject({ class: 'KeyError', module: 'app.mod', message: 'missing: k', kwargs: { code: 'remote', cell: 'api!c1' } });
  });

  it('registers a class under a module and name of its own, both ways', () => {
    const reg = new ErrorRegistry().register(QuotaExceeded, { module: 'app.errors', name: 'Quota' });
    const json = reg.serialize(new QuotaExceeded('resource_exhausted', 'too many', { retryable: true }), 'c');
    expect(json).toMatchObject({ class: 'Quota', module: 'app.errors' });
    const back = reg.deserialize(json);
    expect(back).toBeInstanceOf(QuotaExceeded);
    expect(back).toMatchObject({ name: 'Quota', message: 'too many', code: 'resource_exhausted', cell: 'c', retryable: true });
    // Another module under the same class name is not the registered class.
    expect(reg.deserialize({ ...json, module: 'other' })).toBeInstanceOf(RemoteError);
    expect(reg.deserialize({ ...json, class: 'QuotaExceeded' })).toBeInstanceOf(RemoteError);
  });

  it('rebuilds a registered class without its constructor, with the remote message, stack and fields', () => {
    const reg = defaultErrorRegistry();
    const back = reg.deserialize(remote({ class: 'CellTimeout', module: CELLWIRE_ERROR_MODULE, message: 'late', tb: ['a', 'b'], kwargs: { code: 'timeout', cell: 'api!c1', n: 1 } }));
    expect(back).toBeInstanceOf(CellTimeout);
    expect(back).toMatchObject({ name: 'CellTimeout', message: 'late', code: 'timeout', cell: 'api!c1', retryable: true, details: { code: 'timeout', cell: 'api!c1', n: 1 } });
    expect(back.stack).toBe('CellTimeout: late\na\nb');
    back.message = 'changed';
    expect(back.message).toBe('changed');
    for (const k of ['message', 'name', 'stack']) {
      expect(Object.getOwnPropertyDescriptor(back, k), k).toMatchObject({ writable: true, configurable: true });
    }
    const unavailable = reg.deserialize(remote({ class: 'CellUnavailable', module: CELLWIRE_ERROR_MODULE, kwargs: { code: 'unavailable', cell: '' } }));
    expect(unavailable).toMatchObject({ retryable: true, cell: undefined });
    const invalid = reg.deserialize(remote({ class: 'InvalidArgument', module: CELLWIRE_ERROR_MODULE, kwargs: { code: 'invalid_argument', cell: 'c' } }));
    expect((invalid as CellwireError).retryable).toBe(false);
    const told = reg.deserialize(remote({ class: 'CellTimeout', module: CELLWIRE_ERROR_MODULE, kwargs: { code: 'timeout', cell: 'c', retryable: false } }));
    expect((told as CellwireError).retryable).toBe(false);
    const oddCode = reg.deserialize(remote({ class: 'InvalidArgument', module: CELLWIRE_ERROR_MODULE, kwargs: { code: 'weird', cell: 'c' } }));
    expect((oddCode as CellwireError).code).toBe('remote');
  });

  it('rebuilds every class of the default registry as itself', () => {
    const reg = defaultErrorRegistry();
    const all = [
      new CellwireError('internal', 'x'),
      new CellRoutingInconsistency('r'),
      new CellMaxHopCountReached(1),
      new CellTimeout('c'),
      new CellUnavailable('c', 'w'),
      new UnknownMethod('m'),
      new InvalidArgument('i'),
      new CellNotFound('c'),
      new CellServiceAPIMethodNotFound('d'),
      new InstanceNotFound('i'),
      new InstanceUnknownCell('u'),
      new NoCellsAvailable(),
    ];
    for (const e of all) {
      const back = reg.deserialize(reg.serialize(e, 'c'));
      expect(back.constructor).toBe(e.constructor);
      expect(back.message).toBe(e.message);
    }
  });

  it('rebuilds a registered plain Error class with its methods, and no error fields', () => {
    const reg = new ErrorRegistry().register(PlainAppError, { module: 'app' });
    const back = reg.deserialize(reg.serialize(new PlainAppError('odd'), 'c'));
    expect(back).toBeInstanceOf(PlainAppError);
    expect((back as PlainAppError).hint()).toBe('hint: odd');
    expect(back).not.toHaveProperty('code');
  });

  it('falls back to a RemoteError when a rebuild throws', () => {
    const reg = new ErrorRegistry().register(PlainAppError, {
      module: 'app',
      rebuild: () => {
        throw new Error('cannot');
      },
    });
    const back = reg.deserialize(remote({ class: 'PlainAppError', module: 'app' }));
    expect(back).toBeInstanceOf(RemoteError);
    expect((back as RemoteError).remoteClass).toBe('PlainAppError');
  });
});

describe('Response', () => {
  it('has no error when it succeeded; a plain Error of a failure is wrapped as remote, naming the cell', () => {
    expect(Response.success('a', 1).error).toBeUndefined();
    const cause = new TypeError('bad');
    const err = Response.failure('api!c1', cause).error!;
    expect(err).toBeInstanceOf(CellwireError);
    expect(err).toMatchObject({ code: 'remote', message: 'bad', cell: 'api!c1', cause });
    const own = new CellTimeout('x');
    expect(Response.failure('a', own).error).toBe(own);
  });

  it('valueOrRaise returns a success\'s value, even a falsy one', () => {
    expect(Response.success('a', 0).valueOrRaise()).toBe(0);
    expect(Response.success('a', null).valueOrRaise()).toBeNull();
  });

  it('sends an undefined value as null, and a failure without a registry as a builtins remote error', () => {
    expect(Response.success('a', undefined).toJSON()).toEqual({ cell_name: 'a', value: null, failure: false });
    expect(Response.success('a', false).toJSON()).toEqual({ cell_name: 'a', value: false, failure: false });
    expect(Response.failure('api!c1', new TypeError('bad')).toJSON()).toEqual({
      cell_name: 'api!c1',
      value: { class: 'TypeError', module: 'builtins', message: 'bad', tb: [], args: [], kwargs: { code: 'remote', cell: 'api!c1' } },
      failure: true,
    });
  });

  it('sends a failure\'s stack only when asked', () => {
    const reg = defaultErrorRegistry();
    const r = Response.failure('a', new Error('boom'));
    expect((r.toJSON(reg).value as unknown as RemoteErrorJSON).tb).toEqual([]);
    expect((r.toJSON(reg, true).value as unknown as RemoteErrorJSON).tb.length).toBeGreaterThan(1);
  });

  it('reads a malformed failure as invalid_argument naming the cell, not retryable', () => {
    const reg = defaultErrorRegistry();
    const r = Response.fromJSON({ cell_name: 'api!c1', value: 'boom', failure: true }, reg);
    expect(r.failure).toBe(true);
    expect(r.cellName).toBe('api!c1');
    expect(r.value).toBeInstanceOf(InvalidArgument);
    expect(r.value).toMatchObject({ message: 'cell api!c1 answered with a malformed error', cell: 'api!c1', retryable: false });
    const ok = Response.fromJSON({ cell_name: 'a', value: { x: 1 }, failure: false }, reg);
    expect(ok).toMatchObject({ cellName: 'a', value: { x: 1 }, failure: false });
  });
});

describe('link errors', () => {
  it('a transport\'s own timeout becomes a CellTimeout naming the path', () => {
    const own = new CellwireError('timeout', 'socket timeout', { cell: 'c1' });
    const e = linkError(own, 'api!c1', 'c1');
    expect(e).toBeInstanceOf(CellTimeout);
    expect(e).toMatchObject({ cell: 'api!c1', message: 'Timeout waiting for response from cell api!c1', cause: own });
  });

  it('a CellwireError from the link is kept, now naming the path', () => {
    const t = new CellTimeout('c1');
    expect(linkError(t, 'api!c1', 'c1')).toBe(t);
    expect(t.cell).toBe('api!c1');
    const refused = new CellwireError('unauthenticated', 'no', { cell: 'c1' });
    expect(linkError(refused, 'api!c1', 'c1')).toBe(refused);
    expect(refused.cell).toBe('api!c1');
  });

  it('anything else is the neighbour being unavailable', () => {
    const cause = new Error('ECONNREFUSED');
    // (Its `cell` is not asserted: CellUnavailable sets the neighbour's short name over the path
    // linkError passes; see MUTATION.md, "real bugs".)
    expect(linkError(cause, 'api!c1', 'c1')).toMatchObject({ code: 'unavailable', message: 'Cell c1 is unavailable: ECONNREFUSED', cause });
    expect(linkError('reset', 'api!c1', 'c1').message).toBe('Cell c1 is unavailable: reset');
  });

  it('an abort carries its reason when it is an error', () => {
    const c = new AbortController();
    c.abort(new Error('user gave up'));
    expect(abortError(c.signal)).toMatchObject({ code: 'aborted', message: 'user gave up' });
    const plain = new AbortController();
    plain.abort('string reason');
    expect(abortError(plain.signal).message).toBe('the call was aborted');
    expect(abortError(undefined).message).toBe('the call was aborted');
  });

  it('a closing cell is unavailable and names itself', () => {
    expect(shuttingDown('api')).toMatchObject({ code: 'unavailable', message: 'cell api is shutting down', cell: 'api', retryable: true });
  });
});

describe('HTTP statuses', () => {
  it('read each status a peer may answer without a body as its code', () => {
    const table: [number, string][] = [
      [400, 'invalid_argument'],
      [415, 'invalid_argument'],
      [422, 'invalid_argument'],
      [401, 'unauthenticated'],
      [403, 'permission_denied'],
      [404, 'not_found'],
      [409, 'failed_precondition'],
      [413, 'payload_too_large'],
      [429, 'resource_exhausted'],
      [502, 'unavailable'],
      [503, 'unavailable'],
      [504, 'timeout'],
      [500, 'internal'],
      [418, 'internal'],
    ];
    for (const [status, code] of table) expect([status, codeForHttpStatus(status)]).toEqual([status, code]);
  });

  it('answer each code with its status', () => {
    expect(httpStatusFor('timeout')).toBe(504);
    expect(httpStatusFor('aborted')).toBe(499);
    expect(httpStatusFor('internal')).toBe(500);
  });
});
