// An ACP agent's session the way a user has it: text streams in, the plan shows, a change is allowed and
// opens in VS Code's diff editor, and a command the agent runs is a worker that can be stopped in the tree.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runCommand } from '../harness/browser';
import { e2e } from './context';
import { ACP_E2E_FILE, FAKE_ACP_LABEL } from './fakeAcpAgent';
import { openShepherdView, pickItem, sessionFrame, startCommand, waitForRowState, workerRow } from './shepherdUi';

describe('an ACP agent session', () => {
  after(async () => {
    const { page, workspaceFolder } = e2e();
    await runCommand(page, 'View: Close All Editors');
    await fs.rm(path.join(workspaceFolder, ACP_E2E_FILE), { force: true });
  });

  it('streams text and a plan, and an allowed change opens in the diff editor', async () => {
    const { page, workspaceFolder } = e2e();
    await fs.writeFile(path.join(workspaceFolder, ACP_E2E_FILE), 'original\n');
    await runCommand(page, 'View: Close All Editors');
    await openShepherdView(page);
    await startCommand(page, 'Shepherd: New Agent Session…');
    await pickItem(page, FAKE_ACP_LABEL);
    const frame = sessionFrame(page);
    const input = frame.locator('#input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 30_000 });
    await input.fill('hi there');
    await input.press('Enter');
    await frame.locator('.entry.assistant', { hasText: 'You said: hi there' }).waitFor({ timeout: 20_000 });
    await frame.locator('.entry.plan li', { hasText: 'Answer' }).waitFor({ timeout: 10_000 });
    await frame.locator('#mode').waitFor({ state: 'visible', timeout: 10_000 });

    await input.fill('edit');
    await input.press('Enter');
    const request = frame.locator('.entry.permission').last();
    await request.waitFor({ timeout: 20_000 });
    await request.getByRole('button', { name: 'Allow once', exact: true }).click();
    const openDiff = frame.locator('.entry.tool .open-diff').last();
    await openDiff.waitFor({ timeout: 20_000 });
    await frame.locator('.entry.tool .diff-body .add', { hasText: 'edited' }).first().waitFor({ timeout: 10_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 20_000 });
    await openDiff.click();
    // VS Code's diff editor, titled by the file, opened beside the panel.
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.tab', { hasText: `${ACP_E2E_FILE} (the agent's change)` }).waitFor({ timeout: 10_000 });
  });

  it('a command the agent runs is a worker in the tree, and stopping it there ends the tool call', async () => {
    const { page } = e2e();
    await runCommand(page, 'View: Close All Editors');
    await openShepherdView(page);
    const row = page
      .locator(`.pane .monaco-list-row[aria-label^="${FAKE_ACP_LABEL} · "][aria-label*=", session idle"]`)
      .first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    const frame = sessionFrame(page);
    const input = frame.locator('#input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill('terminal sleep 600');
    await input.press('Enter');
    const label = `${FAKE_ACP_LABEL} · $ sleep 600`;
    await waitForRowState(page, label, 'running', 20_000);
    const terminalRow = workerRow(page, label).first();
    await terminalRow.hover();
    await terminalRow.locator('.action-label[aria-label^="Stop Worker"]').click();
    await frame.locator('.entry.assistant', { hasText: /exit .*signal/ }).waitFor({ timeout: 20_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 20_000 });
  });
});
