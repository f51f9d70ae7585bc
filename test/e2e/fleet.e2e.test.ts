// The Fleet view as a user meets it with `npm start`'s fleet: a local redis-server and the headless peer
// "gpu-box" (dist/shepherd-peer.js, remote control on) running examples/demo/peer/workers.json. The window
// gets the fleet secret the one way a user can give it: Shepherd: Connect to Fleet….
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { groupMembers } from '../harness/processes';
import { e2e } from './context';
import { answerInput, openShepherdView, startCommand } from './shepherdUi';

const FLEET_PANE = '.pane:has(.pane-header[aria-label^="Fleet"])';
const STUBBORN = 'stubborn (ignores SIGTERM)';
/** Heartbeats and discovery run every 5 s by default; a loaded machine may need a few rounds. */
const FLEET_TIMEOUT_MS = 45_000;

/** Opens the Shepherd container and expands the Fleet view under the Workers view if it is collapsed. */
async function openFleetView(page: Page): Promise<Locator> {
  await openShepherdView(page);
  const pane = page.locator(FLEET_PANE);
  const header = pane.locator('.pane-header');
  await header.waitFor({ state: 'visible', timeout: 20_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') {
    await header.click();
  }
  return pane;
}

function fleetRow(pane: Locator, label: string): Locator {
  return pane.locator('.monaco-list-row').filter({ has: pane.page().locator('.label-name', { hasText: label }) });
}

/** Waits until the row's description matches `pattern` and returns it. */
async function waitForDescription(row: Locator, pattern: RegExp, timeoutMs = FLEET_TIMEOUT_MS): Promise<string> {
  await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await row.first().locator('.label-description').textContent()) ?? '';
    if (pattern.test(last)) {
      return last;
    }
    await row.page().waitForTimeout(200);
  }
  throw new Error(`the Fleet row never matched ${pattern}; last: "${last}"`);
}

/**
 * Clicks the row's inline Stop. Every discovery round refreshes the view, and a click that lands while VS Code
 * re-reads the rows reaches the command without its row, which then asks which worker: that is retried.
 */
async function clickInlineStop(page: Page, row: Locator): Promise<void> {
  const picker = page.locator('.quick-input-widget input[placeholder^="Which worker of another machine"]');
  for (let attempt = 1; ; attempt++) {
    await row.first().hover();
    await row.first().locator('.action-label[aria-label^="Stop Worker on Another Machine"]').click();
    const askedWhich = await picker.waitFor({ state: 'visible', timeout: 2_000 }).then(
      () => true,
      () => false,
    );
    if (!askedWhich) {
      return;
    }
    if (attempt === 3) {
      throw new Error("three clicks on the row's Stop reached the command without the row");
    }
    await page.keyboard.press('Escape');
  }
}

describe('fleet view', () => {
  before(function () {
    if (!e2e().fleet) {
      // .ci/run installs redis-server; a machine without it has no fleet to show.
      this.skip();
    }
  });

  it("Connect to Fleet… takes the fleet secret; the view shows the peer's machine and its workers", async () => {
    const { page, fleet } = e2e();
    assert.ok(fleet);
    await startCommand(page, 'Shepherd: Connect to Fleet…');
    await answerInput(page, 'Connect to Fleet (1/4)', fleet.redisUrl);
    await answerInput(page, 'Connect to Fleet (2/4)', ''); // ACL user: the default one
    await answerInput(page, 'Connect to Fleet (3/4)', ''); // no Redis password on the local server
    await answerInput(page, 'Connect to Fleet (4/4)', fleet.fleetSecret);
    const pane = await openFleetView(page);
    // The machine and its one peer share the name; the peer's row is the one that says "peer".
    const peer = fleetRow(pane, fleet?.peerName ?? 'gpu-box').filter({ hasText: 'peer ·' });
    await waitForDescription(peer, /^peer · online$/);
    await waitForDescription(fleetRow(pane, STUBBORN), /^running · pid \d+/);
    await waitForDescription(fleetRow(pane, 'train (epochs'), /^running · pid \d+/);
  });

  it("Stop in the Fleet view ends the peer's worker and its whole process group", async () => {
    const { page } = e2e();
    const pane = await openFleetView(page);
    const row = fleetRow(pane, STUBBORN);
    const description = await waitForDescription(row, /^running · pid \d+/);
    const pid = Number(/pid (\d+)/.exec(description)?.[1]);
    // The stubborn worker ignores SIGTERM and has two sleep children: only a group kill ends them all.
    assert.ok(groupMembers(pid).length >= 2, `the peer's stubborn group ${pid} should hold its children`);

    await clickInlineStop(page, row);
    await page
      .locator('.notification-toast')
      .filter({ hasText: /stubborn stopped \(killed after \d+ ms\)/ })
      .first()
      .waitFor({ state: 'visible', timeout: FLEET_TIMEOUT_MS });
    assert.deepEqual(
      groupMembers(pid).map((member) => `${member.pid} ${member.command}`),
      [],
      `the stubborn group ${pid} outlived the remote Stop`,
    );
    await waitForDescription(row, /^stopped/);
  });
});
