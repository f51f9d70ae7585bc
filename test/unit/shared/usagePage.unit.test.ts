import * as assert from 'node:assert/strict';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { Browser, chromium, Page } from 'playwright-core';
import { usagePageHtml } from '../../../src/shared/usagePage';
import { UsageExtensionMessage, UsageSample } from '../../../src/shared/usageProtocol';
import { nonce } from '../../../src/shared/webviewSecurity';
import { CHROMIUM_ARGS } from '../../harness/browser';
import { findMarked, killMarked, MARKER_VAR, newMarker } from '../../helpers/processes';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CHROMIUM = '/usr/bin/chromium';
/** A hostile label sets this global if it ever runs. */
const PWNED = '__pwned';

/** The usage bundle as esbuild.mjs builds it (same entry, format and tsconfig), built fresh. */
async function buildBundle(): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/webview/usage/main.ts'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    tsconfig: 'src/webview/tsconfig.json',
    write: false,
    logLevel: 'silent',
  });
  // esbuild's JS API keeps a service process alive for later builds: this run needs no more.
  await esbuild.stop();
  return result.outputFiles[0].text;
}

/** The shipped page and policy, with a stand-in for VS Code's API injected (nonce'd) before the bundle. */
function pageHtml(origin: string, scriptNonce: string): string {
  const stub = `<script nonce="${scriptNonce}">
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))) });
</script>`;
  const page = usagePageHtml({ cspSource: origin, scriptNonce, asset: (...parts) => `${origin}/${parts.join('/')}` });
  const bundle = `<script nonce="${scriptNonce}" src=`;
  assert.ok(page.includes(bundle), 'the page loads its bundle with the nonce');
  return page.replace(bundle, `${stub}\n${bundle}`);
}

const HOSTILE = `<img src=x onerror="window.${PWNED}='label'">`;
const NOW = Date.UTC(2026, 11, 2, 12);
const MB = 1024 * 1024;

function samples(count: number): UsageSample[] {
  return Array.from({ length: count }, (_, i) => ({
    at: NOW - (count - 1 - i) * 2_000,
    cpuPercent: i % 10,
    rssBytes: (100 + i) * MB,
  }));
}

function update(overrides: Partial<UsageExtensionMessage> = {}): UsageExtensionMessage {
  const bar = (label: string, inputTokens: number, outputTokens: number, costUsd: number) => ({
    label,
    inputTokens,
    outputTokens,
    costUsd,
  });
  return {
    type: 'update',
    summary: {
      perAgent: [bar('Claude Code', 12_000, 3_000, 0.42), bar(HOSTILE, 500, 100, 0)],
      perSession: [bar('Fix the login bug', 9_000, 2_000, 0.3), bar('Write tests', 3_000, 1_000, 0.12)],
      perDay: [bar('2026-12-01', 0, 0, 0), bar('2026-12-02', 12_500, 3_100, 0.42)],
      total: bar('total', 12_500, 3_100, 0.42),
    },
    workers: [
      { id: 'web', label: 'web', running: true },
      { id: 'db', label: HOSTILE, running: false },
    ],
    selectedWorkerId: 'web',
    samples: samples(300),
    windowMs: 10 * 60_000,
    now: NOW,
    ...overrides,
  };
}

/** What the page shows, read in the page. */
const INSPECT = `(() => {
  const count = (selector) => document.querySelectorAll(selector).length;
  const texts = (selector) => [...document.querySelectorAll(selector)].map((node) => node.textContent);
  return {
    pwned: window.${PWNED} === undefined ? null : String(window.${PWNED}),
    images: count('img, iframe, script:not([nonce])'),
    agentBars: count('#per-agent rect.input'),
    sessionBars: count('#per-session rect.output'),
    dayBars: count('#per-day g.bar'),
    agentLabels: texts('#per-agent text.label'),
    cpuPoints: (document.querySelector('#cpu polyline')?.getAttribute('points') ?? '').split(' ').filter(Boolean).length,
    rssLabel: texts('#rss text.label').join(),
    options: texts('#worker option'),
    totals: document.getElementById('totals').textContent,
    empty: texts('.empty'),
    violations: window.__violations,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
  };
})()`;

interface Inspection {
  readonly pwned: string | null;
  readonly images: number;
  readonly agentBars: number;
  readonly sessionBars: number;
  readonly dayBars: number;
  readonly agentLabels: string[];
  readonly cpuPoints: number;
  readonly rssLabel: string;
  readonly options: string[];
  readonly totals: string;
  readonly empty: string[];
  readonly violations: string[];
  readonly csp: string;
}

/** What the page's window offers the functions evaluated in it. */
interface PageWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}

describe('the usage page (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let server: http.Server;
  let origin: string;
  let marker: string;

  before(async function () {
    this.timeout(60_000);
    try {
      await fs.access(CHROMIUM, fsConstants.X_OK);
    } catch (error) {
      throw new Error(
        `The usage page test needs Chromium at ${CHROMIUM} (${String(error)}): apt-get install chromium.`,
      );
    }
    const bundle = await buildBundle();
    const css = await fs.readFile(path.join(ROOT, 'media/usage.css'));
    server = http.createServer((request, response) => {
      const reply = (type: string, body: string | Buffer): void => {
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        response.end(body);
      };
      switch (request.url) {
        case '/':
          return reply('text/html; charset=utf-8', pageHtml(origin, nonce()));
        case '/dist/webview/usage.js':
          return reply('text/javascript', bundle);
        case '/media/usage.css':
          return reply('text/css', css);
        default:
          response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  beforeEach(async () => {
    marker = newMarker();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, [MARKER_VAR]: marker },
    });
  });

  afterEach(async () => {
    await browser?.close();
    const leaked = await findMarked(marker);
    await killMarked(marker);
    assert.deepEqual(leaked, [], `Chromium processes outlived the test: ${leaked.join(', ')}`);
  });

  async function openPage(): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    assert.ok(browser);
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
    return { page, requests, errors };
  }

  async function post(page: Page, message: UsageExtensionMessage): Promise<Inspection> {
    // Runs in the page, where globalThis is the window; the cast only satisfies Node's typings.
    await page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), message);
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(true)))');
    return page.evaluate<Inspection>(INSPECT);
  }

  it('draws the bars per agent, session and day and the CPU and RSS lines, under the strict policy', async () => {
    const { page, requests, errors } = await openPage();
    const seen = await post(page, update());
    assert.equal(seen.agentBars, 2);
    assert.equal(seen.sessionBars, 2);
    assert.equal(seen.dayBars, 2, 'a day without use is a bar of zero, not a gap');
    assert.ok(seen.agentLabels.includes('Claude Code'));
    assert.ok(
      seen.agentLabels.some((label) => label.startsWith('<img')),
      'a hostile label is shown as text',
    );
    assert.equal(seen.cpuPoints, 300, 'one point per sample');
    assert.match(seen.rssLabel, /Memory \(RSS\) · max 399 MB/);
    assert.deepEqual(seen.options, ['web', `${HOSTILE} (not running)`]);
    assert.match(seen.totals, /12\.5k input and 3\.1k output tokens, \$0\.42, over 2 agents/);
    assert.equal(seen.pwned, null, 'nothing from the data ran');
    assert.equal(seen.images, 0, 'nothing from the data became an element that loads or runs');
    assert.deepEqual(seen.violations, [], 'the page needs nothing its policy forbids');
    assert.match(seen.csp, /default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src http:\/\/127\.0\.0\.1/);
    assert.ok(
      requests.every((url) => url.startsWith(origin)),
      `only the page's own assets load: ${requests.join(', ')}`,
    );
    assert.deepEqual(errors, [], 'the page threw');

    await page.selectOption('#worker', 'db');
    await page.waitForFunction('window.__posted.some((m) => m.type === "selectWorker")');
    const posted = await page.evaluate<unknown[]>('window.__posted');
    assert.deepEqual(posted, [{ type: 'ready' }, { type: 'selectWorker', workerId: 'db' }]);
  });

  it('says why a chart is empty instead of drawing nothing', async () => {
    const { page } = await openPage();
    const zero = { label: 'x', inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const seen = await post(
      page,
      update({
        summary: { perAgent: [], perSession: [], perDay: [zero], total: { ...zero, label: 'total' } },
        workers: [],
        selectedWorkerId: undefined,
        samples: [],
      }),
    );
    assert.deepEqual(seen.empty, [
      'No agent session has used tokens yet.',
      'No agent session has used tokens yet.',
      'No tokens used in the last days.',
      'No workers yet: start one to see its CPU and memory here.',
    ]);
    assert.equal(seen.cpuPoints, 0);
  });
});
