/**
 * The live page (`GET /ui`) and the tree it draws (`GET /v1/tree`), over a three-cell tree of
 * real cell services on 127.0.0.1 (HTTP, signed links):
 *
 *   api-cell ── child-cell1 ── grandchild-cell1
 *
 * The page is opened in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
 * no browser is ever downloaded). Without /usr/bin/chromium the browser part is skipped and
 * says so; the API part runs anyway.
 *
 * Screenshots land in packages/cell/test-output/ (ui-healthy.png, ui.png). `UPDATE_DOCS_SCREENSHOT=1`
 * also copies ui.png to docs/ui.png, the README's picture.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@cellwire/core';
import { parseConfig } from '../src/config.js';
import { startCellService, type CellService } from '../src/service.js';
import type { TreeCell } from '../src/subtree.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`ui.browser.test.ts: SKIPPING the browser test: ${CHROMIUM} is not installed (apt-get install chromium)`);
const here = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT = path.join(here, '..', 'test-output');
const DOCS_SCREENSHOT = path.join(here, '..', '..', '..', 'docs', 'ui.png');

const API = 'api-cell';
/** api-cell's API token; its children have tokens of their own, which api-cell never needs. */
const TOKEN = 'ui-test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CHILD = 'child-cell1';
const GRANDCHILD = 'grandchild-cell1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, get: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Tree {
  readonly api: CellService;
  readonly child: CellService;
  readonly grandchild: CellService;
  close(): Promise<void>;
}

/**
 * Starts the tree leaves first, so every parent's first ask reaches a listening child and
 * every link starts `ok`. The children report every 0.5 s and api-cell calls a child mute
 * after 2 s of silence, so a stopped child turns mute on the page while the test watches.
 */
async function startTree(): Promise<Tree> {
  const [pApi, pChild, pGrand] = [await freePort(), await freePort(), await freePort()];
  const env = {
    LINK_API_CHILD: 'api-child-secret',
    LINK_CHILD_GRAND: 'child-grand-secret',
    API_TOKEN: TOKEN,
    CHILD_TOKEN: 'child-token-0123456789abcdef',
    GRAND_TOKEN: 'grand-token-0123456789abcdef',
  };
  const url = (p: number) => `http://127.0.0.1:${p}`;
  const host = (name: string, memory_mb: number) => ({ name, vcpus: 16, memory_mb, local_gb: 500 });
  const common = { log_level: 'silent', update_interval_s: 0.5 };
  const start = (c: Record<string, unknown>) => startCellService(parseConfig({ ...common, ...c }, { env }), { logger: silentLogger });
  const grandchild = await start({
    name: GRANDCHILD,
    listen: url(pGrand),
    parents: [{ name: CHILD, url: url(pChild), secret_env: 'LINK_CHILD_GRAND' }],
    hosts: [host('gc1-h1', 32768), host('gc1-h2', 32768)],
    api_token_env: 'GRAND_TOKEN',
  });
  const child = await start({
    name: CHILD,
    listen: url(pChild),
    parents: [{ name: API, url: url(pApi), secret_env: 'LINK_API_CHILD' }],
    children: [{ name: GRANDCHILD, url: url(pGrand), secret_env: 'LINK_CHILD_GRAND' }],
    hosts: [host('c1-h1', 65536)],
    api_token_env: 'CHILD_TOKEN',
  });
  const api = await start({
    name: API,
    listen: url(pApi),
    children: [{ name: CHILD, url: url(pChild), secret_env: 'LINK_API_CHILD' }],
    mute_child_interval_s: 2,
    hosts: [host('api-h1', 16384)],
    api_token_env: 'API_TOKEN',
  });
  // Settled once api-cell counts every cell's RAM.
  const ram = (c: CellService, own = false) => (own ? c.state().own_capacities : c.state().capacities).ram_free?.total_mb ?? 0;
  await until('the tree to report its capacities to api-cell', () => ram(api) === ram(api, true) + ram(child, true) + ram(grandchild, true));
  return {
    api,
    child,
    grandchild,
    close: async () => {
      await Promise.all([api.close(), child.close(), grandchild.close()]);
    },
  };
}

const paths = (c: TreeCell): string[] => [c.path, ...c.children.flatMap(paths)];

describe('GET /v1/tree and GET /ui', () => {
  let tree: Tree;
  beforeAll(async () => {
    tree = await startTree();
  });
  afterAll(async () => {
    await tree?.close();
  });

  it('/v1/tree reads every cell hop by hop, with each parent link', async () => {
    expect((await fetch(`${tree.api.url}/v1/tree`)).status).toBe(401);
    const res = await fetch(`${tree.api.url}/v1/tree`, { headers: AUTH });
    expect(res.status).toBe(200);
    const root = (await res.json()) as TreeCell;
    expect(paths(root)).toEqual([API, `${API}!${CHILD}`, `${API}!${CHILD}!${GRANDCHILD}`]);
    expect(root).toMatchObject({ name: API, source: 'self', ready: true, mute: false, mute_children: [] });
    expect(root.capacities).toEqual(tree.api.state().capacities);
    const child = root.children[0] as TreeCell;
    expect(child).toMatchObject({ name: CHILD, source: 'self', transport: 'http', mute: false, link: { name: CHILD, side: 'child', transport: 'http', state: 'ok' } });
    expect(child.own_capacities).toEqual(tree.child.state().own_capacities);
    expect(child.children[0]).toMatchObject({ name: GRANDCHILD, source: 'self', link: { name: GRANDCHILD, state: 'ok' } });
    expect((await fetch(`${tree.api.url}/v1/tree?timeout_ms=x`, { headers: AUTH })).status).toBe(400);
  });

  it('/ui is one self-contained page that may only talk to its own cell', async () => {
    // The same static page for every cell and caller, so a browser can open it without a token.
    const res = await fetch(`${tree.api.url}/ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const html = await res.text();
    // Nothing loaded from elsewhere: no src or href attributes, no URL but relative API paths.
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}">`);
    // Nothing of the cell in it: its name and methods come from GET /v1/methods, with the token.
    expect(html).not.toContain(API);
    expect(html).not.toContain('build_instances');
    expect((await fetch(`${tree.api.url}/v1/methods`)).status).toBe(401);
    const methods = (await (await fetch(`${tree.api.url}/v1/methods`, { headers: AUTH })).json()) as { cell: string; methods: { name: string }[] };
    expect(methods.cell).toBe(API);
    expect(methods.methods.map((m) => m.name)).toContain('service_get_all');
  });
});

describe.skipIf(!HAVE_CHROMIUM && process.env.CI !== 'true')(
  HAVE_CHROMIUM ? 'the live page in headless Chromium' : `the live page in headless Chromium: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`,
  () => {
    let tree: Tree;
    let browser: Browser | undefined;

    beforeAll(async () => {
      tree = await startTree();
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    });
    afterAll(async () => {
      await browser?.close();
      await tree?.close();
    });

    it('draws the tree, shows a stopped child failing and mute, and sends calls through the form', { timeout: 90_000 }, async () => {
      const page = await (browser as Browser).newPage({ viewport: { width: 1360, height: 900 } });
      const problems: string[] = [];
      const foreign: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        // The browser reports every 4xx answer; those the test provokes (bad arguments, no token yet) are expected.
        if (m.type() === 'error' && !/status of (400 \(Bad Request\)|401 \(Unauthorized\))/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      page.on('request', (r) => {
        if (!r.url().startsWith(tree.api.url as string)) foreign.push(r.url());
      });
      await page.goto(`${tree.api.url}/ui`);

      // 0. No token yet: the page reads nothing and asks for one; a wrong one is refused.
      await page.locator('#token-form.needed').waitFor();
      expect(await page.locator('#status').textContent()).toContain("this cell's API needs a bearer token");
      expect(await page.locator('.cell[data-cell]').count()).toBe(0);
      await page.fill('#token', 'wrong-token-0123456789');
      await page.click('#token-use');
      await page.locator('#status', { hasText: 'the token was refused: wrong bearer token' }).waitFor();
      await page.fill('#token', TOKEN);
      await page.click('#token-use');
      await page.locator('#cell-name', { hasText: API }).waitFor();
      // Kept for this tab only, and not in the field.
      expect(await page.evaluate("sessionStorage.getItem('cellwire-api-token')")).toBe(TOKEN);
      expect(await page.inputValue('#token')).toBe('');

      // 1. The three cells, each read from itself, with its free capacity; both links ok.
      const cell = (p: string) => page.locator(`.cell[data-cell="${p}"]`);
      const childPath = `${API}!${CHILD}`;
      const grandPath = `${API}!${CHILD}!${GRANDCHILD}`;
      await cell(grandPath).waitFor();
      expect(await page.locator('.cell[data-cell]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cell')))).toEqual([API, childPath, grandPath]);
      for (const [p, service] of [
        [API, tree.api],
        [childPath, tree.child],
        [grandPath, tree.grandchild],
      ] as const) {
        await expect.poll(() => cell(p).getAttribute('data-source')).toBe('self');
        const ram = service.state().capacities.ram_free?.total_mb;
        expect(await cell(p).locator('.cap').first().textContent()).toContain(`ram ${ram} MB free`);
      }
      expect(await cell(childPath).getAttribute('data-link-state')).toBe('ok');
      expect(await cell(grandPath).getAttribute('data-link-state')).toBe('ok');
      expect(await cell(API).getAttribute('data-link-state')).toBeNull();

      // 2. A broadcast through the form: one Response per cell, all ok, and in the recent calls.
      await page.selectOption('#call-method', 'service_get_all');
      await page.fill('#call-args', '{}');
      await page.click('#call-send');
      await page.locator('#call-result [data-outcome="responses"]').waitFor();
      const responses = () =>
        page.locator('#call-result tr[data-response-cell]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-response-cell')} ${r.getAttribute('data-failure')}`));
      expect(await responses()).toEqual([`${grandPath} false`, `${childPath} false`, `${API} false`]);
      expect(await page.locator('#call-result').textContent()).toContain('nova-compute');
      await page.locator('#recent tr[data-method="service_get_all"][data-stage="origin"]').first().waitFor();
      // The cells' periodic reports are hidden unless asked for.
      expect(await page.locator('#recent tr[data-method="tell_parents_our_capacities"]').count()).toBe(0);
      await page.check('#show-reports');
      await page.locator('#recent tr[data-method="tell_parents_our_capacities"]').first().waitFor();
      await page.uncheck('#show-reports');
      expect(await page.locator('#recent tr[data-method="service_get_all"][data-stage="origin"]').first().textContent()).toContain(`${API} -> * down`);

      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT, 'ui-healthy.png'), fullPage: true });

      // 3. child-cell1 stops. The next message api-cell sends it fails, and the page shows the
      //    link failing with its error; after 2 s of silence the child is mute as well.
      await tree.child.close();
      const refused = await fetch(`${tree.api.url}/v1/call/get_host_uptime`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ args: { cell_name: childPath, host_name: 'c1-h1' }, timeout_s: 5 }),
      });
      // A targeted call answers with a failure Response whose error names the cell it could not reach.
      expect(refused.status).toBe(200);
      expect(await refused.json()).toMatchObject({ failure: true, value: { kwargs: { code: 'unavailable', cell: childPath } } });
      await page.locator(`.cell[data-cell="${childPath}"][data-link-state="failing"]`).waitFor({ timeout: 10_000 });
      expect(await cell(childPath).locator('[data-last-error]').textContent()).toMatch(/ECONNREFUSED|unreachable/);
      expect(await cell(childPath).getAttribute('data-source')).toBe('parent');
      expect(await cell(childPath).textContent()).toContain('as reported');
      await page.locator(`.cell[data-cell="${childPath}"][data-mute="true"]`).waitFor({ timeout: 10_000 });
      expect(await cell(API).textContent()).toContain(`mute children: ${CHILD}`);
      // Its subtree cannot be read through it any more.
      expect(await cell(grandPath).count()).toBe(0);

      // 4. The same broadcast through the form: api-cell answers, child-cell1 is a failure Response.
      await page.click('#call-send');
      await page.locator('#call-result [data-outcome="responses"]').filter({ hasText: '1 failed' }).waitFor();
      expect(await responses()).toEqual([`${childPath} true`, `${API} false`]);
      const failedRow = page.locator(`#call-result tr[data-response-cell="${childPath}"]`);
      expect(await failedRow.textContent()).toContain('unavailable');
      await page.locator('#recent tr.fail[data-method="service_get_all"]').first().waitFor();

      // 5. A targeted call with bad arguments: the API's refusal is shown as such.
      await page.selectOption('#call-method', 'get_host_uptime');
      expect(JSON.parse(await page.inputValue('#call-args'))).toEqual({ cell_name: `${API}!`, host_name: '' });
      await page.fill('#call-args', JSON.stringify({ cell_name: API }));
      await page.click('#call-send');
      await page.locator('#call-result [data-outcome="error"]').waitFor();
      expect(await page.locator('#call-result').textContent()).toContain('invalid_argument');
      await page.fill('#call-args', JSON.stringify({ cell_name: API, host_name: 'api-h1' }));
      await page.click('#call-send');
      await page.locator('#call-result [data-outcome="responses"]').waitFor();
      expect(await responses()).toEqual([`${API} false`]);

      // Back to the broadcast for the picture: a failing link, a mute child, partial answers.
      await page.selectOption('#call-method', 'service_get_all');
      await page.fill('#call-args', '{}');
      await page.click('#call-send');
      await page.locator('#call-result [data-outcome="responses"]').filter({ hasText: '1 failed' }).waitFor();
      const shot = path.join(OUTPUT, 'ui.png');
      await page.screenshot({ path: shot, fullPage: true });
      // The README's picture: written when missing or asked for, so a test run leaves docs/ alone.
      if (process.env.UPDATE_DOCS_SCREENSHOT === '1' || !existsSync(DOCS_SCREENSHOT)) copyFileSync(shot, DOCS_SCREENSHOT);

      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
      await page.close();
    });
  },
);
