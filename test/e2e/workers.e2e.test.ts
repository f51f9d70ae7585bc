// The Workers view as a user meets it in the demo workspace (examples/demo): its settings define a dev server,
// a worker that crash-loops and one that ignores SIGTERM, all started on their own.
import * as assert from 'node:assert/strict';
import { groupMembers } from '../harness/processes';
import { isLive, otherPids, readProcInfo } from '../helpers/processes';
import { e2e } from './context';
import {
  answerInput,
  ensureRunning,
  openShepherdView,
  pickItem,
  rowDescription,
  startCommand,
  waitForOutput,
  waitForRowState,
  workerRow,
} from './shepherdUi';

const WEB = 'web (dev server)';
const FLAKY = 'flaky (crashes)';
const STUBBORN = 'stubborn (ignores SIGTERM)';

/**
 * The pid of the live group leader whose argument is exactly `script` (the row keeps to state and uptime;
 * the pid is in its tooltip, which a test cannot hover reliably). Exactly: the demo's fleet peer runs the
 * same script as `../scripts/stubborn.sh`, and stopping the window's worker must not be judged by the peer's.
 */
function leaderRunning(script: string): number {
  const leader = otherPids()
    .map(readProcInfo)
    .filter(isLive)
    .find((info) => info.pid === info.pgid && info.command.split(' ').includes(script));
  if (!leader) {
    throw new Error(`no live group leader runs ${script}`);
  }
  return leader.pid;
}

/** Live members of the process group a worker leads (its pid is the group's id). */
function groupAlive(pgid: number): boolean {
  return groupMembers(pgid).length > 0;
}

describe('workers view', () => {
  it('shows the workers defined in the workspace settings when the Shepherd icon is clicked', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    for (const label of [WEB, FLAKY, STUBBORN]) {
      await workerRow(page, label).first().waitFor({ state: 'visible', timeout: 30_000 });
    }
    await waitForRowState(page, WEB, 'running');
  });

  it('clicking a worker shows what it printed in its output panel', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await workerRow(page, WEB).first().click();
    await waitForOutput(page, 'listening on http://127.0.0.1:');
  });

  it('a crash-looping worker ends as failed, visibly', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await waitForRowState(page, FLAKY, 'failed', 45_000);
    const icon = workerRow(page, FLAKY).first().locator('.codicon-error');
    await icon.waitFor({ state: 'visible', timeout: 5_000 });
  });

  it('F1 → Stop Worker… stops the picked worker and its whole process group', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await waitForRowState(page, WEB, 'running');
    const pid = leaderRunning('scripts/dev-server.js');
    assert.ok(groupAlive(pid), `the dev server (pid ${pid}) should be running before the stop`);
    await startCommand(page, 'Shepherd: Stop Worker…');
    await pickItem(page, WEB);
    await waitForRowState(page, WEB, 'stopped');
    assert.equal(groupAlive(pid), false, `pid ${pid} survived Stop Worker`);
  });

  it('Run Command as Worker… asks for a name and adds a tree item whose output appears', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await startCommand(page, 'Shepherd: Run Command as Worker…');
    await answerInput(
      page,
      'Run Command as Worker (1/2)',
      `node -e "console.log('e2e-adhoc-' + 6 * 7); setInterval(() => {}, 1000)"`,
    );
    // The name field offers the short name ("node -e"); the user gives another.
    await answerInput(page, 'Run Command as Worker (2/2)', 'e2e adhoc');
    const row = page.locator('.pane .monaco-list-row[aria-label^="e2e adhoc,"]').first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    await waitForOutput(page, 'e2e-adhoc-42');
  });

  it('stopping a worker that ignores SIGTERM keeps the editor responsive during the grace period', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await waitForRowState(page, STUBBORN, 'running');
    const pid = leaderRunning('scripts/stubborn.sh');
    await startCommand(page, 'Shepherd: Stop Worker…');
    const stopIssued = Date.now();
    await pickItem(page, STUBBORN);
    await waitForRowState(page, STUBBORN, 'stopping', 5_000);
    // While the group ignores SIGTERM (3 s grace), the UI must keep answering: the palette opens and lists.
    const probeStarted = Date.now();
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input.input').fill('>Shepherd: Show Activity Log');
    await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .first()
      .waitFor({ state: 'visible', timeout: 2_000 });
    const probeMs = Date.now() - probeStarted;
    await page.keyboard.press('Escape');
    const stillStopping = /, stopping$/.test(
      (await workerRow(page, STUBBORN).first().getAttribute('aria-label')) ?? '',
    );
    assert.ok(stillStopping, 'the probe should run while the group is still in its grace period');
    assert.ok(probeMs < 2_000, `the palette took ${probeMs} ms to answer during the stop`);
    await waitForRowState(page, STUBBORN, 'stopped', 15_000);
    const tookMs = Date.now() - stopIssued;
    assert.ok(
      tookMs >= 2_500,
      `the stop ended after ${tookMs} ms, before the 3 s grace: SIGTERM should have been ignored`,
    );
    assert.equal(groupAlive(pid), false, `pid ${pid} survived the SIGKILL`);
  });

  it('Stop All asks first, then counts down to SIGKILL, and Kill Now ends the wait', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await ensureRunning(page, STUBBORN);
    // Its output panel shows the marker lines of the stop.
    await workerRow(page, STUBBORN).first().click();
    await waitForOutput(page, 'started, pid');

    await startCommand(page, 'Shepherd: Stop All Workers');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await dialog.textContent()) ?? '', /Stop \d+ workers?\?/);
    const stop = dialog.getByRole('button', { name: /^Stop \d+ Workers?$/ });
    await stop.first().click();
    const stopIssued = Date.now();

    // The countdown appears once the stop is under way and moves each second.
    const toast = page
      .locator('.notifications-toasts .notification-toast')
      .filter({ hasText: /\d+ of \d+ still stopping · SIGKILL in \d s/ });
    await toast.first().waitFor({ state: 'visible', timeout: 5_000 });
    await waitForRowState(page, STUBBORN, 'stopping', 5_000);
    assert.match(await rowDescription(page, STUBBORN), /^stopping · SIGKILL in \d s$/);
    await workerRow(page, STUBBORN).first().hover();
    await workerRow(page, STUBBORN)
      .first()
      .locator('.action-label[aria-label="Kill Now"]')
      .waitFor({ state: 'visible', timeout: 5_000 });

    await toast
      .first()
      .getByRole('link', { name: 'Kill Now' })
      .or(toast.first().locator('a', { hasText: 'Kill Now' }))
      .first()
      .click();
    const killClicked = Date.now();
    await waitForRowState(page, STUBBORN, 'stopped', 15_000);
    const output = await waitForOutput(page, 'killed with SIGKILL after');
    // The earlier test's stop left a marker too: this stop's is the last one.
    const match = [...output.matchAll(/killed with SIGKILL after ([\d,]+) ms/g)].at(-1);
    assert.ok(match, `no kill marker in "${output}"`);
    // Only when the click came well inside the 3 s grace can its effect be told from the grace's end.
    if (killClicked - stopIssued < 2_000) {
      const elapsed = Number(match[1].replace(/,/g, ''));
      assert.ok(elapsed < 3_000, `Kill Now at ${killClicked - stopIssued} ms, yet SIGKILL came after ${elapsed} ms`);
    }
  });
});
