/**
 * The door of the cell's HTTP API (README, "The HTTP API"): who may come in, and by which name.
 *
 * - **Host.** A request must name the address it came in on (`127.0.0.1:7001`, `localhost:7001`
 *   on a loopback address) or one of the configured names (`api_hosts`) in its `Host` header.
 *   A web page that rebinds its own DNS name to the cell's address still sends its own name,
 *   and is refused.
 * - **Who.** `Authorization: Bearer <token>` with the cell's token (compared in constant time)
 *   is the admin. Without a token header, a caller is anonymous, let in only when the config
 *   says `api_anonymous: true`. A wrong or malformed token is refused, never downgraded.
 * - **What.** A POST body must be declared `application/json`: a `text/plain` or form body is
 *   what a web page can send anywhere without asking first (no CORS preflight).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** Who may use the API. Neither a token nor `anonymous`: nobody (every request but `/v1/health` gets 401). */
export interface ApiAuth {
  /** The bearer token; a caller that sends it is the admin. */
  readonly token?: string;
  /** Callers without a token are let in, as non-admins. */
  readonly anonymous?: boolean;
}

/** Who is calling: the token's holder, an anonymous caller the config lets in, or nobody allowed. */
export type Caller = 'token' | 'anonymous' | 'nobody';

/** Why a request was not let in, for a 401. */
export class Unauthenticated extends Error {
  constructor(
    message: string,
    /** The `WWW-Authenticate` header of the 401. */
    readonly challenge: string,
  ) {
    super(message);
  }
}

const CHALLENGE = 'Bearer realm="cellwire"';

/**
 * Makes the check of the `Authorization` header for one token (or none).
 *
 * @example
 * const who = checkCaller({ token: process.env.API_TOKEN });
 * who(req.headers.authorization); // 'token', 'anonymous' or 'nobody'; throws Unauthenticated for a wrong token
 */
export function checkCaller(auth: ApiAuth): (authorization: string | string[] | undefined) => Caller {
  // Both sides hashed first: equal lengths for timingSafeEqual, and no early exit on length.
  const expected = auth.token === undefined ? undefined : digest(auth.token);
  return (authorization) => {
    if (authorization === undefined) return auth.anonymous ? 'anonymous' : 'nobody';
    const header = Array.isArray(authorization) ? authorization.join(',') : authorization;
    const m = /^Bearer +([!-~]+) *$/i.exec(header);
    if (!m) throw new Unauthenticated("the Authorization header must be 'Bearer <token>'", `${CHALLENGE}, error="invalid_request"`);
    if (expected === undefined) {
      throw new Unauthenticated('this cell has no API token (api_token_env / api_token_file): send no Authorization header', `${CHALLENGE}, error="invalid_token"`);
    }
    if (!timingSafeEqual(digest(m[1] as string), expected)) throw new Unauthenticated('wrong bearer token', `${CHALLENGE}, error="invalid_token"`);
    return 'token';
  };
}

/** The 401 for a caller without a token where one is needed (or where the API is closed). */
export function needToken(auth: ApiAuth): Unauthenticated {
  if (auth.token === undefined) {
    return new Unauthenticated(
      "this cell's API is closed: its config sets neither api_token_env / api_token_file (a bearer token) nor api_anonymous: true",
      CHALLENGE,
    );
  }
  return new Unauthenticated(
    "this cell's API needs a bearer token: send 'Authorization: Bearer <token>' (cellwire call --token, or CELLWIRE_API_TOKEN)",
    CHALLENGE,
  );
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** A `Host` header value or an `api_hosts` entry, split: lower-case name (no brackets), port if given. */
export function splitHost(value: string): { name: string; port: number | undefined } | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return undefined;
  return { name: (m[1] ?? m[2] ?? '').toLowerCase(), port: m[3] === undefined ? undefined : Number(m[3]) };
}

/**
 * Whether a request's `Host` names where it came in (the socket's own address and port,
 * `localhost` on a loopback address) or one of `names` (`name`: any port, `name:port`: that port).
 *
 * @example
 * if (!hostAllowed(req, ['cells.example.net'])) refuse(421);
 */
export function hostAllowed(req: IncomingMessage, names: readonly string[]): boolean {
  const raw = req.headers.host;
  if (typeof raw !== 'string' || raw === '') return false;
  const host = splitHost(raw);
  if (!host) return false;
  const socket = req.socket as Partial<TLSSocket> | undefined;
  const localPort = socket?.localPort;
  // No port in Host: the scheme's default one.
  const port = host.port ?? (socket?.encrypted ? 443 : 80);
  for (const entry of names) {
    const n = splitHost(entry);
    if (n && n.name === host.name && (n.port === undefined || n.port === port)) return true;
  }
  if (localPort === undefined || port !== localPort) return false;
  const local = unmapped(socket?.localAddress ?? '');
  if (local === '') return false;
  if (host.name === local) return true;
  return host.name === 'localhost' && isLoopbackHost(local);
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) -> `127.0.0.1`. */
function unmapped(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** Whether a URL's host name (`127.0.0.1`, `[::1]`, `localhost`) is a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  const h = unmapped(hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase());
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** Whether a URL's host name listens on every interface (`0.0.0.0`, `[::]`). */
export function isWildcardHost(hostname: string): boolean {
  const h = hostname.replace(/^\[(.*)\]$/, '$1');
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/** Whether a `Content-Type` header declares JSON (`application/json`, with or without parameters). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  return (header.split(';', 1)[0] as string).trim().toLowerCase() === 'application/json';
}
