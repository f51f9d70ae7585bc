// The usage view opens from its command (once), and a worker that prints a local URL offers Open in Browser.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { USAGE_COMMANDS } from '../../src/ui/commands/commandIds';
import { waitFor } from '../helpers/processes';
import { EXTENSION_ID, markerEnv, updateSetting, useShepherd, waitForState } from './shepherdHost';

interface MenuEntry {
  readonly command: string;
  readonly when?: string;
  readonly group?: string;
}

function usageTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('shepherd.usage'));
}

/** The row menu entries of a command, as package.json contributes them. */
function rowMenus(command: string): MenuEntry[] {
  const manifest: unknown = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON;
  const menus = (manifest as { contributes: { menus: Record<string, MenuEntry[]> } }).contributes.menus;
  return menus['view/item/context'].filter((entry) => entry.command === command);
}

describe('usage view and links in output', () => {
  const test = useShepherd();

  afterEach(async () => {
    for (const tab of usageTabs()) {
      await vscode.window.tabGroups.close(tab);
    }
  });

  it('Show Usage opens the usage view, and a second call reveals the same one', async () => {
    await vscode.commands.executeCommand(USAGE_COMMANDS.show);
    await waitFor('the usage tab', () => (usageTabs().length === 1 ? true : undefined));
    await vscode.commands.executeCommand(USAGE_COMMANDS.show);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(usageTabs().length, 1, 'one usage view, revealed again');
    assert.equal(usageTabs()[0].label, 'Shepherd Usage');
  });

  it('offers Open in Browser on the row of a worker that printed a localhost URL', async function () {
    if (!vscode.workspace.isTrusted) {
      this.skip();
    }
    const script = 'console.log("  Local: http://localhost:5173/"); setInterval(() => {}, 1e6);';
    await updateSetting('workers', [
      { id: 'vite', command: process.execPath, args: ['-e', script], env: markerEnv(test.marker), autoStart: true },
    ]);
    await waitForState(test.api, 'vite', 'running');
    await waitFor('the URL on the worker', () =>
      test.api.supervisor.get('vite')?.localUrls.length ? true : undefined,
    );
    const item = await waitFor('the row offering the URL', () => {
      const node = test.api.tree.nodeFor('vite');
      const found = node && test.api.tree.getTreeItem(node);
      return found && String(found.contextValue).includes(';url;') ? { node, found } : undefined;
    });
    const inline = rowMenus('shepherd.worker.openInBrowser').find((entry) => entry.group?.startsWith('inline'));
    assert.ok(inline?.when, 'Open in Browser is an inline row action');
    const [, pattern] = /viewItem =~ \/(.+)\/$/.exec(inline.when) ?? [];
    assert.ok(pattern, `a viewItem clause in ${inline.when}`);
    assert.match(String(item.found.contextValue), new RegExp(pattern), 'the menu clause matches the row');
    const resolved = test.api.tree.resolveTreeItem(item.found, item.node);
    const tooltip = (resolved.tooltip as vscode.MarkdownString).value.replace(/\\/g, '');
    assert.match(tooltip, /Open in Browser:\*\* http:\/\/localhost:5173\//);
  });
});
