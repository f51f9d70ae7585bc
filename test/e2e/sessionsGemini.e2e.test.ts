// The real Gemini CLI (`gemini --acp`, against the mock Gemini API) in the workbench, the way a user has it: it
// asks to sign in and the key typed into Shepherd's prompt reaches the API; a reply streams into the panel; the
// mode picker offers Gemini's modes; and a file it writes asks first, shows its diff and opens in VS Code's diff
// editor. (Gemini CLI 0.61 sends no plan and runs its commands itself: the fake ACP agent's spec covers those.)
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { runCommand } from '../harness/browser';
import { e2e } from './context';
import {
  GEMINI_E2E_FILE,
  GEMINI_EDIT_DONE,
  GEMINI_EDIT_PROMPT,
  GEMINI_EDITED_TEXT,
  GEMINI_LABEL,
  greeting,
} from './geminiAgent';
import { answerInput, notificationToast, openShepherdView, pickItem, sessionFrame, startCommand } from './shepherdUi';

/** A key nobody would type by accident: the mock's requests must carry exactly this one. */
const DUMMY_KEY = 'e2e-dummy-gemini-key';

/**
 * Waits for the reply `full` in `entry`, remembering each text it showed on the way: a streamed reply shows
 * parts of itself before the whole.
 */
async function watchReply(entry: Locator, full: string, timeoutMs: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = (await entry.count()) > 0 ? ((await entry.textContent()) ?? '') : '';
    if (text !== '' && seen[seen.length - 1] !== text) {
      seen.push(text);
    }
    if (text.includes(full)) {
      return seen;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the reply "${full}" never arrived; the panel showed: ${JSON.stringify(seen)}`);
}

/** The mode picker's options, as the user sees them. */
async function modeNames(frame: FrameLocator): Promise<string[]> {
  return frame.locator('#mode option').allTextContents();
}

describe('a Gemini CLI session (real gemini --acp, mock API)', () => {
  after(async () => {
    const { page, workspaceFolder } = e2e();
    await runCommand(page, 'View: Close All Editors');
    await fs.rm(path.join(workspaceFolder, GEMINI_E2E_FILE), { force: true });
  });

  it('signs in with the key the user types, streams a reply and offers Gemini’s modes', async () => {
    const { page, gemini } = e2e();
    await runCommand(page, 'View: Close All Editors');
    await openShepherdView(page);
    await startCommand(page, 'Shepherd: New Agent Session…');
    await pickItem(page, GEMINI_LABEL);

    // No key yet: Gemini refuses to open a session, and Shepherd asks the user to sign in.
    // One notification, with the button; a warning's toast hides itself after a while, as the user would see it.
    const signIn = notificationToast(page, `${GEMINI_LABEL} asks you to sign in.`).getByRole('button', {
      name: 'Sign In…',
      exact: true,
    });
    await signIn.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'could not start' }).count(),
      0,
      'a sign-in is not reported as a broken agent command',
    );
    await signIn.click();
    await pickItem(page, 'Gemini API key');
    await answerInput(page, 'Sign in to', DUMMY_KEY);

    const frame = sessionFrame(page);
    const input = frame.locator('#input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('hi gemini');
    await input.press('Enter');
    const full = greeting('hi gemini');
    const seen = await watchReply(frame.locator('.entry.assistant').last(), full, 60_000);
    assert.ok(
      seen.some((text) => text.includes('Hello') && !text.includes(full)),
      `the reply arrived whole, not streamed: ${JSON.stringify(seen)}`,
    );
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 20_000 });

    const keys = new Set(gemini.mock.requests.map((request) => request.headers['x-goog-api-key']));
    assert.deepEqual([...keys], [DUMMY_KEY], 'every request to the API carries the key typed into the prompt');

    await frame.locator('#mode').waitFor({ state: 'visible', timeout: 10_000 });
    const modes = await modeNames(frame);
    for (const mode of ['Default', 'Auto Edit', 'YOLO']) {
      assert.ok(modes.includes(mode), `the mode picker offers "${mode}": ${JSON.stringify(modes)}`);
    }
  });

  it('a file Gemini writes asks first, shows its diff and opens in the diff editor', async () => {
    const { page, workspaceFolder } = e2e();
    const file = path.join(workspaceFolder, GEMINI_E2E_FILE);
    await fs.writeFile(file, 'original\n');
    const frame = sessionFrame(page);
    const input = frame.locator('#input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill(GEMINI_EDIT_PROMPT);
    await input.press('Enter');

    const request = frame.locator('.entry.permission').last();
    await request.waitFor({ timeout: 60_000 });
    await request.getByRole('button', { name: 'Allow', exact: true }).click();
    const openDiff = frame.locator('.entry.tool .open-diff').last();
    await openDiff.waitFor({ timeout: 30_000 });
    await frame
      .locator('.entry.tool .diff-body .add', { hasText: GEMINI_EDITED_TEXT })
      .first()
      .waitFor({ timeout: 10_000 });
    await frame.locator('.entry.assistant', { hasText: GEMINI_EDIT_DONE }).waitFor({ timeout: 60_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 20_000 });
    assert.equal(await fs.readFile(file, 'utf8'), `${GEMINI_EDITED_TEXT}\n`, 'the file on disk has the change');

    await openDiff.click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.tab', { hasText: `${GEMINI_E2E_FILE} (the agent's change)` }).waitFor({ timeout: 10_000 });
  });
});
