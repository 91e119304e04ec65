/**
 * Cell-to-cell reads: a parent asks its child for the tree below it (`GET /v1/tree`, for the
 * live page and `cellwire tree`) on the URL it already links to, signed with their link
 * secret like a cell message, so the child needs no API token of its parent and the read works
 * whether the child serves its API there or on an `api_listen` address of its own.
 *
 * The signature is the HTTP transport's (`signMessage`: timestamp, sender, receiver, body),
 * over the text `GET <path and query>` as the body: it cannot pass for a cell message (not
 * JSON) nor a message for a read, and it is good for one path only. A child whose HTTP links
 * run unsigned (`allow_unsigned`, no secrets) takes a read that names one of its parents in
 * `x-cellwire-from`, as its link listener takes their messages.
 */
import type { IncomingMessage } from 'node:http';
import { signMessage, verifySignature } from '@cellwire/transport-http';

const FROM = 'x-cellwire-from';
const TIMESTAMP = 'x-cellwire-timestamp';
const SIGNATURE = 'x-cellwire-signature';
/** Clock difference tolerated between the parent and the child, as for cell messages. */
export const LINK_READ_SKEW_MS = 30_000;

/** What a child knows to check its parents' reads. */
export interface LinkReadPolicy {
  /** This cell. */
  readonly cell: string;
  /** Each parent that may read, with its link secret (undefined: the link is unsigned). */
  readonly parents: ReadonlyMap<string, string | undefined>;
  /** This cell's HTTP links run unsigned (development): a parent's read needs no signature. */
  readonly unsigned: boolean;
}

/**
 * The headers of a read from `from` to its child `to` (`pathAndQuery` as it goes on the wire).
 *
 * @example
 * headers = linkReadHeaders({ from: 'api-cell', to: 'child-cell1', secret }, 'GET', '/v1/tree?timeout_ms=1850');
 */
export function linkReadHeaders(link: { from: string; to: string; secret?: string | undefined }, method: string, pathAndQuery: string, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = { [FROM]: encodeURIComponent(link.from) };
  if (link.secret === undefined) return headers;
  const timestamp = String(now);
  headers[TIMESTAMP] = timestamp;
  headers[SIGNATURE] = signMessage(link.secret, { timestamp, from: link.from, to: link.to }, `${method} ${pathAndQuery}`);
  return headers;
}

/** Whether a request claims to be a cell's read (it names a sender cell). */
export function isLinkRead(req: IncomingMessage): boolean {
  return req.headers[FROM] !== undefined;
}

/**
 * Checks a parent's read; resolves with the parent's name, or a reason to refuse it.
 *
 * @example
 * const r = verifyLinkRead(policy, req);
 * if (!r.ok) refuse(401, r.reason);
 */
export function verifyLinkRead(policy: LinkReadPolicy, req: IncomingMessage, now = Date.now()): { ok: true; from: string } | { ok: false; reason: string } {
  const one = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? undefined : v;
  };
  let from: string;
  try {
    from = decodeURIComponent(one(FROM) ?? '');
  } catch {
    return { ok: false, reason: `malformed ${FROM} header` };
  }
  if (from === '' || !policy.parents.has(from)) return { ok: false, reason: `${from === '' ? 'no sender' : `${from} is not a parent of ${policy.cell}`}: only a parent reads a cell's tree this way` };
  const secret = policy.parents.get(from);
  if (secret === undefined) {
    return policy.unsigned ? { ok: true, from } : { ok: false, reason: `no link secret for ${from}` };
  }
  const timestamp = one(TIMESTAMP);
  if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: `missing or malformed ${TIMESTAMP} header` };
  if (Math.abs(now - Number(timestamp)) > LINK_READ_SKEW_MS) return { ok: false, reason: `timestamp outside the allowed ±${LINK_READ_SKEW_MS} ms window (check clocks)` };
  const signature = one(SIGNATURE);
  if (signature === undefined) return { ok: false, reason: `missing ${SIGNATURE} header` };
  if (!verifySignature(secret, { timestamp, from, to: policy.cell }, `${req.method ?? 'GET'} ${req.url ?? ''}`, signature)) {
    return { ok: false, reason: 'signature does not match (wrong link secret, or the request was changed)' };
  }
  return { ok: true, from };
}
