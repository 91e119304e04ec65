/**
 * The envelope codec (the reference's message_from_json / to_json): JSON text <-> Envelope.
 * Decoding bounds nesting, checks the envelope against the wire schema and a response
 * message's answers against theirs; it throws InvalidArgument, never anything else.
 * Methods are the runner's business (registry.ts): the codec knows none.
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { InvalidArgument, UnknownMethod } from './cell-errors.js';
import { validateEnvelope, validateResponseMessageArgs } from './gen/wire.js';
import { jsonProblem, nestingExceeds } from './json-value.js';
import type { JsonSchema, MethodDescriptor, ServiceInfoRef, ValidateFunction } from './service.js';
import type { Envelope } from './wire.js';

/** The deepest nesting a received message may have (the envelope itself takes 3 levels). */
export const MAX_MESSAGE_DEPTH = 100;

/** Name of the method every response message carries (reference `parse_responses`). */
export const RESPONSE_METHOD = stryMutAct_9fa48("275") ? "" : (stryCov_9fa48("275"), 'parse_responses');

/** Encodes an envelope; the caller's objects are not touched. */
export function encodeEnvelope(env: Envelope): string {
  if (stryMutAct_9fa48("276")) {
    {}
  } else {
    stryCov_9fa48("276");
    return JSON.stringify(env);
  }
}

/**
 * Parses and checks one envelope. Method arguments are checked later, by the cell that runs
 * them. `parsed` is `text` already parsed by the transport, if it did (see Inbound.json).
 */
export function decodeEnvelope(text: string, parsed?: unknown): Envelope {
  if (stryMutAct_9fa48("277")) {
    {}
  } else {
    stryCov_9fa48("277");
    // Checked on the text, before anything recurses over the value: a few KB of brackets
    // would otherwise overflow the stack of whoever serializes it next.
    if (stryMutAct_9fa48("279") ? false : stryMutAct_9fa48("278") ? true : (stryCov_9fa48("278", "279"), nestingExceeds(text, MAX_MESSAGE_DEPTH))) throw new InvalidArgument(stryMutAct_9fa48("280") ? `` : (stryCov_9fa48("280"), `message is nested deeper than ${MAX_MESSAGE_DEPTH} levels`));
    let value: unknown = parsed;
    if (stryMutAct_9fa48("283") ? value !== undefined : stryMutAct_9fa48("282") ? false : stryMutAct_9fa48("281") ? true : (stryCov_9fa48("281", "282", "283"), value === undefined)) {
      if (stryMutAct_9fa48("284")) {
        {}
      } else {
        stryCov_9fa48("284");
        try {
          if (stryMutAct_9fa48("285")) {
            {}
          } else {
            stryCov_9fa48("285");
            value = JSON.parse(text);
          }
        } catch (e) {
          if (stryMutAct_9fa48("286")) {
            {}
          } else {
            stryCov_9fa48("286");
            throw new InvalidArgument(stryMutAct_9fa48("287") ? `` : (stryCov_9fa48("287"), `message is not JSON: ${(e as Error).message}`));
          }
        }
      }
    }
    dropUnknownFields(value);
    if (stryMutAct_9fa48("290") ? false : stryMutAct_9fa48("289") ? true : stryMutAct_9fa48("288") ? validateEnvelope(value) : (stryCov_9fa48("288", "289", "290"), !validateEnvelope(value))) throw new InvalidArgument(stryMutAct_9fa48("291") ? `` : (stryCov_9fa48("291"), `malformed envelope: ${describeValidation(validateEnvelope, stryMutAct_9fa48("292") ? "" : (stryCov_9fa48("292"), 'message'))}`));
    const env = value as Envelope;
    if (stryMutAct_9fa48("295") ? env.message_type !== 'broadcast' || !env.target_cell : stryMutAct_9fa48("294") ? false : stryMutAct_9fa48("293") ? true : (stryCov_9fa48("293", "294", "295"), (stryMutAct_9fa48("297") ? env.message_type === 'broadcast' : stryMutAct_9fa48("296") ? true : (stryCov_9fa48("296", "297"), env.message_type !== (stryMutAct_9fa48("298") ? "" : (stryCov_9fa48("298"), 'broadcast')))) && (stryMutAct_9fa48("299") ? env.target_cell : (stryCov_9fa48("299"), !env.target_cell)))) {
      if (stryMutAct_9fa48("300")) {
        {}
      } else {
        stryCov_9fa48("300");
        throw new InvalidArgument(stryMutAct_9fa48("301") ? `` : (stryCov_9fa48("301"), `malformed envelope: a ${env.message_type} message needs target_cell`));
      }
    }
    if (stryMutAct_9fa48("304") ? env.message_type !== 'response' : stryMutAct_9fa48("303") ? false : stryMutAct_9fa48("302") ? true : (stryCov_9fa48("302", "303", "304"), env.message_type === (stryMutAct_9fa48("305") ? "" : (stryCov_9fa48("305"), 'response')))) {
      if (stryMutAct_9fa48("306")) {
        {}
      } else {
        stryCov_9fa48("306");
        if (stryMutAct_9fa48("309") ? env.method_name === RESPONSE_METHOD : stryMutAct_9fa48("308") ? false : stryMutAct_9fa48("307") ? true : (stryCov_9fa48("307", "308", "309"), env.method_name !== RESPONSE_METHOD)) throw new UnknownMethod(env.method_name, stryMutAct_9fa48("310") ? "" : (stryCov_9fa48("310"), 'cannot be sent as a response message'));
        if (stryMutAct_9fa48("313") ? false : stryMutAct_9fa48("312") ? true : stryMutAct_9fa48("311") ? env.response_uuid : (stryCov_9fa48("311", "312", "313"), !env.response_uuid)) throw new InvalidArgument(stryMutAct_9fa48("314") ? "" : (stryCov_9fa48("314"), 'malformed envelope: a response message needs response_uuid'));
        if (stryMutAct_9fa48("317") ? false : stryMutAct_9fa48("316") ? true : stryMutAct_9fa48("315") ? validateResponseMessageArgs(env.method_kwargs) : (stryCov_9fa48("315", "316", "317"), !validateResponseMessageArgs(env.method_kwargs))) {
          if (stryMutAct_9fa48("318")) {
            {}
          } else {
            stryCov_9fa48("318");
            throw new InvalidArgument(stryMutAct_9fa48("319") ? `` : (stryCov_9fa48("319"), `malformed response message: ${describeValidation(validateResponseMessageArgs, stryMutAct_9fa48("320") ? "" : (stryCov_9fa48("320"), 'method_kwargs'))}`));
          }
        }
      }
    } else if (stryMutAct_9fa48("323") ? env.method_name !== RESPONSE_METHOD : stryMutAct_9fa48("322") ? false : stryMutAct_9fa48("321") ? true : (stryCov_9fa48("321", "322", "323"), env.method_name === RESPONSE_METHOD)) {
      if (stryMutAct_9fa48("324")) {
        {}
      } else {
        stryCov_9fa48("324");
        throw new UnknownMethod(env.method_name, stryMutAct_9fa48("325") ? `` : (stryCov_9fa48("325"), `cannot be sent as a ${env.message_type} message`));
      }
    }
    return env;
  }
}

/**
 * The envelope's fields (schemas/wire/envelope.json; a test keeps the two equal). A field a
 * newer cell adds is dropped here rather than refused, so cells upgraded one at a time keep
 * talking (docs/upgrades.md); what a field this cell knows holds is still validated.
 */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(stryMutAct_9fa48("326") ? [] : (stryCov_9fa48("326"), [stryMutAct_9fa48("327") ? "" : (stryCov_9fa48("327"), 'message_type'), stryMutAct_9fa48("328") ? "" : (stryCov_9fa48("328"), 'ctxt'), stryMutAct_9fa48("329") ? "" : (stryCov_9fa48("329"), 'method_name'), stryMutAct_9fa48("330") ? "" : (stryCov_9fa48("330"), 'method_kwargs'), stryMutAct_9fa48("331") ? "" : (stryCov_9fa48("331"), 'direction'), stryMutAct_9fa48("332") ? "" : (stryCov_9fa48("332"), 'need_response'), stryMutAct_9fa48("333") ? "" : (stryCov_9fa48("333"), 'fanout'), stryMutAct_9fa48("334") ? "" : (stryCov_9fa48("334"), 'uuid'), stryMutAct_9fa48("335") ? "" : (stryCov_9fa48("335"), 'routing_path'), stryMutAct_9fa48("336") ? "" : (stryCov_9fa48("336"), 'hop_count'), stryMutAct_9fa48("337") ? "" : (stryCov_9fa48("337"), 'max_hop_count'), stryMutAct_9fa48("338") ? "" : (stryCov_9fa48("338"), 'target_cell'), stryMutAct_9fa48("339") ? "" : (stryCov_9fa48("339"), 'response_uuid'), stryMutAct_9fa48("340") ? "" : (stryCov_9fa48("340"), 'run_locally'), stryMutAct_9fa48("341") ? "" : (stryCov_9fa48("341"), 'deadline'), stryMutAct_9fa48("342") ? "" : (stryCov_9fa48("342"), 'traceparent'), stryMutAct_9fa48("343") ? "" : (stryCov_9fa48("343"), 'service_version')]));
function dropUnknownFields(value: unknown): void {
  if (stryMutAct_9fa48("344")) {
    {}
  } else {
    stryCov_9fa48("344");
    if (stryMutAct_9fa48("347") ? (!value || typeof value !== 'object') && Array.isArray(value) : stryMutAct_9fa48("346") ? false : stryMutAct_9fa48("345") ? true : (stryCov_9fa48("345", "346", "347"), (stryMutAct_9fa48("349") ? !value && typeof value !== 'object' : stryMutAct_9fa48("348") ? false : (stryCov_9fa48("348", "349"), (stryMutAct_9fa48("350") ? value : (stryCov_9fa48("350"), !value)) || (stryMutAct_9fa48("352") ? typeof value === 'object' : stryMutAct_9fa48("351") ? false : (stryCov_9fa48("351", "352"), typeof value !== (stryMutAct_9fa48("353") ? "" : (stryCov_9fa48("353"), 'object')))))) || Array.isArray(value))) return;
    const o = value as Record<string, unknown>;
    for (const k in o) if (stryMutAct_9fa48("356") ? false : stryMutAct_9fa48("355") ? true : stryMutAct_9fa48("354") ? ENVELOPE_FIELDS.has(k) : (stryCov_9fa48("354", "355", "356"), !ENVELOPE_FIELDS.has(k))) delete o[k];
  }
}

/** Whether a method may travel as this message type, else UnknownMethod. */
export function checkMessageType(method: MethodDescriptor, type: Envelope['message_type']): void {
  if (stryMutAct_9fa48("357")) {
    {}
  } else {
    stryCov_9fa48("357");
    const ok = (stryMutAct_9fa48("360") ? method.kind !== 'targeted_or_broadcast' : stryMutAct_9fa48("359") ? false : stryMutAct_9fa48("358") ? true : (stryCov_9fa48("358", "359", "360"), method.kind === (stryMutAct_9fa48("361") ? "" : (stryCov_9fa48("361"), 'targeted_or_broadcast')))) ? stryMutAct_9fa48("364") ? type === 'response' : stryMutAct_9fa48("363") ? false : stryMutAct_9fa48("362") ? true : (stryCov_9fa48("362", "363", "364"), type !== (stryMutAct_9fa48("365") ? "" : (stryCov_9fa48("365"), 'response'))) : stryMutAct_9fa48("368") ? method.kind !== type : stryMutAct_9fa48("367") ? false : stryMutAct_9fa48("366") ? true : (stryCov_9fa48("366", "367", "368"), method.kind === type);
    if (stryMutAct_9fa48("371") ? false : stryMutAct_9fa48("370") ? true : stryMutAct_9fa48("369") ? ok : (stryCov_9fa48("369", "370", "371"), !ok)) throw new UnknownMethod(method.name, stryMutAct_9fa48("372") ? `` : (stryCov_9fa48("372"), `cannot be sent as a ${type} message`));
  }
}

/** Checks a method's arguments against its generated validator. */
export function checkArgs(method: MethodDescriptor, args: unknown): void {
  if (stryMutAct_9fa48("373")) {
    {}
  } else {
    stryCov_9fa48("373");
    if (stryMutAct_9fa48("376") ? false : stryMutAct_9fa48("375") ? true : stryMutAct_9fa48("374") ? method.validateArgs(args) : (stryCov_9fa48("374", "375", "376"), !method.validateArgs(args))) throw new InvalidArgument(stryMutAct_9fa48("377") ? `` : (stryCov_9fa48("377"), `invalid arguments for ${method.name}: ${describeValidation(method.validateArgs, stryMutAct_9fa48("378") ? "" : (stryCov_9fa48("378"), 'args'))}`));
  }
}

// Descriptors are frozen and shared: one string per service, not one per message.
const versionText = new WeakMap<ServiceInfoRef, string>();

/** `nova_cells@1.0.0`: what an envelope's `service_version` says about a service. */
export function serviceVersion(service: ServiceInfoRef): string {
  if (stryMutAct_9fa48("379")) {
    {}
  } else {
    stryCov_9fa48("379");
    let text = versionText.get(service);
    if (stryMutAct_9fa48("382") ? text !== undefined : stryMutAct_9fa48("381") ? false : stryMutAct_9fa48("380") ? true : (stryCov_9fa48("380", "381", "382"), text === undefined)) versionText.set(service, text = stryMutAct_9fa48("383") ? `` : (stryCov_9fa48("383"), `${service.name}@${service.version}`));
    return text;
  }
}

/** A parsed `service_version`. */
export interface ParsedServiceVersion {
  readonly name: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses `name@MAJOR.MINOR.PATCH`; anything else (absent, malformed) is undefined. */
export function parseServiceVersion(text: string | undefined): ParsedServiceVersion | undefined {
  if (stryMutAct_9fa48("384")) {
    {}
  } else {
    stryCov_9fa48("384");
    const m = (stryMutAct_9fa48("387") ? text !== undefined : stryMutAct_9fa48("386") ? false : stryMutAct_9fa48("385") ? true : (stryCov_9fa48("385", "386", "387"), text === undefined)) ? null : (stryMutAct_9fa48("398") ? /^([a-z][a-z0-9_]*)@(\d+)\.(\d+)\.(\D+)$/ : stryMutAct_9fa48("397") ? /^([a-z][a-z0-9_]*)@(\d+)\.(\d+)\.(\d)$/ : stryMutAct_9fa48("396") ? /^([a-z][a-z0-9_]*)@(\d+)\.(\D+)\.(\d+)$/ : stryMutAct_9fa48("395") ? /^([a-z][a-z0-9_]*)@(\d+)\.(\d)\.(\d+)$/ : stryMutAct_9fa48("394") ? /^([a-z][a-z0-9_]*)@(\D+)\.(\d+)\.(\d+)$/ : stryMutAct_9fa48("393") ? /^([a-z][a-z0-9_]*)@(\d)\.(\d+)\.(\d+)$/ : stryMutAct_9fa48("392") ? /^([a-z][^a-z0-9_]*)@(\d+)\.(\d+)\.(\d+)$/ : stryMutAct_9fa48("391") ? /^([a-z][a-z0-9_])@(\d+)\.(\d+)\.(\d+)$/ : stryMutAct_9fa48("390") ? /^([^a-z][a-z0-9_]*)@(\d+)\.(\d+)\.(\d+)$/ : stryMutAct_9fa48("389") ? /^([a-z][a-z0-9_]*)@(\d+)\.(\d+)\.(\d+)/ : stryMutAct_9fa48("388") ? /([a-z][a-z0-9_]*)@(\d+)\.(\d+)\.(\d+)$/ : (stryCov_9fa48("388", "389", "390", "391", "392", "393", "394", "395", "396", "397", "398"), /^([a-z][a-z0-9_]*)@(\d+)\.(\d+)\.(\d+)$/)).exec(text);
    if (stryMutAct_9fa48("401") ? false : stryMutAct_9fa48("400") ? true : stryMutAct_9fa48("399") ? m : (stryCov_9fa48("399", "400", "401"), !m)) return undefined;
    return stryMutAct_9fa48("402") ? {} : (stryCov_9fa48("402"), {
      name: m[1]!,
      major: Number(m[2]),
      minor: Number(m[3]),
      patch: Number(m[4])
    });
  }
}

/**
 * Whether a message's sender runs a newer version of `local` within the same major: same
 * service name, same major, and a higher minor (or the same minor and a higher patch). Only
 * then does a receiver drop argument properties it does not know (docs/upgrades.md).
 */
export function isNewerMinor(sender: string | undefined, local: ServiceInfoRef): boolean {
  if (stryMutAct_9fa48("403")) {
    {}
  } else {
    stryCov_9fa48("403");
    const s = parseServiceVersion(sender);
    const l = parseServiceVersion(serviceVersion(local));
    if (stryMutAct_9fa48("406") ? (!s || !l || s.name !== l.name) && s.major !== l.major : stryMutAct_9fa48("405") ? false : stryMutAct_9fa48("404") ? true : (stryCov_9fa48("404", "405", "406"), (stryMutAct_9fa48("408") ? (!s || !l) && s.name !== l.name : stryMutAct_9fa48("407") ? false : (stryCov_9fa48("407", "408"), (stryMutAct_9fa48("410") ? !s && !l : stryMutAct_9fa48("409") ? false : (stryCov_9fa48("409", "410"), (stryMutAct_9fa48("411") ? s : (stryCov_9fa48("411"), !s)) || (stryMutAct_9fa48("412") ? l : (stryCov_9fa48("412"), !l)))) || (stryMutAct_9fa48("414") ? s.name === l.name : stryMutAct_9fa48("413") ? false : (stryCov_9fa48("413", "414"), s.name !== l.name)))) || (stryMutAct_9fa48("416") ? s.major === l.major : stryMutAct_9fa48("415") ? false : (stryCov_9fa48("415", "416"), s.major !== l.major)))) return stryMutAct_9fa48("417") ? true : (stryCov_9fa48("417"), false);
    return stryMutAct_9fa48("420") ? s.minor > l.minor && s.minor === l.minor && s.patch > l.patch : stryMutAct_9fa48("419") ? false : stryMutAct_9fa48("418") ? true : (stryCov_9fa48("418", "419", "420"), (stryMutAct_9fa48("423") ? s.minor <= l.minor : stryMutAct_9fa48("422") ? s.minor >= l.minor : stryMutAct_9fa48("421") ? false : (stryCov_9fa48("421", "422", "423"), s.minor > l.minor)) || (stryMutAct_9fa48("425") ? s.minor === l.minor || s.patch > l.patch : stryMutAct_9fa48("424") ? false : (stryCov_9fa48("424", "425"), (stryMutAct_9fa48("427") ? s.minor !== l.minor : stryMutAct_9fa48("426") ? true : (stryCov_9fa48("426", "427"), s.minor === l.minor)) && (stryMutAct_9fa48("430") ? s.patch <= l.patch : stryMutAct_9fa48("429") ? s.patch >= l.patch : stryMutAct_9fa48("428") ? true : (stryCov_9fa48("428", "429", "430"), s.patch > l.patch)))));
  }
}

/**
 * Checks the arguments of a message received from another cell and returns the arguments
 * the handler gets. Valid arguments are returned as they are. When they are not valid and the
 * sender runs a newer minor version of the method's service (`service_version`), the
 * properties this cell's schema does not know are dropped (a copy: the envelope, which may
 * travel on to cells that know them, is not touched) and the rest must be valid. Anything
 * else is `invalid_argument`, naming both versions when they differ.
 */
export function checkReceivedArgs(method: MethodDescriptor, args: Record<string, unknown>, senderVersion: string | undefined): Record<string, unknown> {
  if (stryMutAct_9fa48("431")) {
    {}
  } else {
    stryCov_9fa48("431");
    if (stryMutAct_9fa48("433") ? false : stryMutAct_9fa48("432") ? true : (stryCov_9fa48("432", "433"), method.validateArgs(args))) return args;
    if (stryMutAct_9fa48("435") ? false : stryMutAct_9fa48("434") ? true : (stryCov_9fa48("434", "435"), isNewerMinor(senderVersion, method.service))) {
      if (stryMutAct_9fa48("436")) {
        {}
      } else {
        stryCov_9fa48("436");
        const known = knownPart(method.schemas.args, args) as Record<string, unknown>;
        if (stryMutAct_9fa48("438") ? false : stryMutAct_9fa48("437") ? true : (stryCov_9fa48("437", "438"), method.validateArgs(known))) return known;
      }
    }
    const local = serviceVersion(method.service);
    const versions = (stryMutAct_9fa48("441") ? senderVersion !== undefined || senderVersion !== local : stryMutAct_9fa48("440") ? false : stryMutAct_9fa48("439") ? true : (stryCov_9fa48("439", "440", "441"), (stryMutAct_9fa48("443") ? senderVersion === undefined : stryMutAct_9fa48("442") ? true : (stryCov_9fa48("442", "443"), senderVersion !== undefined)) && (stryMutAct_9fa48("445") ? senderVersion === local : stryMutAct_9fa48("444") ? true : (stryCov_9fa48("444", "445"), senderVersion !== local)))) ? stryMutAct_9fa48("446") ? `` : (stryCov_9fa48("446"), ` (sent by ${senderVersion}; this cell has ${local})`) : stryMutAct_9fa48("447") ? "Stryker was here!" : (stryCov_9fa48("447"), '');
    throw new InvalidArgument(stryMutAct_9fa48("448") ? `` : (stryCov_9fa48("448"), `invalid arguments for ${method.name}: ${describeValidation(method.validateArgs, stryMutAct_9fa48("449") ? "" : (stryCov_9fa48("449"), 'args'))}${versions}`));
  }
}

/**
 * A successful answer's value as the caller gets it: valid as it is, or valid once the
 * object properties the caller's result schema does not know are dropped (an answer from a
 * cell on a newer minor version with a widened result). Undefined when it does not fit.
 */
export function checkResult(method: MethodDescriptor, value: unknown): {
  value: unknown;
} | undefined {
  if (stryMutAct_9fa48("450")) {
    {}
  } else {
    stryCov_9fa48("450");
    if (stryMutAct_9fa48("452") ? false : stryMutAct_9fa48("451") ? true : (stryCov_9fa48("451", "452"), method.validateResult(value))) return stryMutAct_9fa48("453") ? {} : (stryCov_9fa48("453"), {
      value
    });
    if (stryMutAct_9fa48("456") ? value === null && typeof value !== 'object' : stryMutAct_9fa48("455") ? false : stryMutAct_9fa48("454") ? true : (stryCov_9fa48("454", "455", "456"), (stryMutAct_9fa48("458") ? value !== null : stryMutAct_9fa48("457") ? false : (stryCov_9fa48("457", "458"), value === null)) || (stryMutAct_9fa48("460") ? typeof value === 'object' : stryMutAct_9fa48("459") ? false : (stryCov_9fa48("459", "460"), typeof value !== (stryMutAct_9fa48("461") ? "" : (stryCov_9fa48("461"), 'object')))))) return undefined;
    const known = knownPart(method.schemas.result, value);
    return method.validateResult(known) ? stryMutAct_9fa48("462") ? {} : (stryCov_9fa48("462"), {
      value: known
    }) : undefined;
  }
}
type SchemaNode = {
  readonly [key: string]: unknown;
};

/**
 * A copy of `value` without the object properties `schema` does not know, at any depth
 * (through `$ref`, `anyOf`, `oneOf`, `allOf`, `properties`, `additionalProperties` and
 * `items`). A property is kept when any branch of a union knows it or leaves objects open;
 * what is kept is not checked here (the validator does that). The value is not touched.
 */
export function knownPart(schema: JsonSchema, value: unknown): unknown {
  if (stryMutAct_9fa48("463")) {
    {}
  } else {
    stryCov_9fa48("463");
    const definitions = (schema.definitions ?? {}) as Readonly<Record<string, SchemaNode>>;
    return strip(stryMutAct_9fa48("464") ? [] : (stryCov_9fa48("464"), [schema]), value, definitions, 0);
  }
}
function strip(schemas: readonly SchemaNode[], value: unknown, definitions: Readonly<Record<string, SchemaNode>>, depth: number): unknown {
  if (stryMutAct_9fa48("465")) {
    {}
  } else {
    stryCov_9fa48("465");
    if (stryMutAct_9fa48("468") ? (value === null || typeof value !== 'object') && depth > MAX_MESSAGE_DEPTH : stryMutAct_9fa48("467") ? false : stryMutAct_9fa48("466") ? true : (stryCov_9fa48("466", "467", "468"), (stryMutAct_9fa48("470") ? value === null && typeof value !== 'object' : stryMutAct_9fa48("469") ? false : (stryCov_9fa48("469", "470"), (stryMutAct_9fa48("472") ? value !== null : stryMutAct_9fa48("471") ? false : (stryCov_9fa48("471", "472"), value === null)) || (stryMutAct_9fa48("474") ? typeof value === 'object' : stryMutAct_9fa48("473") ? false : (stryCov_9fa48("473", "474"), typeof value !== (stryMutAct_9fa48("475") ? "" : (stryCov_9fa48("475"), 'object')))))) || (stryMutAct_9fa48("478") ? depth <= MAX_MESSAGE_DEPTH : stryMutAct_9fa48("477") ? depth >= MAX_MESSAGE_DEPTH : stryMutAct_9fa48("476") ? false : (stryCov_9fa48("476", "477", "478"), depth > MAX_MESSAGE_DEPTH)))) return value;
    const branches = flatten(schemas, definitions);
    if (stryMutAct_9fa48("480") ? false : stryMutAct_9fa48("479") ? true : (stryCov_9fa48("479", "480"), Array.isArray(value))) {
      if (stryMutAct_9fa48("481")) {
        {}
      } else {
        stryCov_9fa48("481");
        const forIndex = (i: number): SchemaNode[] => {
          if (stryMutAct_9fa48("482")) {
            {}
          } else {
            stryCov_9fa48("482");
            const out: SchemaNode[] = stryMutAct_9fa48("483") ? ["Stryker was here"] : (stryCov_9fa48("483"), []);
            for (const b of branches) {
              if (stryMutAct_9fa48("484")) {
                {}
              } else {
                stryCov_9fa48("484");
                if (stryMutAct_9fa48("487") ? false : stryMutAct_9fa48("486") ? true : stryMutAct_9fa48("485") ? admits(b, 'array') : (stryCov_9fa48("485", "486", "487"), !admits(b, stryMutAct_9fa48("488") ? "" : (stryCov_9fa48("488"), 'array')))) continue;
                const items = b.items;
                if (stryMutAct_9fa48("490") ? false : stryMutAct_9fa48("489") ? true : (stryCov_9fa48("489", "490"), Array.isArray(items))) {
                  if (stryMutAct_9fa48("491")) {
                    {}
                  } else {
                    stryCov_9fa48("491");
                    const at = items[i] as SchemaNode | undefined;
                    if (stryMutAct_9fa48("493") ? false : stryMutAct_9fa48("492") ? true : (stryCov_9fa48("492", "493"), at)) out.push(at);else if (stryMutAct_9fa48("496") ? b.additionalItems || typeof b.additionalItems === 'object' : stryMutAct_9fa48("495") ? false : stryMutAct_9fa48("494") ? true : (stryCov_9fa48("494", "495", "496"), b.additionalItems && (stryMutAct_9fa48("498") ? typeof b.additionalItems !== 'object' : stryMutAct_9fa48("497") ? true : (stryCov_9fa48("497", "498"), typeof b.additionalItems === (stryMutAct_9fa48("499") ? "" : (stryCov_9fa48("499"), 'object')))))) out.push(b.additionalItems as SchemaNode);else if (stryMutAct_9fa48("502") ? b.additionalItems === false : stryMutAct_9fa48("501") ? false : stryMutAct_9fa48("500") ? true : (stryCov_9fa48("500", "501", "502"), b.additionalItems !== (stryMutAct_9fa48("503") ? true : (stryCov_9fa48("503"), false)))) return stryMutAct_9fa48("504") ? ["Stryker was here"] : (stryCov_9fa48("504"), []);
                  }
                } else if (stryMutAct_9fa48("507") ? items || typeof items === 'object' : stryMutAct_9fa48("506") ? false : stryMutAct_9fa48("505") ? true : (stryCov_9fa48("505", "506", "507"), items && (stryMutAct_9fa48("509") ? typeof items !== 'object' : stryMutAct_9fa48("508") ? true : (stryCov_9fa48("508", "509"), typeof items === (stryMutAct_9fa48("510") ? "" : (stryCov_9fa48("510"), 'object')))))) out.push(items as SchemaNode);else return stryMutAct_9fa48("511") ? ["Stryker was here"] : (stryCov_9fa48("511"), []);
              }
            }
            return out;
          }
        };
        return value.map((v, i) => {
          if (stryMutAct_9fa48("512")) {
            {}
          } else {
            stryCov_9fa48("512");
            const s = forIndex(i);
            return (stryMutAct_9fa48("515") ? s.length !== 0 : stryMutAct_9fa48("514") ? false : stryMutAct_9fa48("513") ? true : (stryCov_9fa48("513", "514", "515"), s.length === 0)) ? v : strip(s, v, definitions, stryMutAct_9fa48("516") ? depth - 1 : (stryCov_9fa48("516"), depth + 1));
          }
        });
      }
    }
    const relevant = stryMutAct_9fa48("517") ? branches : (stryCov_9fa48("517"), branches.filter(stryMutAct_9fa48("518") ? () => undefined : (stryCov_9fa48("518"), b => admits(b, stryMutAct_9fa48("519") ? "" : (stryCov_9fa48("519"), 'object')))));
    if (stryMutAct_9fa48("522") ? relevant.length !== 0 : stryMutAct_9fa48("521") ? false : stryMutAct_9fa48("520") ? true : (stryCov_9fa48("520", "521", "522"), relevant.length === 0)) return value;
    const known = new Map<string, SchemaNode[]>();
    const extra: SchemaNode[] = stryMutAct_9fa48("523") ? ["Stryker was here"] : (stryCov_9fa48("523"), []);
    let open = stryMutAct_9fa48("524") ? true : (stryCov_9fa48("524"), false);
    for (const b of relevant) {
      if (stryMutAct_9fa48("525")) {
        {}
      } else {
        stryCov_9fa48("525");
        const props = (b.properties ?? {}) as Readonly<Record<string, SchemaNode>>;
        for (const [k, s] of Object.entries(props)) {
          if (stryMutAct_9fa48("526")) {
            {}
          } else {
            stryCov_9fa48("526");
            const list = known.get(k);
            if (stryMutAct_9fa48("528") ? false : stryMutAct_9fa48("527") ? true : (stryCov_9fa48("527", "528"), list)) list.push(s);else known.set(k, stryMutAct_9fa48("529") ? [] : (stryCov_9fa48("529"), [s]));
          }
        }
        const more = b.additionalProperties;
        if (stryMutAct_9fa48("532") ? more !== false : stryMutAct_9fa48("531") ? false : stryMutAct_9fa48("530") ? true : (stryCov_9fa48("530", "531", "532"), more === (stryMutAct_9fa48("533") ? true : (stryCov_9fa48("533"), false)))) continue;
        if (stryMutAct_9fa48("536") ? more || typeof more === 'object' : stryMutAct_9fa48("535") ? false : stryMutAct_9fa48("534") ? true : (stryCov_9fa48("534", "535", "536"), more && (stryMutAct_9fa48("538") ? typeof more !== 'object' : stryMutAct_9fa48("537") ? true : (stryCov_9fa48("537", "538"), typeof more === (stryMutAct_9fa48("539") ? "" : (stryCov_9fa48("539"), 'object')))))) extra.push(more as SchemaNode);else open = stryMutAct_9fa48("540") ? false : (stryCov_9fa48("540"), true);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (stryMutAct_9fa48("541")) {
        {}
      } else {
        stryCov_9fa48("541");
        const s = stryMutAct_9fa48("542") ? known.get(k) && (extra.length > 0 ? extra : undefined) : (stryCov_9fa48("542"), known.get(k) ?? ((stryMutAct_9fa48("546") ? extra.length <= 0 : stryMutAct_9fa48("545") ? extra.length >= 0 : stryMutAct_9fa48("544") ? false : stryMutAct_9fa48("543") ? true : (stryCov_9fa48("543", "544", "545", "546"), extra.length > 0)) ? extra : undefined));
        if (stryMutAct_9fa48("548") ? false : stryMutAct_9fa48("547") ? true : (stryCov_9fa48("547", "548"), s)) out[k] = strip(s, v, definitions, stryMutAct_9fa48("549") ? depth - 1 : (stryCov_9fa48("549"), depth + 1));else if (stryMutAct_9fa48("551") ? false : stryMutAct_9fa48("550") ? true : (stryCov_9fa48("550", "551"), open)) out[k] = v;
      }
    }
    return out;
  }
}

/** The branches a value may match: `$ref`s resolved, `anyOf` / `oneOf` / `allOf` spread. */
function flatten(schemas: readonly SchemaNode[], definitions: Readonly<Record<string, SchemaNode>>, out: SchemaNode[] = stryMutAct_9fa48("552") ? ["Stryker was here"] : (stryCov_9fa48("552"), []), depth = 0): SchemaNode[] {
  if (stryMutAct_9fa48("553")) {
    {}
  } else {
    stryCov_9fa48("553");
    for (const s of schemas) {
      if (stryMutAct_9fa48("554")) {
        {}
      } else {
        stryCov_9fa48("554");
        if (stryMutAct_9fa48("558") ? depth <= 32 : stryMutAct_9fa48("557") ? depth >= 32 : stryMutAct_9fa48("556") ? false : stryMutAct_9fa48("555") ? true : (stryCov_9fa48("555", "556", "557", "558"), depth > 32)) break;
        const ref = s.$ref;
        if (stryMutAct_9fa48("561") ? typeof ref !== 'string' : stryMutAct_9fa48("560") ? false : stryMutAct_9fa48("559") ? true : (stryCov_9fa48("559", "560", "561"), typeof ref === (stryMutAct_9fa48("562") ? "" : (stryCov_9fa48("562"), 'string')))) {
          if (stryMutAct_9fa48("563")) {
            {}
          } else {
            stryCov_9fa48("563");
            const target = (stryMutAct_9fa48("564") ? ref.endsWith('#/definitions/') : (stryCov_9fa48("564"), ref.startsWith(stryMutAct_9fa48("565") ? "" : (stryCov_9fa48("565"), '#/definitions/')))) ? definitions[stryMutAct_9fa48("566") ? ref : (stryCov_9fa48("566"), ref.slice((stryMutAct_9fa48("567") ? "" : (stryCov_9fa48("567"), '#/definitions/')).length))] : undefined;
            if (stryMutAct_9fa48("569") ? false : stryMutAct_9fa48("568") ? true : (stryCov_9fa48("568", "569"), target)) flatten(stryMutAct_9fa48("570") ? [] : (stryCov_9fa48("570"), [target]), definitions, out, stryMutAct_9fa48("571") ? depth - 1 : (stryCov_9fa48("571"), depth + 1));
            continue;
          }
        }
        let union = stryMutAct_9fa48("572") ? true : (stryCov_9fa48("572"), false);
        for (const key of stryMutAct_9fa48("573") ? [] : (stryCov_9fa48("573"), [stryMutAct_9fa48("574") ? "" : (stryCov_9fa48("574"), 'anyOf'), stryMutAct_9fa48("575") ? "" : (stryCov_9fa48("575"), 'oneOf'), stryMutAct_9fa48("576") ? "" : (stryCov_9fa48("576"), 'allOf')])) {
          if (stryMutAct_9fa48("577")) {
            {}
          } else {
            stryCov_9fa48("577");
            const list = s[key];
            if (stryMutAct_9fa48("579") ? false : stryMutAct_9fa48("578") ? true : (stryCov_9fa48("578", "579"), Array.isArray(list))) {
              if (stryMutAct_9fa48("580")) {
                {}
              } else {
                stryCov_9fa48("580");
                union = stryMutAct_9fa48("581") ? false : (stryCov_9fa48("581"), true);
                flatten(list as SchemaNode[], definitions, out, stryMutAct_9fa48("582") ? depth - 1 : (stryCov_9fa48("582"), depth + 1));
              }
            }
          }
        }
        if (stryMutAct_9fa48("585") ? (!union || s.properties !== undefined || s.additionalProperties !== undefined) && s.items !== undefined : stryMutAct_9fa48("584") ? false : stryMutAct_9fa48("583") ? true : (stryCov_9fa48("583", "584", "585"), (stryMutAct_9fa48("587") ? (!union || s.properties !== undefined) && s.additionalProperties !== undefined : stryMutAct_9fa48("586") ? false : (stryCov_9fa48("586", "587"), (stryMutAct_9fa48("589") ? !union && s.properties !== undefined : stryMutAct_9fa48("588") ? false : (stryCov_9fa48("588", "589"), (stryMutAct_9fa48("590") ? union : (stryCov_9fa48("590"), !union)) || (stryMutAct_9fa48("592") ? s.properties === undefined : stryMutAct_9fa48("591") ? false : (stryCov_9fa48("591", "592"), s.properties !== undefined)))) || (stryMutAct_9fa48("594") ? s.additionalProperties === undefined : stryMutAct_9fa48("593") ? false : (stryCov_9fa48("593", "594"), s.additionalProperties !== undefined)))) || (stryMutAct_9fa48("596") ? s.items === undefined : stryMutAct_9fa48("595") ? false : (stryCov_9fa48("595", "596"), s.items !== undefined)))) out.push(s);
      }
    }
    return out;
  }
}

/** Whether a branch can describe a value of this JSON type (no `type` admits every type). */
function admits(s: SchemaNode, type: 'object' | 'array'): boolean {
  if (stryMutAct_9fa48("597")) {
    {}
  } else {
    stryCov_9fa48("597");
    const t = s.type;
    if (stryMutAct_9fa48("600") ? t !== undefined : stryMutAct_9fa48("599") ? false : stryMutAct_9fa48("598") ? true : (stryCov_9fa48("598", "599", "600"), t === undefined)) return (stryMutAct_9fa48("603") ? type !== 'object' : stryMutAct_9fa48("602") ? false : stryMutAct_9fa48("601") ? true : (stryCov_9fa48("601", "602", "603"), type === (stryMutAct_9fa48("604") ? "" : (stryCov_9fa48("604"), 'object')))) ? stryMutAct_9fa48("607") ? s.items !== undefined : stryMutAct_9fa48("606") ? false : stryMutAct_9fa48("605") ? true : (stryCov_9fa48("605", "606", "607"), s.items === undefined) : stryMutAct_9fa48("610") ? s.properties === undefined || s.additionalProperties === undefined : stryMutAct_9fa48("609") ? false : stryMutAct_9fa48("608") ? true : (stryCov_9fa48("608", "609", "610"), (stryMutAct_9fa48("612") ? s.properties !== undefined : stryMutAct_9fa48("611") ? true : (stryCov_9fa48("611", "612"), s.properties === undefined)) && (stryMutAct_9fa48("614") ? s.additionalProperties !== undefined : stryMutAct_9fa48("613") ? true : (stryCov_9fa48("613", "614"), s.additionalProperties === undefined)));
    return Array.isArray(t) ? t.includes(type) : stryMutAct_9fa48("617") ? t !== type : stryMutAct_9fa48("616") ? false : stryMutAct_9fa48("615") ? true : (stryCov_9fa48("615", "616", "617"), t === type);
  }
}

/**
 * Checks arguments a caller handed to this cell: the generated validator, and that they are
 * JSON all the way down (the validators trust `JsonValue` positions, see json-value.ts).
 */
export function checkCallerArgs(method: MethodDescriptor, args: unknown): void {
  if (stryMutAct_9fa48("618")) {
    {}
  } else {
    stryCov_9fa48("618");
    checkArgs(method, args);
    const problem = jsonProblem(args);
    if (stryMutAct_9fa48("620") ? false : stryMutAct_9fa48("619") ? true : (stryCov_9fa48("619", "620"), problem)) throw new InvalidArgument(stryMutAct_9fa48("621") ? `` : (stryCov_9fa48("621"), `invalid arguments for ${method.name}: ${problem}`));
  }
}

/** Formats the first validation error as `path: message`. */
export function describeValidation(validate: ValidateFunction, what: string): string {
  if (stryMutAct_9fa48("622")) {
    {}
  } else {
    stryCov_9fa48("622");
    const e = stryMutAct_9fa48("623") ? validate.errors[0] : (stryCov_9fa48("623"), validate.errors?.[0]);
    if (stryMutAct_9fa48("626") ? false : stryMutAct_9fa48("625") ? true : stryMutAct_9fa48("624") ? e : (stryCov_9fa48("624", "625", "626"), !e)) return stryMutAct_9fa48("627") ? `` : (stryCov_9fa48("627"), `${what} is invalid`);
    const where = e.instancePath ? stryMutAct_9fa48("628") ? `` : (stryCov_9fa48("628"), `${what}${e.instancePath.replace(/\//g, stryMutAct_9fa48("629") ? "" : (stryCov_9fa48("629"), '.'))}`) : what;
    const extra = (stryMutAct_9fa48("632") ? e.params || 'additionalProperty' in e.params : stryMutAct_9fa48("631") ? false : stryMutAct_9fa48("630") ? true : (stryCov_9fa48("630", "631", "632"), e.params && (stryMutAct_9fa48("633") ? "" : (stryCov_9fa48("633"), 'additionalProperty')) in e.params)) ? stryMutAct_9fa48("634") ? `` : (stryCov_9fa48("634"), ` '${String(e.params.additionalProperty)}'`) : stryMutAct_9fa48("635") ? "Stryker was here!" : (stryCov_9fa48("635"), '');
    return stryMutAct_9fa48("636") ? `` : (stryCov_9fa48("636"), `${where} ${stryMutAct_9fa48("637") ? e.message && 'is invalid' : (stryCov_9fa48("637"), e.message ?? (stryMutAct_9fa48("638") ? "" : (stryCov_9fa48("638"), 'is invalid')))}${extra}`);
  }
}