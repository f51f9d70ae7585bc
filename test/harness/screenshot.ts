// `npm run screenshot`: regenerates media/screenshot.png for the README: the demo workspace with workers in
// several states, a worker's output, and a session with the demo agent.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openShepherdView, pickItem, sessionFrame, startCommand, waitForRowState, workerRow } from '../e2e/shepherdUi';
import { openWorkbench, type Workbench } from './browser';
import { ensureCodeServer, startCodeServer, type CodeServer } from './codeServer';
import { DEFAULT_VSIX, DEMO_WORKSPACE, REPO_ROOT } from './paths';
import { assertNoLeftovers, prepareExtensionsDir } from './session';
import { runMain } from './cli';

const TARGET = path.join(REPO_ROOT, 'media', 'screenshot.png');

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
    await startCommand(page, 'Shepherd: New Agent Session…');
    await pickItem(page, 'Demo agent');
    const input = sessionFrame(page).locator('#input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('Show me what you can render');
    await input.press('Enter');
    await sessionFrame(page).locator('#status', { hasText: /idle/ }).waitFor({ timeout: 30_000 });
    await workerRow(page, 'web (dev server)').first().click({ button: 'left' });
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: TARGET });
    process.stdout.write(`[screenshot] wrote ${TARGET}\n`);
  } finally {
    await workbench?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    await assertNoLeftovers(marker);
  }
}

runMain('screenshot', main);
