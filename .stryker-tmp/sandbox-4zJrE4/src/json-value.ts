/**
 * Is a caller's object JSON? The generated validators take `JsonValue` positions on trust,
 * since what a cell receives comes out of JSON.parse. Objects handed to a client at the
 * origin need not be JSON, so they are walked once here: no allocation unless it fails.
 */
// @ts-nocheck


/** The deepest a caller's value may be: receivers refuse messages nested deeper (codec.ts). */function stryNS_9fa48() {
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
export const MAX_VALUE_DEPTH = 64;
const MAX_DEPTH = MAX_VALUE_DEPTH;

/** Where `value` is not JSON (`args.method_info.method_args.1.x is not JSON: function`), or undefined when it is. */
export function jsonProblem(value: unknown, what = stryMutAct_9fa48("949") ? "" : (stryCov_9fa48("949"), 'args')): string | undefined {
  if (stryMutAct_9fa48("950")) {
    {}
  } else {
    stryCov_9fa48("950");
    return isJson(value, 0) ? undefined : stryMutAct_9fa48("951") ? findProblem(value, what, 0) && `${what} is not JSON` : (stryCov_9fa48("951"), findProblem(value, what, 0) ?? (stryMutAct_9fa48("952") ? `` : (stryCov_9fa48("952"), `${what} is not JSON`)));
  }
}

// Object properties may be undefined (JSON.stringify drops them; the validators treat them
// as absent), array items may not (they would become null).
function isJson(v: unknown, depth: number): boolean {
  if (stryMutAct_9fa48("953")) {
    {}
  } else {
    stryCov_9fa48("953");
    switch (typeof v) {
      case stryMutAct_9fa48("954") ? "" : (stryCov_9fa48("954"), 'string'):
      case stryMutAct_9fa48("956") ? "" : (stryCov_9fa48("956"), 'boolean'):
        if (stryMutAct_9fa48("955")) {} else {
          stryCov_9fa48("955");
          return stryMutAct_9fa48("957") ? false : (stryCov_9fa48("957"), true);
        }
      case stryMutAct_9fa48("959") ? "" : (stryCov_9fa48("959"), 'number'):
        if (stryMutAct_9fa48("958")) {} else {
          stryCov_9fa48("958");
          return Number.isFinite(v);
        }
      case stryMutAct_9fa48("961") ? "" : (stryCov_9fa48("961"), 'object'):
        if (stryMutAct_9fa48("960")) {} else {
          stryCov_9fa48("960");
          {
            if (stryMutAct_9fa48("962")) {
              {}
            } else {
              stryCov_9fa48("962");
              if (stryMutAct_9fa48("965") ? v !== null : stryMutAct_9fa48("964") ? false : stryMutAct_9fa48("963") ? true : (stryCov_9fa48("963", "964", "965"), v === null)) return stryMutAct_9fa48("966") ? false : (stryCov_9fa48("966"), true);
              if (stryMutAct_9fa48("970") ? depth < MAX_DEPTH : stryMutAct_9fa48("969") ? depth > MAX_DEPTH : stryMutAct_9fa48("968") ? false : stryMutAct_9fa48("967") ? true : (stryCov_9fa48("967", "968", "969", "970"), depth >= MAX_DEPTH)) return stryMutAct_9fa48("971") ? true : (stryCov_9fa48("971"), false);
              if (stryMutAct_9fa48("973") ? false : stryMutAct_9fa48("972") ? true : (stryCov_9fa48("972", "973"), Array.isArray(v))) {
                if (stryMutAct_9fa48("974")) {
                  {}
                } else {
                  stryCov_9fa48("974");
                  for (let i = 0; stryMutAct_9fa48("977") ? i >= v.length : stryMutAct_9fa48("976") ? i <= v.length : stryMutAct_9fa48("975") ? false : (stryCov_9fa48("975", "976", "977"), i < v.length); stryMutAct_9fa48("978") ? i-- : (stryCov_9fa48("978"), i++)) if (stryMutAct_9fa48("981") ? false : stryMutAct_9fa48("980") ? true : stryMutAct_9fa48("979") ? isJson(v[i], depth + 1) : (stryCov_9fa48("979", "980", "981"), !isJson(v[i], stryMutAct_9fa48("982") ? depth - 1 : (stryCov_9fa48("982"), depth + 1)))) return stryMutAct_9fa48("983") ? true : (stryCov_9fa48("983"), false);
                  return stryMutAct_9fa48("984") ? false : (stryCov_9fa48("984"), true);
                }
              }
              const o = v as Record<string, unknown>;
              for (const k in o) {
                if (stryMutAct_9fa48("985")) {
                  {}
                } else {
                  stryCov_9fa48("985");
                  const x = o[k];
                  if (stryMutAct_9fa48("988") ? x !== undefined || !isJson(x, depth + 1) : stryMutAct_9fa48("987") ? false : stryMutAct_9fa48("986") ? true : (stryCov_9fa48("986", "987", "988"), (stryMutAct_9fa48("990") ? x === undefined : stryMutAct_9fa48("989") ? true : (stryCov_9fa48("989", "990"), x !== undefined)) && (stryMutAct_9fa48("991") ? isJson(x, depth + 1) : (stryCov_9fa48("991"), !isJson(x, stryMutAct_9fa48("992") ? depth - 1 : (stryCov_9fa48("992"), depth + 1)))))) return stryMutAct_9fa48("993") ? true : (stryCov_9fa48("993"), false);
                }
              }
              return stryMutAct_9fa48("994") ? false : (stryCov_9fa48("994"), true);
            }
          }
        }
      default:
        if (stryMutAct_9fa48("995")) {} else {
          stryCov_9fa48("995");
          return stryMutAct_9fa48("996") ? true : (stryCov_9fa48("996"), false);
        }
    }
  }
}
function findProblem(v: unknown, path: string, depth: number): string | undefined {
  if (stryMutAct_9fa48("997")) {
    {}
  } else {
    stryCov_9fa48("997");
    if (stryMutAct_9fa48("1000") ? typeof v === 'number' || !Number.isFinite(v) : stryMutAct_9fa48("999") ? false : stryMutAct_9fa48("998") ? true : (stryCov_9fa48("998", "999", "1000"), (stryMutAct_9fa48("1002") ? typeof v !== 'number' : stryMutAct_9fa48("1001") ? true : (stryCov_9fa48("1001", "1002"), typeof v === (stryMutAct_9fa48("1003") ? "" : (stryCov_9fa48("1003"), 'number')))) && (stryMutAct_9fa48("1004") ? Number.isFinite(v) : (stryCov_9fa48("1004"), !Number.isFinite(v))))) return stryMutAct_9fa48("1005") ? `` : (stryCov_9fa48("1005"), `${path} must be a finite number`);
    if (stryMutAct_9fa48("1008") ? typeof v !== 'object' && v === null : stryMutAct_9fa48("1007") ? false : stryMutAct_9fa48("1006") ? true : (stryCov_9fa48("1006", "1007", "1008"), (stryMutAct_9fa48("1010") ? typeof v === 'object' : stryMutAct_9fa48("1009") ? false : (stryCov_9fa48("1009", "1010"), typeof v !== (stryMutAct_9fa48("1011") ? "" : (stryCov_9fa48("1011"), 'object')))) || (stryMutAct_9fa48("1013") ? v !== null : stryMutAct_9fa48("1012") ? false : (stryCov_9fa48("1012", "1013"), v === null)))) return isJson(v, depth) ? undefined : stryMutAct_9fa48("1014") ? `` : (stryCov_9fa48("1014"), `${path} is not JSON (${typeof v})`);
    if (stryMutAct_9fa48("1018") ? depth < MAX_DEPTH : stryMutAct_9fa48("1017") ? depth > MAX_DEPTH : stryMutAct_9fa48("1016") ? false : stryMutAct_9fa48("1015") ? true : (stryCov_9fa48("1015", "1016", "1017", "1018"), depth >= MAX_DEPTH)) return stryMutAct_9fa48("1019") ? `` : (stryCov_9fa48("1019"), `${path} is nested too deeply (or circular)`);
    if (stryMutAct_9fa48("1021") ? false : stryMutAct_9fa48("1020") ? true : (stryCov_9fa48("1020", "1021"), Array.isArray(v))) {
      if (stryMutAct_9fa48("1022")) {
        {}
      } else {
        stryCov_9fa48("1022");
        for (let i = 0; stryMutAct_9fa48("1025") ? i >= v.length : stryMutAct_9fa48("1024") ? i <= v.length : stryMutAct_9fa48("1023") ? false : (stryCov_9fa48("1023", "1024", "1025"), i < v.length); stryMutAct_9fa48("1026") ? i-- : (stryCov_9fa48("1026"), i++)) {
          if (stryMutAct_9fa48("1027")) {
            {}
          } else {
            stryCov_9fa48("1027");
            const p = (stryMutAct_9fa48("1030") ? v[i] !== undefined : stryMutAct_9fa48("1029") ? false : stryMutAct_9fa48("1028") ? true : (stryCov_9fa48("1028", "1029", "1030"), v[i] === undefined)) ? stryMutAct_9fa48("1031") ? `` : (stryCov_9fa48("1031"), `${path}.${i} is not JSON (undefined)`) : findProblem(v[i], stryMutAct_9fa48("1032") ? `` : (stryCov_9fa48("1032"), `${path}.${i}`), stryMutAct_9fa48("1033") ? depth - 1 : (stryCov_9fa48("1033"), depth + 1));
            if (stryMutAct_9fa48("1035") ? false : stryMutAct_9fa48("1034") ? true : (stryCov_9fa48("1034", "1035"), p)) return p;
          }
        }
        return undefined;
      }
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (stryMutAct_9fa48("1036")) {
        {}
      } else {
        stryCov_9fa48("1036");
        const x = o[k];
        const p = (stryMutAct_9fa48("1039") ? x !== undefined : stryMutAct_9fa48("1038") ? false : stryMutAct_9fa48("1037") ? true : (stryCov_9fa48("1037", "1038", "1039"), x === undefined)) ? undefined : findProblem(x, stryMutAct_9fa48("1040") ? `` : (stryCov_9fa48("1040"), `${path}.${k}`), stryMutAct_9fa48("1041") ? depth - 1 : (stryCov_9fa48("1041"), depth + 1));
        if (stryMutAct_9fa48("1043") ? false : stryMutAct_9fa48("1042") ? true : (stryCov_9fa48("1042", "1043"), p)) return p;
      }
    }
    return undefined;
  }
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`, found in one pass over the
 * characters (brackets inside strings do not count) without building anything.
 */
export function nestingExceeds(text: string, max: number): boolean {
  if (stryMutAct_9fa48("1044")) {
    {}
  } else {
    stryCov_9fa48("1044");
    let depth = 0;
    let inString = stryMutAct_9fa48("1045") ? true : (stryCov_9fa48("1045"), false);
    for (let i = 0; stryMutAct_9fa48("1048") ? i >= text.length : stryMutAct_9fa48("1047") ? i <= text.length : stryMutAct_9fa48("1046") ? false : (stryCov_9fa48("1046", "1047", "1048"), i < text.length); stryMutAct_9fa48("1049") ? i-- : (stryCov_9fa48("1049"), i++)) {
      if (stryMutAct_9fa48("1050")) {
        {}
      } else {
        stryCov_9fa48("1050");
        const c = text.charCodeAt(i);
        if (stryMutAct_9fa48("1052") ? false : stryMutAct_9fa48("1051") ? true : (stryCov_9fa48("1051", "1052"), inString)) {
          if (stryMutAct_9fa48("1053")) {
            {}
          } else {
            stryCov_9fa48("1053");
            if (stryMutAct_9fa48("1056") ? c !== 92 /* \\ */ : stryMutAct_9fa48("1055") ? false : stryMutAct_9fa48("1054") ? true : (stryCov_9fa48("1054", "1055", "1056"), c === 92) /* \\ */) stryMutAct_9fa48("1057") ? i-- : (stryCov_9fa48("1057"), i++);else if (stryMutAct_9fa48("1060") ? c !== 34 /* " */ : stryMutAct_9fa48("1059") ? false : stryMutAct_9fa48("1058") ? true : (stryCov_9fa48("1058", "1059", "1060"), c === 34) /* " */) inString = stryMutAct_9fa48("1061") ? true : (stryCov_9fa48("1061"), false);
          }
        } else if (stryMutAct_9fa48("1064") ? c !== 34 : stryMutAct_9fa48("1063") ? false : stryMutAct_9fa48("1062") ? true : (stryCov_9fa48("1062", "1063", "1064"), c === 34)) inString = stryMutAct_9fa48("1065") ? false : (stryCov_9fa48("1065"), true);else if (stryMutAct_9fa48("1068") ? c === 91 /* [ */ && c === 123 /* { */ : stryMutAct_9fa48("1067") ? false : stryMutAct_9fa48("1066") ? true : (stryCov_9fa48("1066", "1067", "1068"), (stryMutAct_9fa48("1070") ? c !== 91 /* [ */ : stryMutAct_9fa48("1069") ? false : (stryCov_9fa48("1069", "1070"), c === 91) /* [ */) || (stryMutAct_9fa48("1072") ? c !== 123 : stryMutAct_9fa48("1071") ? false : (stryCov_9fa48("1071", "1072"), c === 123))) /* { */) {
          if (stryMutAct_9fa48("1073")) {
            {}
          } else {
            stryCov_9fa48("1073");
            if (stryMutAct_9fa48("1077") ? ++depth <= max : stryMutAct_9fa48("1076") ? ++depth >= max : stryMutAct_9fa48("1075") ? false : stryMutAct_9fa48("1074") ? true : (stryCov_9fa48("1074", "1075", "1076", "1077"), (stryMutAct_9fa48("1078") ? --depth : (stryCov_9fa48("1078"), ++depth)) > max)) return stryMutAct_9fa48("1079") ? false : (stryCov_9fa48("1079"), true);
          }
        } else if (stryMutAct_9fa48("1082") ? c === 93 /* ] */ && c === 125 /* } */ : stryMutAct_9fa48("1081") ? false : stryMutAct_9fa48("1080") ? true : (stryCov_9fa48("1080", "1081", "1082"), (stryMutAct_9fa48("1084") ? c !== 93 /* ] */ : stryMutAct_9fa48("1083") ? false : (stryCov_9fa48("1083", "1084"), c === 93) /* ] */) || (stryMutAct_9fa48("1086") ? c !== 125 : stryMutAct_9fa48("1085") ? false : (stryCov_9fa48("1085", "1086"), c === 125))) /* } */) stryMutAct_9fa48("1087") ? depth++ : (stryCov_9fa48("1087"), depth--);
      }
    }
    return stryMutAct_9fa48("1088") ? true : (stryCov_9fa48("1088"), false);
  }
}