// An ACP agent's file writes in the real editor: applied as a WorkspaceEdit, so an open editor shows
// the change and Undo takes it back.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openToolDiff, openToolLocation, TOOL_DIFF_SCHEME } from '../../src/ui/sessions/toolDocuments';
import { fixture, newMarker, waitFor } from '../helpers/processes';
import { agentsStopped, markerEnv, updateSetting, useShepherdSessions, workspaceFolder } from './shepherdHost';

const AGENT_ID = 'fake-acp-under-test';

describe('ACP file writes in the editor', () => {
  const test = useShepherdSessions();
  const marker = newMarker();
  let file = '';

  before(async () => {
    file = path.join(workspaceFolder().uri.fsPath, 'acp-notes.txt');
    await updateSetting(
      'agents',
      [
        {
          id: AGENT_ID,
          label: 'Fake ACP agent',
          kind: 'acp',
          command: process.execPath,
          args: [fixture('acp/fake-acp-agent.js')],
          // The fake agent's "edit" turn writes notes.txt; this one is told its name.
          env: { ...markerEnv(marker), FAKE_ACP_EDIT_FILE: 'acp-notes.txt' },
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await updateSetting('agents', undefined, vscode.ConfigurationTarget.Global);
    await fs.rm(file, { force: true });
    await agentsStopped(marker);
  });

  it('shows an allowed fs/write_text_file in the open editor, and Undo takes it back', async () => {
    await fs.writeFile(file, 'original\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id, 'New Agent Session returned no session');
    await waitFor('the agent to be idle', () => (test.api.sessions.get(id)?.state === 'idle' ? true : undefined));
    const turn = test.api.sessions.send(id, 'edit', workspaceFolder().uri.fsPath);
    const request = await waitFor('the permission request', () =>
      test.api.sessions.transcript(id).find((e) => e.kind === 'permission' && e.decision === undefined),
    );
    assert.ok(request.kind === 'permission' && test.api.sessions.respond(id, request.requestId, 'allow'));
    await turn;
    assert.equal(document.getText(), 'edited\n', 'the open editor shows the write');
    assert.equal(await fs.readFile(file, 'utf8'), 'edited\n', 'and it was saved');

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the undo', () => (document.getText() === 'original\n' ? true : undefined));

    // What the panel's Open Diff and location clicks do: the diff editor, old text read-only, and the file.
    const tool = test.api.sessions.transcript(id).find((e) => e.kind === 'tool' && (e.diffs?.length ?? 0) > 0);
    assert.ok(tool, 'the tool call carries its diff');
    const folder = workspaceFolder().uri.fsPath;
    await openToolDiff(test.api.sessions, id, folder, { entryId: tool.id, index: 0 });
    const diffTab = await waitFor('the diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal(diffTab.original.scheme, TOOL_DIFF_SCHEME);
    assert.equal((await vscode.workspace.openTextDocument(diffTab.original)).getText(), 'original\n');
    assert.equal(diffTab.modified.fsPath, file, 'a completed change is shown against the file itself');
    await openToolLocation(folder, 'acp-notes.txt', 1);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
  });
});
