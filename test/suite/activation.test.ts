// Activation: every contributed command exists, and the API the other tests use is there.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, useShepherd } from './shepherdHost';

interface ContributedCommand {
  command: string;
}

describe('activation', () => {
  const test = useShepherd();

  it('registers every command package.json contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const contributed = (extension.packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands.map(
      (entry) => entry.command,
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
    );
    assert.ok(registered.has('shepherd.workers.focus'), 'the Workers view is contributed');
  });

  it('returns the supervisor and the tree for tests', () => {
    assert.ok(test.api.supervisor);
    assert.ok(test.api.tree);
    assert.deepEqual(test.api.tree.getChildren(), []);
  });
});
