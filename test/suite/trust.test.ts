// Workspace trust. The suite normally runs trusted; run it once more in Restricted Mode (see the
// harness notes) and these tests assert the restricted behaviour instead.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture } from '../helpers/processes';
import { markerEnv, updateSetting, useShepherd, waitForState, waitForWorker } from './shepherdHost';

describe('workspace trust', () => {
  const test = useShepherd();

  function entry(id: string): Record<string, unknown> {
    return {
      id,
      command: process.execPath,
      args: [fixture('echo-lines.js')],
      env: markerEnv(test.marker),
      autoStart: true,
      graceMs: 500,
    };
  }

  it('runs in the trust mode the harness asked for', function () {
    const expected = process.env.SHEPHERD_SUITE_TRUSTED;
    if (expected === undefined) {
      this.skip(); // run by @vscode/test-electron, which has no restricted pass
    }
    assert.equal(vscode.workspace.isTrusted, expected === '1');
  });

  it('starts workspace-defined workers only in a trusted workspace', async () => {
    await updateSetting('workers', [entry('from-workspace')]);
    if (vscode.workspace.isTrusted) {
      await waitForState(test.api, 'from-workspace', 'running');
      return;
    }
    await waitForWorker(test.api, 'from-workspace', 'to be listed', (view) => view !== undefined);
    // Give a wrongful auto-start time to happen before asserting it did not.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(test.api.supervisor.get('from-workspace')?.state, 'stopped');
    const node = test.api.tree.nodeFor('from-workspace');
    assert.ok(node);
    const item = test.api.tree.getTreeItem(node);
    assert.match(String(item.contextValue), /;restricted;/);
    assert.match(String(item.description), /needs workspace trust/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'workspace-untrusted');

    await vscode.commands.executeCommand('shepherd.worker.start', 'from-workspace');
    assert.equal(
      test.api.supervisor.get('from-workspace')?.state,
      'stopped',
      'Start asks for trust instead of starting',
    );
  });

  it('starts workers from user settings whether or not the workspace is trusted', async () => {
    await updateSetting('workers', [entry('from-user')], vscode.ConfigurationTarget.Global);
    await waitForState(test.api, 'from-user', 'running');
  });
});
