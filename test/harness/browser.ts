// Drives the code-server workbench with Debian's chromium through playwright-core (no browser downloads:
// never run `npx playwright install`). Everything non-loopback is refused at the resolver level.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { isolatedXdgEnv, type CodeServer } from './codeServer';
import { fileStamp, TEST_RESULTS_DIR } from './paths';

const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Only loopback resolves: the workbench must never reach the internet (marketplace, CDNs, telemetry).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export function chromiumPath(): string {
  const fromEnv = process.env.SHEPHERD_CHROMIUM;
  if (fromEnv) {
    return fromEnv;
  }
  const found = CHROMIUM_CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      `no chromium found (tried ${CHROMIUM_CANDIDATES.join(', ')}); apt-get install -y chromium, or set SHEPHERD_CHROMIUM`,
    );
  }
  return found;
}

export interface OpenOptions {
  server: CodeServer;
  /** Folder to open (default: the server's workspace folder). */
  folder?: string;
  /** When the server runs with trust: false, 'accept' clicks "Yes, I trust the authors"; 'leave' keeps the dialog. */
  trustDialog?: 'accept' | 'leave';
  timeoutMs?: number;
}

export interface Workbench {
  context: BrowserContext;
  page: Page;
  /** Requests to anything but loopback seen by the page (they fail; listed for diagnosis). */
  offLoopbackRequests: string[];
  /** Browser console messages and page errors, in order. */
  consoleLines: string[];
  close(): Promise<void>;
}

function log(message: string): void {
  process.stdout.write(`[browser] ${message}\n`);
}

function isLoopback(url: string): boolean {
  if (!/^(https?|wss?):/.test(url)) {
    return true; // data:, blob:, vscode-... schemes never leave the machine
  }
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/** Launches chromium and opens the workbench; resolves once it is interactive. Close it with close(). */
export async function openWorkbench(options: OpenOptions): Promise<Workbench> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-chromium-'));
  let context: BrowserContext | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await context?.close();
      } catch (error) {
        log(`closing chromium: ${String(error)}`);
      } finally {
        fs.rmSync(profileDir, { recursive: true, force: true });
      }
    })();
    return closing;
  };

  try {
    context = await chromium.launchPersistentContext(path.join(profileDir, 'profile'), {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      // The server's marker lets the end-of-run leak scan see chromium too; XDG dirs keep ~ untouched.
      env: {
        ...process.env,
        ...isolatedXdgEnv(path.join(profileDir, 'xdg')),
        [options.server.marker.name]: options.server.marker.value,
      },
      timeout: options.timeoutMs ?? 60_000,
      // The harness handles signals itself (abortOnSignals) and still gets to save artifacts and clean up.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const offLoopbackRequests: string[] = [];
    const consoleLines: string[] = [];
    page.on('request', (request) => {
      if (!isLoopback(request.url())) {
        offLoopbackRequests.push(request.url());
      }
    });
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));

    const timeout = options.timeoutMs ?? 60_000;
    await page.goto(options.server.workbenchUrl(options.folder), { timeout });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await page.locator('.part.activitybar, .part.statusbar').first().waitFor({ state: 'visible', timeout });
    if (options.trustDialog === 'accept') {
      await page.getByRole('button', { name: 'Yes, I trust the authors' }).click({ timeout });
    }
    return { context, page, offLoopbackRequests, consoleLines, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function openPalette(page: Page, query: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  if (!(await widget.isVisible())) {
    await page.keyboard.press('F1');
  }
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${query}`);
}

/** Labels of the command palette entries matching `query` (palette is closed again afterwards). */
export async function commandPaletteEntries(page: Page, query: string): Promise<string[]> {
  await openPalette(page, query);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  try {
    await rows.first().waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    // no match
  }
  const labels = await rows.locator('.label-name').allTextContents();
  await page.keyboard.press('Escape');
  return labels.map((label) => label.trim());
}

/** Runs a command by its exact palette title (e.g. "View: Toggle Terminal") via F1. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await openPalette(page, title);
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Names shown in the Explorer tree (visible rows only). */
export async function explorerEntries(page: Page): Promise<string[]> {
  const rows = page.locator('.explorer-folders-view .monaco-list-row .label-name');
  await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
  return (await rows.allTextContents()).map((name) => name.trim());
}

export interface Artifacts {
  workbench?: Workbench | undefined;
  server?: CodeServer | undefined;
}

/**
 * Saves a screenshot, the browser console, the server log and VS Code's logs (extension host included) under
 * test-results/<name>-<time>/ and prints the folder. Never throws: it runs on the failure path.
 */
export async function saveFailureArtifacts(name: string, artifacts: Artifacts): Promise<string> {
  const dir = path.join(TEST_RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '_').slice(0, 80)}-${fileStamp()}`);
  fs.mkdirSync(dir, { recursive: true });
  const saved: string[] = [];
  const attempt = async (what: string, action: () => Promise<void> | void): Promise<void> => {
    try {
      await action();
      saved.push(what);
    } catch (error) {
      log(`could not save ${what}: ${String(error)}`);
    }
  };
  const { workbench, server } = artifacts;
  if (workbench) {
    await attempt('screenshot.png', async () => {
      await workbench.page.screenshot({ path: path.join(dir, 'screenshot.png'), timeout: 10_000 });
    });
    await attempt('browser-console.log', () =>
      fs.writeFileSync(path.join(dir, 'browser-console.log'), workbench.consoleLines.join('\n')),
    );
  }
  if (server) {
    await attempt('server.log', () => fs.copyFileSync(server.logPath, path.join(dir, 'server.log')));
    await attempt('vscode-logs/', () =>
      fs.cpSync(server.vscodeLogsDir(), path.join(dir, 'vscode-logs'), { recursive: true }),
    );
  }
  process.stdout.write(`[harness] failure artifacts (${saved.join(', ') || 'none'}) saved in ${dir}\n`);
  return dir;
}
