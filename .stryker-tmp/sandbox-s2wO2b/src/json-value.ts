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
export function jsonProblem(value: unknown, what = stryMutAct_9fa48("173") ? "" : (stryCov_9fa48("173"), 'args')): string | undefined {
  if (stryMutAct_9fa48("174")) {
    {}
  } else {
    stryCov_9fa48("174");
    return isJson(value, 0) ? undefined : stryMutAct_9fa48("175") ? findProblem(value, what, 0) && `${what} is not JSON` : (stryCov_9fa48("175"), findProblem(value, what, 0) ?? (stryMutAct_9fa48("176") ? `` : (stryCov_9fa48("176"), `${what} is not JSON`)));
  }
}

// Object properties may be undefined (JSON.stringify drops them; the validators treat them
// as absent), array items may not (they would become null).
function isJson(v: unknown, depth: number): boolean {
  if (stryMutAct_9fa48("177")) {
    {}
  } else {
    stryCov_9fa48("177");
    switch (typeof v) {
      case stryMutAct_9fa48("178") ? "" : (stryCov_9fa48("178"), 'string'):
      case stryMutAct_9fa48("180") ? "" : (stryCov_9fa48("180"), 'boolean'):
        if (stryMutAct_9fa48("179")) {} else {
          stryCov_9fa48("179");
          return stryMutAct_9fa48("181") ? false : (stryCov_9fa48("181"), true);
        }
      case stryMutAct_9fa48("183") ? "" : (stryCov_9fa48("183"), 'number'):
        if (stryMutAct_9fa48("182")) {} else {
          stryCov_9fa48("182");
          return Number.isFinite(v);
        }
      case stryMutAct_9fa48("185") ? "" : (stryCov_9fa48("185"), 'object'):
        if (stryMutAct_9fa48("184")) {} else {
          stryCov_9fa48("184");
          {
            if (stryMutAct_9fa48("186")) {
              {}
            } else {
              stryCov_9fa48("186");
              if (stryMutAct_9fa48("189") ? v !== null : stryMutAct_9fa48("188") ? false : stryMutAct_9fa48("187") ? true : (stryCov_9fa48("187", "188", "189"), v === null)) return stryMutAct_9fa48("190") ? false : (stryCov_9fa48("190"), true);
              if (stryMutAct_9fa48("194") ? depth < MAX_DEPTH : stryMutAct_9fa48("193") ? depth > MAX_DEPTH : stryMutAct_9fa48("192") ? false : stryMutAct_9fa48("191") ? true : (stryCov_9fa48("191", "192", "193", "194"), depth >= MAX_DEPTH)) return stryMutAct_9fa48("195") ? true : (stryCov_9fa48("195"), false);
              if (stryMutAct_9fa48("197") ? false : stryMutAct_9fa48("196") ? true : (stryCov_9fa48("196", "197"), Array.isArray(v))) {
                if (stryMutAct_9fa48("198")) {
                  {}
                } else {
                  stryCov_9fa48("198");
                  for (let i = 0; stryMutAct_9fa48("201") ? i >= v.length : stryMutAct_9fa48("200") ? i <= v.length : stryMutAct_9fa48("199") ? false : (stryCov_9fa48("199", "200", "201"), i < v.length); stryMutAct_9fa48("202") ? i-- : (stryCov_9fa48("202"), i++)) if (stryMutAct_9fa48("205") ? false : stryMutAct_9fa48("204") ? true : stryMutAct_9fa48("203") ? isJson(v[i], depth + 1) : (stryCov_9fa48("203", "204", "205"), !isJson(v[i], stryMutAct_9fa48("206") ? depth - 1 : (stryCov_9fa48("206"), depth + 1)))) return stryMutAct_9fa48("207") ? true : (stryCov_9fa48("207"), false);
                  return stryMutAct_9fa48("208") ? false : (stryCov_9fa48("208"), true);
                }
              }
              const o = v as Record<string, unknown>;
              for (const k in o) {
                if (stryMutAct_9fa48("209")) {
                  {}
                } else {
                  stryCov_9fa48("209");
                  const x = o[k];
                  if (stryMutAct_9fa48("212") ? x !== undefined || !isJson(x, depth + 1) : stryMutAct_9fa48("211") ? false : stryMutAct_9fa48("210") ? true : (stryCov_9fa48("210", "211", "212"), (stryMutAct_9fa48("214") ? x === undefined : stryMutAct_9fa48("213") ? true : (stryCov_9fa48("213", "214"), x !== undefined)) && (stryMutAct_9fa48("215") ? isJson(x, depth + 1) : (stryCov_9fa48("215"), !isJson(x, stryMutAct_9fa48("216") ? depth - 1 : (stryCov_9fa48("216"), depth + 1)))))) return stryMutAct_9fa48("217") ? true : (stryCov_9fa48("217"), false);
                }
              }
              return stryMutAct_9fa48("218") ? false : (stryCov_9fa48("218"), true);
            }
          }
        }
      default:
        if (stryMutAct_9fa48("219")) {} else {
          stryCov_9fa48("219");
          return stryMutAct_9fa48("220") ? true : (stryCov_9fa48("220"), false);
        }
    }
  }
}
function findProblem(v: unknown, path: string, depth: number): string | undefined {
  if (stryMutAct_9fa48("221")) {
    {}
  } else {
    stryCov_9fa48("221");
    if (stryMutAct_9fa48("224") ? typeof v === 'number' || !Number.isFinite(v) : stryMutAct_9fa48("223") ? false : stryMutAct_9fa48("222") ? true : (stryCov_9fa48("222", "223", "224"), (stryMutAct_9fa48("226") ? typeof v !== 'number' : stryMutAct_9fa48("225") ? true : (stryCov_9fa48("225", "226"), typeof v === (stryMutAct_9fa48("227") ? "" : (stryCov_9fa48("227"), 'number')))) && (stryMutAct_9fa48("228") ? Number.isFinite(v) : (stryCov_9fa48("228"), !Number.isFinite(v))))) return stryMutAct_9fa48("229") ? `` : (stryCov_9fa48("229"), `${path} must be a finite number`);
    if (stryMutAct_9fa48("232") ? typeof v !== 'object' && v === null : stryMutAct_9fa48("231") ? false : stryMutAct_9fa48("230") ? true : (stryCov_9fa48("230", "231", "232"), (stryMutAct_9fa48("234") ? typeof v === 'object' : stryMutAct_9fa48("233") ? false : (stryCov_9fa48("233", "234"), typeof v !== (stryMutAct_9fa48("235") ? "" : (stryCov_9fa48("235"), 'object')))) || (stryMutAct_9fa48("237") ? v !== null : stryMutAct_9fa48("236") ? false : (stryCov_9fa48("236", "237"), v === null)))) return isJson(v, depth) ? undefined : stryMutAct_9fa48("238") ? `` : (stryCov_9fa48("238"), `${path} is not JSON (${typeof v})`);
    if (stryMutAct_9fa48("242") ? depth < MAX_DEPTH : stryMutAct_9fa48("241") ? depth > MAX_DEPTH : stryMutAct_9fa48("240") ? false : stryMutAct_9fa48("239") ? true : (stryCov_9fa48("239", "240", "241", "242"), depth >= MAX_DEPTH)) return stryMutAct_9fa48("243") ? `` : (stryCov_9fa48("243"), `${path} is nested too deeply (or circular)`);
    if (stryMutAct_9fa48("245") ? false : stryMutAct_9fa48("244") ? true : (stryCov_9fa48("244", "245"), Array.isArray(v))) {
      if (stryMutAct_9fa48("246")) {
        {}
      } else {
        stryCov_9fa48("246");
        for (let i = 0; stryMutAct_9fa48("249") ? i >= v.length : stryMutAct_9fa48("248") ? i <= v.length : stryMutAct_9fa48("247") ? false : (stryCov_9fa48("247", "248", "249"), i < v.length); stryMutAct_9fa48("250") ? i-- : (stryCov_9fa48("250"), i++)) {
          if (stryMutAct_9fa48("251")) {
            {}
          } else {
            stryCov_9fa48("251");
            const p = (stryMutAct_9fa48("254") ? v[i] !== undefined : stryMutAct_9fa48("253") ? false : stryMutAct_9fa48("252") ? true : (stryCov_9fa48("252", "253", "254"), v[i] === undefined)) ? stryMutAct_9fa48("255") ? `` : (stryCov_9fa48("255"), `${path}.${i} is not JSON (undefined)`) : findProblem(v[i], stryMutAct_9fa48("256") ? `` : (stryCov_9fa48("256"), `${path}.${i}`), stryMutAct_9fa48("257") ? depth - 1 : (stryCov_9fa48("257"), depth + 1));
            if (stryMutAct_9fa48("259") ? false : stryMutAct_9fa48("258") ? true : (stryCov_9fa48("258", "259"), p)) return p;
          }
        }
        return undefined;
      }
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (stryMutAct_9fa48("260")) {
        {}
      } else {
        stryCov_9fa48("260");
        const x = o[k];
        const p = (stryMutAct_9fa48("263") ? x !== undefined : stryMutAct_9fa48("262") ? false : stryMutAct_9fa48("261") ? true : (stryCov_9fa48("261", "262", "263"), x === undefined)) ? undefined : findProblem(x, stryMutAct_9fa48("264") ? `` : (stryCov_9fa48("264"), `${path}.${k}`), stryMutAct_9fa48("265") ? depth - 1 : (stryCov_9fa48("265"), depth + 1));
        if (stryMutAct_9fa48("267") ? false : stryMutAct_9fa48("266") ? true : (stryCov_9fa48("266", "267"), p)) return p;
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
  if (stryMutAct_9fa48("268")) {
    {}
  } else {
    stryCov_9fa48("268");
    let depth = 0;
    let inString = stryMutAct_9fa48("269") ? true : (stryCov_9fa48("269"), false);
    for (let i = 0; stryMutAct_9fa48("272") ? i >= text.length : stryMutAct_9fa48("271") ? i <= text.length : stryMutAct_9fa48("270") ? false : (stryCov_9fa48("270", "271", "272"), i < text.length); stryMutAct_9fa48("273") ? i-- : (stryCov_9fa48("273"), i++)) {
      if (stryMutAct_9fa48("274")) {
        {}
      } else {
        stryCov_9fa48("274");
        const c = text.charCodeAt(i);
        if (stryMutAct_9fa48("276") ? false : stryMutAct_9fa48("275") ? true : (stryCov_9fa48("275", "276"), inString)) {
          if (stryMutAct_9fa48("277")) {
            {}
          } else {
            stryCov_9fa48("277");
            if (stryMutAct_9fa48("280") ? c !== 92 /* \\ */ : stryMutAct_9fa48("279") ? false : stryMutAct_9fa48("278") ? true : (stryCov_9fa48("278", "279", "280"), c === 92) /* \\ */) stryMutAct_9fa48("281") ? i-- : (stryCov_9fa48("281"), i++);else if (stryMutAct_9fa48("284") ? c !== 34 /* " */ : stryMutAct_9fa48("283") ? false : stryMutAct_9fa48("282") ? true : (stryCov_9fa48("282", "283", "284"), c === 34) /* " */) inString = stryMutAct_9fa48("285") ? true : (stryCov_9fa48("285"), false);
          }
        } else if (stryMutAct_9fa48("288") ? c !== 34 : stryMutAct_9fa48("287") ? false : stryMutAct_9fa48("286") ? true : (stryCov_9fa48("286", "287", "288"), c === 34)) inString = stryMutAct_9fa48("289") ? false : (stryCov_9fa48("289"), true);else if (stryMutAct_9fa48("292") ? c === 91 /* [ */ && c === 123 /* { */ : stryMutAct_9fa48("291") ? false : stryMutAct_9fa48("290") ? true : (stryCov_9fa48("290", "291", "292"), (stryMutAct_9fa48("294") ? c !== 91 /* [ */ : stryMutAct_9fa48("293") ? false : (stryCov_9fa48("293", "294"), c === 91) /* [ */) || (stryMutAct_9fa48("296") ? c !== 123 : stryMutAct_9fa48("295") ? false : (stryCov_9fa48("295", "296"), c === 123))) /* { */) {
          if (stryMutAct_9fa48("297")) {
            {}
          } else {
            stryCov_9fa48("297");
            if (stryMutAct_9fa48("301") ? ++depth <= max : stryMutAct_9fa48("300") ? ++depth >= max : stryMutAct_9fa48("299") ? false : stryMutAct_9fa48("298") ? true : (stryCov_9fa48("298", "299", "300", "301"), (stryMutAct_9fa48("302") ? --depth : (stryCov_9fa48("302"), ++depth)) > max)) return stryMutAct_9fa48("303") ? false : (stryCov_9fa48("303"), true);
          }
        } else if (stryMutAct_9fa48("306") ? c === 93 /* ] */ && c === 125 /* } */ : stryMutAct_9fa48("305") ? false : stryMutAct_9fa48("304") ? true : (stryCov_9fa48("304", "305", "306"), (stryMutAct_9fa48("308") ? c !== 93 /* ] */ : stryMutAct_9fa48("307") ? false : (stryCov_9fa48("307", "308"), c === 93) /* ] */) || (stryMutAct_9fa48("310") ? c !== 125 : stryMutAct_9fa48("309") ? false : (stryCov_9fa48("309", "310"), c === 125))) /* } */) stryMutAct_9fa48("311") ? depth++ : (stryCov_9fa48("311"), depth--);
      }
    }
    return stryMutAct_9fa48("312") ? true : (stryCov_9fa48("312"), false);
  }
}