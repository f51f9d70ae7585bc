// Workers defined in settings: autoStart, reconciliation on edits, and bad entries that spoil nothing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, waitFor } from '../helpers/processes';
import {
  isAlive,
  markerEnv,
  updateSetting,
  useShepherd,
  waitForState,
  waitForWorker,
  workspaceFolder,
} from './shepherdHost';

function echoWorker(id: string, marker: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    command: process.execPath,
    args: [fixture('echo-lines.js'), `hello from ${id}`],
    env: markerEnv(marker),
    graceMs: 1_000,
    autoStart: true,
    ...extra,
  };
}

describe('workers from settings', () => {
  const test = useShepherd();

  beforeEach(function () {
    if (!vscode.workspace.isTrusted) {
      // Workspace-defined workers never start untrusted; trust.test.ts covers that case.
      this.skip();
    }
  });

  it('starts an autoStart worker written to the workspace settings', async () => {
    await updateSetting('workers', [echoWorker('api', test.marker)]);
    const view = await waitForState(test.api, 'api', 'running');
    assert.equal(view.source, 'settings');
    assert.equal(view.cwd, workspaceFolder().uri.fsPath);
    assert.deepEqual([...view.envNames].sort(), ['ELECTRON_RUN_AS_NODE', 'SHEPHERD_TEST_MARKER']);
    assert.ok(view.pid !== undefined && isAlive(view.pid));
  });

  it('Edit Definition opens the settings.json that defines the worker, at its entry', async () => {
    await updateSetting('workers', [
      echoWorker('first', test.marker, { autoStart: false }),
      echoWorker('target', test.marker, { autoStart: false }),
    ]);
    await test.api.reconcile();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('shepherd.worker.editDefinition', 'target');
    assert.equal(uri.fsPath, vscode.Uri.joinPath(workspaceFolder().uri, '.vscode', 'settings.json').fsPath);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'the settings file is open');
    const line = editor.document.lineAt(editor.selection.active.line).text;
    assert.match(line, /"id":\s*"target"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Edit Definition opens the user settings.json for a worker defined there', async () => {
    await updateSetting(
      'workers',
      [echoWorker('mine', test.marker, { autoStart: false })],
      vscode.ConfigurationTarget.Global,
    );
    await test.api.reconcile();
    await vscode.commands.executeCommand('shepherd.worker.editDefinition', 'mine');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'the user settings file is open');
    assert.notEqual(
      editor.document.uri.fsPath,
      vscode.Uri.joinPath(workspaceFolder().uri, '.vscode', 'settings.json').fsPath,
    );
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /"id":\s*"mine"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Open Settings opens the Settings editor where the workers are defined', async () => {
    await updateSetting('workers', [echoWorker('here', test.marker, { autoStart: false })]);
    await test.api.reconcile();
    await vscode.commands.executeCommand('shepherd.settings.open');
    await waitFor('the Settings editor', () =>
      vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Settings' ? true : undefined,
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('lists a worker without autoStart but does not start it', async () => {
    await updateSetting('workers', [echoWorker('idle', test.marker, { autoStart: false })]);
    await test.api.reconcile();
    assert.equal(test.api.supervisor.get('idle')?.state, 'stopped');
  });

  it('starts an added entry and stops and forgets a removed one', async () => {
    await updateSetting('workers', [echoWorker('first', test.marker)]);
    const first = await waitForState(test.api, 'first', 'running');
    await updateSetting('workers', [echoWorker('second', test.marker)]);
    await waitForState(test.api, 'second', 'running');
    await waitForWorker(test.api, 'first', 'to be removed', (view) => view === undefined);
    assert.ok(first.pid !== undefined && !isAlive(first.pid), `pid ${first.pid} of the removed worker still runs`);
  });

  it('keeps a running worker on an edit and marks it for restart', async () => {
    await updateSetting('workers', [echoWorker('api', test.marker)]);
    const before = await waitForState(test.api, 'api', 'running');
    await updateSetting('workers', [echoWorker('api', test.marker, { args: [fixture('echo-lines.js'), 'changed'] })]);
    const after = await waitForWorker(
      test.api,
      'api',
      'to note the change',
      (view) => view?.definitionChanged === true,
    );
    assert.equal(after?.pid, before.pid);
    const node = test.api.tree.nodeFor('api');
    assert.ok(node);
    assert.match(String(test.api.tree.getTreeItem(node).description), /restart to apply/);
  });

  it('runs the valid entries when another entry is invalid', async () => {
    await updateSetting('workers', [
      { id: 'broken', command: 'node', args: 'not-an-array' },
      echoWorker('good', test.marker),
    ]);
    await waitForState(test.api, 'good', 'running');
    assert.equal(test.api.supervisor.get('broken'), undefined);
  });

  it('applies shepherd.defaults to entries that leave a field out', async () => {
    await updateSetting('defaults.graceMs', 1_234);
    try {
      await updateSetting('workers', [echoWorker('api', test.marker, { autoStart: false, graceMs: undefined })]);
      await test.api.reconcile();
      assert.equal(test.api.supervisor.definition('api')?.graceMs, 1_234);
    } finally {
      await updateSetting('defaults.graceMs', undefined);
    }
  });
});
