/**
 * `GET /ui`: one self-contained HTML page (inline CSS and JS, nothing fetched from elsewhere;
 * its Content-Security-Policy allows only this origin) that shows a tree at work:
 *
 * The page itself holds nothing of the cell: everything it shows comes from the API, with
 * the token typed into its token field (kept in the tab's sessionStorage, sent as
 * `Authorization: Bearer`), so a browser can open it and a caller without the token sees
 * nothing but the form asking for one.
 *
 * - the tree below this cell (`GET /v1/tree`): each cell's free capacity, its parent's link to
 *   it (state, sends, failures, in flight, last error) and whether it is mute;
 * - the last calls made or run here with their routes (`GET /v1/recent`);
 * - a form that runs a method from this cell (`POST /v1/call/{method}`) and shows the
 *   Responses, one per cell.
 *
 * It refreshes itself every 1.5 s. Every request is relative to the page, so the page also
 * works when the API is served below a path prefix.
 */
import type { MethodDescriptor } from '@cellwire/core';

/** A method the form offers. */
export interface UiMethod {
  readonly name: string;
  readonly service: string;
  readonly kind: string;
  readonly direction: string;
  /** The target argument, for targeted methods (`cell_name`, `instance.cell_name`). */
  readonly target?: string;
  /** A starting point for the arguments: each required property with an empty value. */
  readonly template: Record<string, unknown>;
}

export interface UiPageOptions {
  /** The CSP nonce of the inline script. */
  readonly nonce: string;
  /** Refresh period (default 1500 ms). */
  readonly refreshMs?: number;
}

/** The methods a caller may run from this cell, for the form (internal ones are left out); `GET /v1/methods`. */
export function uiMethods(cell: string, methods: readonly MethodDescriptor[]): UiMethod[] {
  return methods
    .filter((m) => !m.internal)
    .map((m) => {
      const target = m.target === 'none' ? undefined : m.target.arg;
      return {
        name: m.name,
        service: m.service.name,
        kind: m.kind,
        direction: m.direction,
        ...(target ? { target } : {}),
        template: argsTemplate(m.schemas.args as Schema, cell, target),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  definitions?: Record<string, Schema>;
  $defs?: Record<string, Schema>;
}

function argsTemplate(schema: Schema | undefined, cell: string, target: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of schema?.required ?? []) {
    const p = schema?.properties?.[name];
    const type = Array.isArray(p?.type) ? p?.type[0] : p?.type;
    out[name] = type === 'number' || type === 'integer' ? 0 : type === 'boolean' ? false : type === 'array' ? [] : type === 'object' || p?.$ref ? {} : '';
  }
  // The target path starts here: `api-cell!` is what a caller completes.
  if (target && !target.includes('.')) out[target] = `${cell}!`;
  return out;
}

/** JSON for a `<script type="application/json">` element: nothing in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The Content-Security-Policy of the page: its own inline script and styles, requests to this origin only. */
export function uiContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The page: the same for every cell and every caller; it reads the cell's name and methods
 * from `GET /v1/methods` once it has a token that works.
 *
 * @example
 * res.end(renderUiPage({ nonce }));
 */
export function renderUiPage(options: UiPageOptions): string {
  const config = { refreshMs: options.refreshMs ?? 1500 };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cellwire</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1><span class="logo">cellwire</span> <span id="cell-name"></span></h1>
  <div id="status" class="status">loading…</div>
  <form id="token-form" class="token" autocomplete="off">
    <label>API token <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="kept in this tab only"></label>
    <button id="token-use" type="submit">use</button>
    <button id="token-forget" type="button" class="quiet">forget</button>
  </form>
  <label class="pause"><input type="checkbox" id="pause"> pause</label>
</header>
<main>
  <section class="panel tree-panel">
    <h2>Tree</h2>
    <div id="tree" class="tree" aria-live="polite"></div>
  </section>
  <section class="panel call-panel">
    <h2>Call a method from <span class="cell-ref"></span></h2>
    <form id="call-form" autocomplete="off">
      <label>Method <select id="call-method" name="method"></select></label>
      <div id="method-info" class="hint"></div>
      <label>Arguments (JSON) <textarea id="call-args" name="args" rows="5" spellcheck="false">{}</textarea></label>
      <label class="inline">Timeout (s) <input id="call-timeout" name="timeout" type="number" min="0.1" step="0.1" value="5"></label>
      <button id="call-send" type="submit">Send</button>
    </form>
    <div id="call-result" class="result"></div>
  </section>
  <section class="panel recent-panel">
    <h2>Recent calls <span class="hint">(newest first; origin: made here, handler: run here)</span>
      <label class="hint toggle"><input type="checkbox" id="show-reports"> show the cells' capability and capacity reports</label></h2>
    <table id="recent" class="recent">
      <thead><tr><th>time</th><th>stage</th><th>method</th><th>route</th><th>outcome</th><th class="num">ms</th><th>request</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
<script id="ui-config" type="application/json">${scriptJson(config)}</script>
<script nonce="${escapeHtml(options.nonce)}">${JS}</script>
</body>
</html>
`;
}

const CSS = `
:root { --bg:#f5f6f8; --panel:#fff; --ink:#1d2330; --muted:#6b7385; --line:#dde1e8; --ok:#1f8a4c; --okbg:#e3f4ea;
  --bad:#c0392b; --badbg:#fbe6e3; --warn:#a86400; --warnbg:#fdf0d9; --idle:#59606e; --idlebg:#eceef2; --accent:#2957c4; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; align-items:center; gap:16px; padding:10px 20px; background:#1d2330; color:#fff; }
header h1 { margin:0; font-size:18px; font-weight:600; }
header .logo { color:#8fb0ff; font-weight:700; margin-right:6px; }
.status { flex:1; color:#c9cfdb; font-size:13px; }
.status.stale { color:#ffb3a8; }
.pause { font-size:13px; color:#c9cfdb; }
.token { display:flex; align-items:center; gap:6px; font-size:13px; color:#c9cfdb; }
.token input { width:200px; padding:3px 6px; border:1px solid #4a5264; border-radius:4px; background:#2a3142; color:#fff; font:12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.token.needed input { border-color:#ffb3a8; }
.token button { margin-left:0; padding:3px 10px; }
button.quiet { background:transparent; border:1px solid #4a5264; color:#c9cfdb; }
.toggle { float:right; }
main { display:grid; grid-template-columns: minmax(420px, 3fr) minmax(340px, 2fr); gap:16px; padding:16px 20px; }
.panel { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
.recent-panel { grid-column: 1 / -1; }
h2 { margin:0 0 10px; font-size:15px; }
.hint { color:var(--muted); font-size:12px; font-weight:normal; }
.tree ul { list-style:none; margin:0; padding-left:22px; border-left:1px dashed var(--line); }
.tree > ul { padding-left:0; border-left:none; }
.tree li { margin:6px 0; }
.cell { border:1px solid var(--line); border-radius:6px; padding:7px 10px; background:#fbfcfd; }
.cell.unreachable { background:#fff8f6; border-color:#f1c6bf; }
.cell.is-mute { opacity:.75; border-style:dashed; }
.cell-head { display:flex; flex-wrap:wrap; align-items:baseline; gap:8px; }
.cell-name { font-weight:600; font-size:14px; }
.cap { color:var(--ink); font-variant-numeric: tabular-nums; }
.meta { color:var(--muted); font-size:12px; }
.badge { display:inline-block; border-radius:10px; padding:0 8px; font-size:11.5px; font-weight:600; line-height:18px; }
.badge.ok { color:var(--ok); background:var(--okbg); }
.badge.failing, .badge.closed, .badge.unreachable { color:var(--bad); background:var(--badbg); }
.badge.connecting, .badge.reconnecting, .badge.mute { color:var(--warn); background:var(--warnbg); }
.badge.idle, .badge.reported, .badge.self { color:var(--idle); background:var(--idlebg); }
.link { margin-top:4px; font-size:12px; color:var(--muted); }
.link .err { color:var(--bad); }
form label { display:block; margin:6px 0; font-size:13px; color:var(--muted); }
form select, form textarea, form input { display:block; width:100%; margin-top:3px; font:13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  padding:6px 8px; border:1px solid var(--line); border-radius:5px; background:#fff; color:var(--ink); }
form label.inline { display:inline-block; }
form label.inline input { width:90px; display:inline-block; margin-left:6px; }
button { margin-left:10px; padding:6px 18px; border:0; border-radius:5px; background:var(--accent); color:#fff; font-weight:600; cursor:pointer; }
button:disabled { opacity:.6; cursor:progress; }
.result { margin-top:10px; }
.result .summary { margin:4px 0 6px; font-weight:600; }
.result .summary.bad { color:var(--bad); }
table { width:100%; border-collapse:collapse; font-size:12.5px; }
th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
td code, .mono { font:12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
td.value { max-width:420px; overflow-wrap:anywhere; }
td.value code { display:block; max-height:4.4em; overflow:auto; white-space:pre-wrap; }
tr.fail td { background:#fff6f4; }
.route { white-space:nowrap; }
.answers { color:var(--muted); font-size:11.5px; }
.answers .bad { color:var(--bad); }
.empty { color:var(--muted); font-style:italic; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
`;

// Plain ES2020 for the browser, no template literals (this file is one).
const JS = `
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('ui-config').textContent);
  var $ = function (id) { return document.getElementById(id); };
  // The API token, typed into the page and kept in this tab only (sessionStorage).
  var TOKEN_KEY = 'cellwire-api-token';
  function token() { try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; } }
  function setToken(t) { try { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage off: this page only */ } }
  function withToken(headers) { var t = token(); if (t) headers.authorization = 'Bearer ' + t; return headers; }
  function Refused(status, message) { this.status = status; this.message = message; }
  Refused.prototype = Object.create(Error.prototype);
  function esc(v) {
    return String(v).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  function gb(mb) { return Math.round(mb / 1024); }
  function capacity(c) {
    var parts = [];
    if (c && c.ram_free) parts.push('ram ' + c.ram_free.total_mb + ' MB free');
    if (c && c.disk_free) parts.push('disk ' + gb(c.disk_free.total_mb) + ' GB free');
    return parts.length ? parts.join(' · ') : 'no capacity reported';
  }
  function units(c) {
    var u = c && c.ram_free && c.ram_free.units_by_mb;
    if (!u) return '';
    return Object.keys(u).sort(function (a, b) { return a - b; }).map(function (mb) { return mb + ' MB × ' + u[mb]; }).join(', ');
  }
  function ago(iso) {
    if (!iso) return 'never';
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
  }
  function timeOf(iso) { var d = new Date(iso); return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0'); }

  function cellHtml(c, isRoot) {
    var cls = 'cell' + (c.unreachable ? ' unreachable' : '') + (c.mute ? ' is-mute' : '');
    var h = '<div class="' + cls + '" data-cell="' + esc(c.path) + '" data-source="' + esc(c.source) + '"' +
      (c.link ? ' data-link-state="' + esc(c.link.state) + '"' : '') + (c.mute ? ' data-mute="true"' : '') + '>';
    h += '<div class="cell-head"><span class="cell-name">' + esc(c.name) + '</span>';
    if (c.link) h += ' <span class="badge link-state ' + esc(c.link.state) + '" title="the parent\\'s link to this cell">link ' + esc(c.link.state) + '</span>';
    if (c.mute) h += ' <span class="badge mute">mute</span>';
    if (c.unreachable) h += ' <span class="badge unreachable">as reported</span>';
    else if (c.source === 'parent') h += ' <span class="badge reported" title="reached over ' + esc(c.transport || '') + '; drawn as its parent last heard from it">as reported over ' + esc(c.transport || '') + '</span>';
    h += ' <span class="cap" title="' + esc(units(c.capacities)) + '">' + esc(capacity(c.capacities)) + '</span></div>';
    var meta = [];
    if (isRoot) meta.push('this cell');
    if (c.own_capacities) meta.push('own: ' + capacity(c.own_capacities));
    if (!isRoot) meta.push('last report ' + ago(c.last_seen));
    if (typeof c.pending === 'number') meta.push(c.pending + ' pending');
    if (c.mute_children && c.mute_children.length) meta.push('mute children: ' + c.mute_children.join(', '));
    if (c.unreachable) meta.push('not read: ' + c.unreachable);
    h += '<div class="meta">' + esc(meta.join(' · ')) + '</div>';
    if (c.link) {
      var l = c.link;
      h += '<div class="link">' + esc(l.transport) + ' link: ' + l.sent + ' sent, ' + l.failed + ' failed, ' + (l.in_flight || 0) + ' in flight';
      if (l.last_error) h += ' · <span class="err" data-last-error>last error ' + esc(ago(l.last_error_at)) + ': ' + esc(l.last_error) + '</span>';
      h += '</div>';
    }
    h += '</div>';
    if (c.children && c.children.length) {
      h += '<ul>' + c.children.map(function (k) { return '<li>' + cellHtml(k, false) + '</li>'; }).join('') + '</ul>';
    }
    return h;
  }

  function recentHtml(list) {
    if (!list.length) return '<tr><td colspan="7" class="empty">no calls yet</td></tr>';
    return list.map(function (r) {
      var answers = '';
      if (r.responses && r.responses.length) {
        answers = '<div class="answers">' + r.responses.map(function (x) {
          return '<span class="' + (x.outcome === 'ok' ? '' : 'bad') + '">' + esc(x.cell) + (x.outcome === 'ok' ? ' ✓' : ' ✗ ' + esc(x.outcome)) + '</span>';
        }).join(', ') + '</div>';
      }
      var ok = r.outcome === 'ok';
      return '<tr class="' + (ok ? '' : 'fail') + '" data-method="' + esc(r.method) + '" data-stage="' + esc(r.stage) + '">' +
        '<td class="mono">' + esc(timeOf(r.at)) + '</td><td>' + esc(r.stage) + '</td><td class="mono">' + esc(r.method) + '</td>' +
        '<td><span class="route mono">' + esc(r.route) + '</span> <span class="meta">' + esc(r.kind + ' ' + r.direction) + '</span>' + answers + '</td>' +
        '<td><span class="badge ' + (ok ? 'ok' : 'failing') + '"' + (r.error ? ' title="' + esc(r.error) + '"' : '') + '>' + esc(r.outcome) + '</span></td>' +
        '<td class="num">' + esc(r.ms) + '</td><td class="mono meta" title="' + esc(r.trace_id ? 'trace ' + r.trace_id : '') + '">' + esc(r.request_id) + '</td></tr>';
    }).join('');
  }

  var failures = 0;
  var timer;
  var loaded = false;
  function getJson(url) {
    return fetch(url, { headers: withToken({ accept: 'application/json' }), cache: 'no-store' }).then(function (res) {
      if (res.status === 401) {
        return res.json().catch(function () { return {}; }).then(function (j) { throw new Refused(401, (j.error && j.error.message) || 'a token is needed'); });
      }
      if (!res.ok) throw new Error(url + ': HTTP ' + res.status);
      return res.json();
    });
  }
  // Until a token works, the page asks for one and reads nothing else.
  function needToken(e) {
    clearTimeout(timer);
    $('token-form').className = 'token needed';
    var st = $('status');
    st.className = 'status stale';
    st.textContent = (token() ? 'the token was refused: ' : '') + e.message;
    $('token').focus();
  }
  function load() {
    clearTimeout(timer);
    getJson('v1/methods').then(function (m) {
      $('token-form').className = 'token';
      document.title = m.cell + ' · cellwire';
      $('cell-name').textContent = m.cell;
      document.querySelectorAll('.cell-ref').forEach(function (el) { el.textContent = m.cell; });
      if (!loaded) setMethods(m.methods);
      loaded = true;
      refresh();
    }).catch(function (e) {
      if (e instanceof Refused) return needToken(e);
      var st = $('status');
      st.className = 'status stale';
      st.textContent = 'cannot load (' + e.message + '); retrying';
      timer = setTimeout(load, 3000);
    });
  }
  $('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var t = $('token').value.trim();
    if (!t) return;
    setToken(t);
    $('token').value = '';
    load();
  });
  $('token-forget').addEventListener('click', function () { setToken(''); $('token').value = ''; load(); });
  function refresh() {
    clearTimeout(timer);
    if (!loaded) return;
    if ($('pause').checked) { timer = setTimeout(refresh, config.refreshMs); return; }
    Promise.all([getJson('v1/tree'), getJson('v1/recent?limit=200')]).then(function (r) {
      var tree = r[0];
      $('tree').innerHTML = '<ul><li>' + cellHtml(tree, true) + '</li></ul>';
      var reports = $('show-reports').checked;
      var calls = (r[1].calls || []).filter(function (c) { return reports || c.service !== 'cell_state'; }).slice(0, 30);
      document.querySelector('#recent tbody').innerHTML = recentHtml(calls);
      var st = $('status');
      st.className = 'status';
      st.textContent = (tree.ready ? 'ready' : 'starting') + ' · up ' + tree.uptime_s + ' s · updated ' + new Date().toLocaleTimeString([], { hour12: false });
      failures = 0;
    }).then(function () {
      timer = setTimeout(refresh, config.refreshMs);
    }, function (e) {
      if (e instanceof Refused) return needToken(e);
      failures++;
      var st = $('status');
      st.className = 'status stale';
      st.textContent = 'cannot refresh (' + e.message + '); retrying';
      timer = setTimeout(refresh, Math.min(config.refreshMs * (failures + 1), 10000));
    });
  }

  // The call form, once the methods are read.
  var select = $('call-method');
  var methods = [];
  function setMethods(list) {
    methods = list;
    list.forEach(function (m) {
      var o = document.createElement('option');
      o.value = m.name;
      o.textContent = m.name + ' (' + m.kind + ' ' + m.direction + ')';
      select.appendChild(o);
    });
    var preferred = list.find(function (x) { return x.name === 'service_get_all'; });
    if (preferred) select.value = preferred.name;
    methodInfo();
  }
  function methodInfo() {
    var m = methods.find(function (x) { return x.name === select.value; });
    if (!m) return;
    $('method-info').textContent = m.service + ' · ' + m.kind + ' ' + m.direction + (m.target ? ' · target: ' + m.target : '');
    $('call-args').value = JSON.stringify(m.template, null, 2);
  }
  select.addEventListener('change', methodInfo);
  $('show-reports').addEventListener('change', refresh);

  function responsesHtml(list) {
    return '<table class="responses"><thead><tr><th>cell</th><th>result</th><th>value</th></tr></thead><tbody>' + list.map(function (r) {
      var v = r.failure ? ((r.value && r.value.kwargs && r.value.kwargs.code ? r.value.kwargs.code + ': ' : '') + (r.value && r.value.message || '')) : JSON.stringify(r.value);
      if (v && v.length > 2000) v = v.slice(0, 2000) + '…';
      return '<tr class="' + (r.failure ? 'fail' : '') + '" data-response-cell="' + esc(r.cell_name) + '" data-failure="' + (r.failure ? 'true' : 'false') + '">' +
        '<td class="mono">' + esc(r.cell_name) + '</td><td><span class="badge ' + (r.failure ? 'failing' : 'ok') + '">' + (r.failure ? 'failure' : 'ok') + '</span></td>' +
        '<td class="value"><code title="' + esc(v) + '">' + esc(v) + '</code></td></tr>';
    }).join('') + '</tbody></table>';
  }
  $('call-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var out = $('call-result');
    var args;
    try { args = JSON.parse($('call-args').value || '{}'); } catch (e) {
      out.innerHTML = '<div class="summary bad">arguments are not JSON: ' + esc(e.message) + '</div>';
      return;
    }
    var body = { args: args };
    var t = Number($('call-timeout').value);
    if (t > 0) body.timeout_s = t;
    var method = select.value;
    var started = performance.now();
    $('call-send').disabled = true;
    out.innerHTML = '<div class="summary">calling ' + esc(method) + '…</div>';
    fetch('v1/call/' + encodeURIComponent(method), { method: 'POST', headers: withToken({ 'content-type': 'application/json' }), body: JSON.stringify(body) })
      .then(function (res) { return res.text().then(function (text) { return { status: res.status, json: text ? JSON.parse(text) : null }; }); })
      .then(function (r) {
        var ms = Math.round(performance.now() - started);
        var head = esc(method) + ': HTTP ' + r.status + ' in ' + ms + ' ms';
        if (r.status === 202) { out.innerHTML = '<div class="summary" data-outcome="accepted">' + head + ' · accepted (a cast: no answer)</div>'; return; }
        if (r.status >= 400) {
          var e = (r.json && r.json.error) || {};
          out.innerHTML = '<div class="summary bad" data-outcome="error">' + head + ' · ' + esc(e.code || '') + ': ' + esc(e.message || '') + '</div>';
          return;
        }
        var list = Array.isArray(r.json) ? r.json : [r.json];
        var failed = list.filter(function (x) { return x && x.failure; }).length;
        out.innerHTML = '<div class="summary' + (failed ? ' bad' : '') + '" data-outcome="responses">' + head + ' · ' + list.length + ' Response' + (list.length === 1 ? '' : 's') +
          (failed ? ', ' + failed + ' failed' : '') + '</div>' + responsesHtml(list);
      })
      .catch(function (e) { out.innerHTML = '<div class="summary bad" data-outcome="error">' + esc(method) + ': ' + esc(e.message) + '</div>'; })
      .then(function () { $('call-send').disabled = false; refresh(); });
  });

  load();
})();
`;
