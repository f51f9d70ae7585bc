// Shepherd's webview pages as they ship (same page, same CSP, the bundle esbuild builds), served from
// 127.0.0.1 and opened in Chromium with a stand-in for VS Code's API that records what the page posts.
import * as assert from 'node:assert/strict';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { Browser, chromium, Page } from 'playwright-core';
import type { ExtensionMessage } from '../../src/shared/sessionProtocol';
import { sessionPageHtml } from '../../src/shared/sessionPage';
import { withL10nBundle } from '../../src/ui/common/webviewL10n';
import { usagePageHtml } from '../../src/shared/usagePage';
import { nonce } from '../../src/shared/webviewSecurity';
import { CHROMIUM_ARGS } from '../harness/browser';
import { killMarked, MARKER_VAR, newMarker } from './processes';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHROMIUM = '/usr/bin/chromium';

/** A page's bundle as esbuild.mjs builds it for `npm run build` (same entry, format and tsconfig), built fresh. */
async function buildBundle(entry: string): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
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

/** The shipped page, with a stand-in for VS Code's API injected (nonce'd) before its bundle. */
function withApiStub(page: string, scriptNonce: string): string {
  const stub = `<script nonce="${scriptNonce}">
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
</script>`;
  const bundle = `<script nonce="${scriptNonce}" src=`;
  assert.ok(page.includes(bundle), 'the page loads its bundle with the nonce');
  return page.replace(bundle, `${stub}\n${bundle}`);
}

/** One webview page: its bundle's entry and URL, its HTML, and the other files it loads. */
interface PageSpec {
  readonly entry: string;
  readonly bundleUrl: string;
  html(origin: string, scriptNonce: string): string;
  /** URL path → file under the repository. */
  readonly files: Readonly<Record<string, { readonly type: string; readonly file: string }>>;
}

const asset =
  (origin: string) =>
  (...parts: string[]): string =>
    `${origin}/${parts.join('/')}`;

const SESSION_PAGE: PageSpec = {
  entry: 'src/webview/session/main.ts',
  bundleUrl: '/dist/webview/session.js',
  html: (origin, scriptNonce) =>
    sessionPageHtml({ cspSource: origin, scriptNonce, title: 'Session', asset: asset(origin), language: 'en' }),
  files: {
    '/dist/webview/codicons/codicon.css': { type: 'text/css', file: 'node_modules/@vscode/codicons/dist/codicon.css' },
    '/dist/webview/codicons/codicon.ttf': { type: 'font/ttf', file: 'node_modules/@vscode/codicons/dist/codicon.ttf' },
    '/media/session.css': { type: 'text/css', file: 'media/session.css' },
  },
};

const USAGE_PAGE: PageSpec = {
  entry: 'src/webview/usage/main.ts',
  bundleUrl: '/dist/webview/usage.js',
  html: (origin, scriptNonce) =>
    usagePageHtml({ cspSource: origin, scriptNonce, asset: asset(origin), language: 'en' }),
  files: { '/media/usage.css': { type: 'text/css', file: 'media/usage.css' } },
};

/** A server of the page and its assets on 127.0.0.1. */
export interface WebviewPageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Builds the bundle and serves the page (a fresh nonce per load), its script and the files it loads. */
async function servePage(spec: PageSpec, l10nBundle?: Record<string, string>): Promise<WebviewPageServer> {
  const bundle = await buildBundle(spec.entry);
  let origin = '';
  const server = http.createServer((request, response) => {
    const url = (request.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (url === '/') {
      const scriptNonce = nonce();
      const html = withL10nBundle(spec.html(origin, scriptNonce), l10nBundle);
      reply(200, 'text/html; charset=utf-8', withApiStub(html, scriptNonce));
    } else if (url === spec.bundleUrl) {
      reply(200, 'text/javascript', bundle);
    } else if (spec.files[url]) {
      const { type, file } = spec.files[url];
      fs.readFile(path.join(ROOT, file)).then(
        (body) => reply(200, type, body),
        (error: unknown) => reply(500, 'text/plain', String(error)),
      );
    } else {
      reply(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The session panel's page; with `l10nBundle`, as the panel serves it when VS Code is not in English. */
export function serveSessionPage(l10nBundle?: Record<string, string>): Promise<WebviewPageServer> {
  return servePage(SESSION_PAGE, l10nBundle);
}

/** The usage view's page. */
export function serveUsagePage(): Promise<WebviewPageServer> {
  return servePage(USAGE_PAGE);
}

/** Headless Chromium, marked so the test's leak check proves it is gone afterwards. */
export async function launchChromium(marker: string): Promise<Browser> {
  try {
    await fs.access(CHROMIUM, fsConstants.X_OK);
  } catch (error) {
    throw new Error(
      `The webview tests need Chromium at ${CHROMIUM} (${String(error)}). Install it with \`apt-get install -y chromium\`.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, [MARKER_VAR]: marker },
  });
}

/** Opens the page and waits for its `ready`; collects every request and every uncaught page error. */
export async function openWebviewPage(
  browser: Browser,
  origin: string,
): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
  return { page, requests, errors };
}

/** What the page's window offers the functions evaluated in it. */
export interface PageWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** Sends the page a message as the extension would. */
export async function postToPage(page: Page, message: ExtensionMessage): Promise<void> {
  // Runs in the page, where globalThis is the window; the cast only satisfies Node's typings.
  await page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), message);
}

/** Resolves after two animation frames: the page has rendered what it was sent. */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))',
  );
}

/** The page of the running test, opened by `pageInChromium`. */
export interface PageUnderTest {
  readonly page: Page;
}

/**
 * Mocha hooks for a suite of page tests: one server for the suite, a fresh marked Chromium and page
 * per test; after each, a Chromium process left over or an error the page threw fails the test.
 */
export function pageInChromium(serve: () => Promise<WebviewPageServer>): PageUnderTest {
  let server: WebviewPageServer | undefined;
  let browser: Browser | undefined;
  let marker = '';
  let opened: { page: Page; errors: string[] } | undefined;
  before(async () => {
    server = await serve();
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    assert.ok(server, 'the page server did not start');
    marker = newMarker();
    browser = await launchChromium(marker);
    opened = await openWebviewPage(browser, server.origin);
  });
  afterEach(async () => {
    await browser?.close();
    assert.deepEqual(await killMarked(marker), [], 'Chromium outlived the test');
    assert.deepEqual(opened?.errors ?? [], [], 'the page threw');
    opened = undefined;
  });
  return {
    get page(): Page {
      assert.ok(opened, 'no page: pageInChromium opens one for each test');
      return opened.page;
    },
  };
}
