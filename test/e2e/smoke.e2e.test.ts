// Smoke e2e: the real workbench loads the demo workspace and the command palette works. (Shepherd's own
// terminal is a Pseudoterminal, covered in the host suite; the pty host is not Shepherd's and is not tested here.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { commandPaletteEntries, explorerEntries, runCommand } from '../harness/browser';
import { e2e } from './context';

describe('workbench smoke', () => {
  it('shows the demo workspace in the Explorer', async () => {
    const { page, workspaceFolder } = e2e();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
    await runCommand(page, 'View: Show Explorer');
    const expected = fs.readdirSync(workspaceFolder).sort();
    const shown = await explorerEntries(page);
    for (const name of expected) {
      assert.ok(shown.includes(name), `Explorer lacks ${name}; shows: ${shown.join(', ')}`);
    }
  });

  it('lists commands in the F1 palette', async () => {
    const entries = await commandPaletteEntries(e2e().page, 'Create New Terminal');
    assert.ok(entries.includes('Terminal: Create New Terminal'), `palette shows: ${entries.join(' | ')}`);
  });

  it('starts the extension host without waiting for the login shell', () => {
    // The run's $SHELL takes 30 s to print its environment; had the server asked it, it would have given
    // up after 10 s, said so in its log, and held every extension back meanwhile.
    const log = fs.readFileSync(e2e().server.logPath, 'utf8');
    assert.ok(
      log.includes('Launched Extension Host Process'),
      `the server log shows no extension host: ${log.slice(-2000)}`,
    );
    assert.ok(
      !log.includes('resolving shell environment failed'),
      `the server waited for the login shell:\n${log.slice(-2000)}`,
    );
  });
});
