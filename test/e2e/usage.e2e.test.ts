// The usage view and Open in Browser in the demo workspace: its dev server prints the address it listens
// on, so its row offers Open in Browser; Show Usage draws the sessions' tokens and the dev server's CPU.
import * as assert from 'node:assert/strict';
import { runCommand } from '../harness/browser';
import { e2e } from './context';
import { openShepherdView, startCommand, usageFrame, waitForRowState, workerRow } from './shepherdUi';

const WEB = 'web (dev server)';

describe('usage view and links in output', () => {
  it("the dev server's row offers Open in Browser for the address it printed", async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await waitForRowState(page, WEB, 'running');
    const row = workerRow(page, WEB);
    await row.hover();
    await row.locator('.action-label[aria-label^="Open in Browser"]').waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('Show Usage draws the charts and the selected worker’s CPU and memory', async () => {
    const { page } = e2e();
    await startCommand(page, 'Shepherd: Show Usage');
    const frame = await usageFrame(page);
    await frame.locator('#totals', { hasText: /tokens/ }).waitFor({ timeout: 15_000 });
    assert.ok((await frame.locator('#worker option').count()) >= 1, 'the demo workers are listed');
    await frame.selectOption('#worker', 'web');
    // The tick samples every 2 s and the page updates at most once a second: two points make a line.
    await frame.waitForFunction(
      "(document.querySelector('#cpu polyline')?.getAttribute('points') ?? '').split(' ').length >= 2",
      undefined,
      { timeout: 20_000 },
    );
    await frame.locator('#rss text.label', { hasText: /Memory \(RSS\) · max \d+ MB/ }).waitFor({ timeout: 5_000 });
  });

  it('the usage view comes back after a window reload, live again', async () => {
    const { page } = e2e();
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runCommand(page, 'Developer: Reload Window')]);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const frame = await usageFrame(page, 60_000);
    await frame.locator('#totals', { hasText: /tokens/ }).waitFor({ timeout: 30_000 });
    await frame.locator('#cpu polyline').waitFor({ state: 'attached', timeout: 30_000 });
  });
});
