// Smoke e2e: the real workbench loads the fixture workspace, the command palette works, and a terminal
// (node-pty in the pty host, i.e. the natively rebuilt modules) runs a shell command.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandPaletteEntries, explorerEntries, runCommand } from '../harness/browser';
import { e2e } from './context';

describe('workbench smoke', () => {
  it('shows the fixture workspace in the Explorer', async () => {
    const { page, workspaceFolder } = e2e();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
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

  it('runs a shell command in an integrated terminal', async () => {
    const { page } = e2e();
    await runCommand(page, 'Terminal: Create New Terminal');
    const terminal = page.locator('.terminal-wrapper.active .xterm');
    await terminal.waitFor({ state: 'visible', timeout: 20_000 });
    await terminal.click();
    // The terminal renders to a canvas, so the shell proves itself through a file instead of screen text.
    const proof = path.join(os.tmpdir(), `shepherd-e2e-${randomUUID()}.txt`);
    try {
      await page.keyboard.type(`echo shepherd-$((6*7)) > ${proof}`);
      await page.keyboard.press('Enter');
      const deadline = Date.now() + 20_000;
      const read = (): string => (fs.existsSync(proof) ? fs.readFileSync(proof, 'utf8') : '');
      while (!read().endsWith('\n') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(read(), 'shepherd-42\n');
    } finally {
      fs.rmSync(proof, { force: true });
    }
    await runCommand(page, 'Terminal: Kill All Terminals');
  });
});
