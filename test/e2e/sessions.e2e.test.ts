// A chat with the built-in demo agent, the way a user has it: start it from the palette, type in the
// panel, watch the reply stream in, open it again from the tree, and find it intact after a reload.
import { runCommand } from '../harness/browser';
import { e2e } from './context';
import { openShepherdView, pickItem, sessionFrame, startCommand } from './shepherdUi';

const DEMO_AGENT = 'Demo agent';

describe('agent sessions', () => {
  it('New Agent Session → type a message → the reply streams into the panel', async () => {
    const { page } = e2e();
    await openShepherdView(page);
    await startCommand(page, 'Shepherd: New Agent Session…');
    await pickItem(page, DEMO_AGENT);
    const frame = sessionFrame(page);
    const input = frame.locator('#input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 30_000 });
    await input.fill('hello there');
    await input.press('Enter');
    await frame.locator('.entry.user', { hasText: 'hello there' }).waitFor({ timeout: 10_000 });
    // Streaming: the first words are on screen before the turn ends.
    const reply = frame.locator('.entry.assistant').first();
    await reply.waitFor({ timeout: 20_000 });
    await frame.locator('.entry.tool').first().waitFor({ timeout: 20_000 });
    await frame.locator('.entry.assistant', { hasText: 'run the tests' }).waitFor({ timeout: 20_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 20_000 });
  });

  it('a tool that needs permission waits for the user, and Allow lets the agent go on', async () => {
    const { page } = e2e();
    const frame = sessionFrame(page);
    const input = frame.locator('#input');
    await input.fill('please run the tests');
    await input.press('Enter');
    const request = frame.locator('.entry.permission').last();
    await request.waitFor({ timeout: 20_000 });
    await frame.locator('#status', { hasText: /waiting for input/ }).waitFor({ timeout: 10_000 });
    await request.getByRole('button', { name: 'Allow', exact: true }).click();
    await request.locator('.decision', { hasText: 'Allowed' }).waitFor({ timeout: 10_000 });
    await frame.locator('.entry.assistant', { hasText: 'whole permission round trip' }).waitFor({ timeout: 20_000 });
    await frame.locator('#status', { hasText: /idle/ }).waitFor({ timeout: 20_000 });
  });

  it('the session shows in the Workers tree and opens from there', async () => {
    const { page } = e2e();
    await runCommand(page, 'View: Close All Editors');
    await openShepherdView(page);
    const row = page.locator('.pane .monaco-list-row[aria-label*=", session idle"]').first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    await sessionFrame(page).locator('.entry.user', { hasText: 'hello there' }).waitFor({ timeout: 20_000 });
  });

  it('a reload restores the transcript', async () => {
    const { page } = e2e();
    // The user's way: the workbench saves its editors (the panel's state included) before it reloads.
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runCommand(page, 'Developer: Reload Window')]);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const frame = sessionFrame(page);
    await frame.locator('.entry.user', { hasText: 'hello there' }).waitFor({ timeout: 60_000 });
    await frame.locator('.entry.assistant', { hasText: 'run the tests' }).waitFor({ timeout: 20_000 });
  });
});
