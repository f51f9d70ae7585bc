// A session in its own git worktree, the way a user has it: with their repository open (its committed
// settings ask where each session runs), the demo agent really edits a file in a new worktree, the tree
// counts the change, Review Changes shows it in VS Code's multi-diff editor, Accept merges it into the main
// tree, and closing the session asks what to do with the worktree. The window leaves the demo workspace for
// a temporary repository: the demo lives inside Shepherd's own repository, which no test may merge into.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { runCommand } from '../harness/browser';
import { GREETING_LINE } from '../../src/demo-agent/replies';
import { e2e } from './context';
import { openShepherdView, pickItem, sessionFrame, startCommand, waitForShepherd } from './shepherdUi';

const AGENT_LABEL = 'Demo agent';
const QUICK_INPUT = '.quick-input-widget';
const SESSION_ROW = `.pane .monaco-list-row[aria-label^="${AGENT_LABEL}"][aria-label*=", session "]`;

/** Waits for the quick pick or input box a command opened (its prompt or placeholder), then presses Enter. */
async function acceptQuickInput(page: Page, prompt: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT).filter({ hasText: prompt });
  const input = page.locator(`${QUICK_INPUT} input.input`);
  await Promise.race([
    widget.waitFor({ state: 'visible', timeout: 20_000 }),
    page.getByPlaceholder(prompt).waitFor({ state: 'visible', timeout: 20_000 }),
  ]);
  await input.press('Enter');
}

/** Opens `folder` in the window, as File → Open Folder would, and waits for the workbench. */
async function openFolder(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.part.activitybar, .part.statusbar').first().waitFor({ state: 'visible', timeout: 60_000 });
}

/** Polls `read` until it returns something, for state outside the page (files, git). */
async function eventually<T>(what: string, read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a session in a git worktree', () => {
  let dir = '';
  let repo = '';
  const git = (args: readonly string[], cwd = repo): string =>
    execFileSync('git', [...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(dir, 'gitconfig') },
    }).trim();

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-e2e-wt-')));
    repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, '.vscode'), { recursive: true });
    git(['init', '-q', '-b', 'main']);
    git(['config', 'user.name', 'E2E']);
    git(['config', 'user.email', 'e2e@localhost']);
    fs.writeFileSync(path.join(repo, 'README.md'), '# A project\n');
    // The harness's user settings say `never`, to keep the other specs out of worktrees; this project asks.
    fs.writeFileSync(path.join(repo, '.vscode', 'settings.json'), '{ "shepherd.sessions.worktree": "ask" }\n');
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'initial']);
    const { page, server } = e2e();
    await openFolder(page, server.workbenchUrl(repo));
  });

  after(async () => {
    const { page, server } = e2e();
    await runCommand(page, 'View: Close All Editors');
    await openFolder(page, server.workbenchUrl());
    await waitForShepherd(page);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the agent edits → the tree shows "1 file +1 −0" → Review Changes shows the diff → Accept merges it', async () => {
    const { page } = e2e();
    await runCommand(page, 'View: Close All Editors');
    await openShepherdView(page);
    await startCommand(page, 'Shepherd: New Agent Session…');
    await pickItem(page, AGENT_LABEL);
    // "Run the agent where?": the new worktree from HEAD's branch, not the one from another branch.
    await page
      .locator(`${QUICK_INPUT} .monaco-list-row`)
      .filter({ hasText: 'New worktree', hasNotText: 'another branch' })
      .first()
      .click({ timeout: 20_000 });
    const frame = sessionFrame(page);
    const input = frame.locator('#input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('#worktree-label', { hasText: /^shepherd\/.* from main$/ }).waitFor({ timeout: 20_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 30_000 });
    const worktreesFolder = `${repo}.worktrees`;
    const [worktreeName] = fs.readdirSync(worktreesFolder);
    assert.ok(worktreeName, `no worktree in ${worktreesFolder}`);
    const worktree = path.join(worktreesFolder, worktreeName);

    await input.fill('add a greeting to the README');
    await input.press('Enter');
    await frame.locator('.entry.assistant', { hasText: 'real edit' }).waitFor({ timeout: 20_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 20_000 });
    assert.equal(fs.readFileSync(path.join(worktree, 'README.md'), 'utf8'), `# A project\n${GREETING_LINE}\n`);
    assert.equal(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'), '# A project\n', 'the main tree is as it was');

    // The session's row: the only session of this window ("<agent> · <title>, session idle").
    const row = page.locator(SESSION_ROW).first();
    // Read as text: the sidebar is narrow and the description's end is cut off with an ellipsis.
    const description = row.locator('.label-description');
    const deadline = Date.now() + 20_000;
    let shown = '';
    while (!shown.includes('1 file +1 −0')) {
      assert.ok(Date.now() < deadline, `the row never showed "1 file +1 −0"; last: "${shown}"`);
      await page.waitForTimeout(200);
      shown = (await description.textContent()) ?? '';
    }
    assert.match(shown, /shepherd\/.* from main · 1 file \+1 −0/);

    await frame.locator('#worktree-review').click();
    await page.locator('.tab', { hasText: /shepherd\/.* vs main/ }).waitFor({ timeout: 20_000 });
    const diff = page.locator('.monaco-diff-editor').first();
    await diff.waitFor({ state: 'visible', timeout: 20_000 });
    await diff.locator('.modified .view-line', { hasText: 'Hello from Shepherd' }).waitFor({ timeout: 20_000 });

    await startCommand(page, 'Shepherd: Accept Changes…');
    await acceptQuickInput(page, 'Which session’s worktree?');
    await pickItem(page, 'Merge into main');
    await acceptQuickInput(page, 'Message of the commit');
    const merged = await eventually('the greeting in the main tree', () => {
      const text = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
      return text.includes(GREETING_LINE) ? text : undefined;
    });
    assert.equal(merged, `# A project\n${GREETING_LINE}\n`);
    assert.equal(git(['status', '--porcelain']), '', 'merged and committed');
    assert.equal(git(['rev-list', '--count', '--merges', 'HEAD']), '1', 'a merge commit on main');
  });

  it('Close Session asks whether to keep the changed worktree; Discard removes it and its branch', async () => {
    const { page } = e2e();
    await startCommand(page, 'Shepherd: Close Session…');
    await pickItem(page, AGENT_LABEL);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.filter({ hasText: /changed 1 file\(s\) in shepherd\// }).waitFor({ timeout: 20_000 });
    await dialog.locator('.monaco-button', { hasText: 'Discard' }).click();
    await eventually('the worktree and its branch removed', () =>
      fs.readdirSync(`${repo}.worktrees`).length === 0 && git(['branch', '--list', 'shepherd/*']) === ''
        ? true
        : undefined,
    );
    await openShepherdView(page);
    await page.locator(SESSION_ROW).waitFor({ state: 'detached', timeout: 20_000 });
  });
});
