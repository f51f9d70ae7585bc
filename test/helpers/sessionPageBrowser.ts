// The session webview as it ships (same page, same CSP, the bundle esbuild builds), served from
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
import { nonce } from '../../src/shared/webviewSecurity';
import { CHROMIUM_ARGS } from '../harness/browser';
import { MARKER_VAR } from './processes';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHROMIUM = '/usr/bin/chromium';

/** The webview as esbuild bundles it for `npm run build` (same entry, format and tsconfig), built fresh. */
async function buildBundle(): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/webview/session/main.ts'],
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

/** The shipped page (same HTML, same policy), with a stand-in for VS Code's API injected before the bundle. */
function pageHtml(origin: string, scriptNonce: string): string {
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
  const page = sessionPageHtml({
    cspSource: origin,
    scriptNonce,
    title: 'Session',
    asset: (...parts) => `${origin}/${parts.join('/')}`,
  });
  const bundle = `<script nonce="${scriptNonce}" src=`;
  assert.ok(page.includes(bundle), 'the page loads its bundle with the nonce');
  return page.replace(bundle, `${stub}\n${bundle}`);
}

/** A server of the page and its assets on 127.0.0.1. */
export interface SessionPageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Builds the bundle and serves the page (a fresh nonce per load), its script, styles and codicon font. */
export async function serveSessionPage(): Promise<SessionPageServer> {
  const bundle = await buildBundle();
  const file = (type: string, relative: string) => async (): Promise<{ type: string; body: string | Buffer }> => ({
    type,
    body: await fs.readFile(path.join(ROOT, relative)),
  });
  const assets: Record<string, () => Promise<{ type: string; body: string | Buffer }>> = {
    '/dist/webview/session.js': async () => ({ type: 'text/javascript', body: bundle }),
    '/dist/webview/codicons/codicon.css': file('text/css', 'node_modules/@vscode/codicons/dist/codicon.css'),
    '/dist/webview/codicons/codicon.ttf': file('font/ttf', 'node_modules/@vscode/codicons/dist/codicon.ttf'),
    '/media/session.css': file('text/css', 'media/session.css'),
  };
  let origin = '';
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    const reply = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (url === '/') {
      reply(200, 'text/html; charset=utf-8', pageHtml(origin, nonce()));
      return;
    }
    const asset = assets[url.split('?')[0]];
    if (!asset) {
      reply(404, 'text/plain', 'not found');
      return;
    }
    asset().then(
      ({ type, body }) => reply(200, type, body),
      (error: unknown) => reply(500, 'text/plain', String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
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
export async function openSessionPage(
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
