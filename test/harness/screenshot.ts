// `npm run screenshot`: regenerates the README's pictures: media/screenshot.png (the demo workspace with
// workers in several states, a worker's output, and a titled session with the demo agent) and media/usage.png
// (Shepherd: Show Usage with that session's tokens and the dev server's CPU and memory).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  openShepherdView,
  pickItem,
  sessionFrame,
  startCommand,
  usageFrame,
  waitForRowState,
  workerRow,
} from '../e2e/shepherdUi';
import { openWorkbench, runCommand, type Workbench } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureCodeServer } from './codeServerInstall';
import { DEFAULT_VSIX, DEMO_WORKSPACE, REPO_ROOT } from './paths';
import { assertNoLeftovers, prepareExtensionsDir } from './session';
import { runMain } from './cli';

const TARGET = path.join(REPO_ROOT, 'media', 'screenshot.png');
const USAGE_TARGET = path.join(REPO_ROOT, 'media', 'usage.png');
const WEB = 'web (dev server)';

async function main(): Promise<void> {
  const marker = randomUUID();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-shot-'));
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  try {
    await ensureCodeServer();
    const extensionsDir = path.join(tmp, 'extensions');
    await prepareExtensionsDir(extensionsDir, { kind: 'vsix', vsixPath: DEFAULT_VSIX }, { withRunner: false });
    server = await startCodeServer({ workspaceFolder: DEMO_WORKSPACE, extensionsDir, trust: true, marker });
    workbench = await openWorkbench({ server });
    const { page } = workbench;
    await page.setViewportSize({ width: 1440, height: 860 });
    await openShepherdView(page);
    await waitForRowState(page, 'flaky (crashes)', 'failed', 45_000);
    await startCommand(page, 'Shepherd: Stop Worker…');
    await pickItem(page, 'stubborn (ignores SIGTERM)');
    await waitForRowState(page, 'stubborn (ignores SIGTERM)', 'stopped', 15_000);
    // The picker's default: with no agent configured, the demo agent.
    await startCommand(page, 'Shepherd: New Agent Session…');
    await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Demo agent' })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    const input = sessionFrame(page).locator('#input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    // A permission request: the panel's title, its header and the Allow and Deny buttons in one picture.
    await input.fill('please run the tests');
    await input.press('Enter');
    await sessionFrame(page).locator('.entry.permission').waitFor({ timeout: 30_000 });
    await sessionFrame(page).locator('#status[data-state="waiting-for-input"]').waitFor({ timeout: 30_000 });
    await workerRow(page, WEB).first().click({ button: 'left' });
    await page.locator('.part.panel .view-lines', { hasText: 'listening on' }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: TARGET });
    process.stdout.write(`[screenshot] wrote ${TARGET}\n`);

    // Answered, the turn ends and its tokens count in the usage view.
    await sessionFrame(page).getByRole('button', { name: 'Allow', exact: true }).click();
    await sessionFrame(page).locator('#status[data-state="idle"]').waitFor({ timeout: 30_000 });
    // The Workers view's own button: the palette, opened now, could lose its focus to the Output panel.
    const header = page.locator('.pane-header[aria-label^="Workers"]').first();
    await header.hover();
    await header.locator('.action-label[aria-label*="Usage"]').first().click();
    const usage = await usageFrame(page);
    await usage.locator('#totals', { hasText: /tokens/ }).waitFor({ timeout: 15_000 });
    await usage.selectOption('#worker', 'web');
    // Enough samples (one each 2 s) for the CPU and memory charts to read as lines.
    await usage.waitForFunction(
      "(document.querySelector('#cpu polyline')?.getAttribute('points') ?? '').split(' ').length >= 6",
      undefined,
      { timeout: 30_000 },
    );
    // The page alone, tall enough for every chart, without the tab's tooltip.
    await runCommand(page, 'View: Hide Panel');
    await page.setViewportSize({ width: 1100, height: 1130 });
    await page.mouse.move(600, 1400);
    await page.locator('.part.editor').screenshot({ path: USAGE_TARGET });
    process.stdout.write(`[screenshot] wrote ${USAGE_TARGET}\n`);
  } finally {
    await workbench?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    await assertNoLeftovers(marker);
  }
}

runMain('screenshot', main);
