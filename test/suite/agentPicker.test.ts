// New Agent Session's picker in the real extension host: it starts on the last agent used.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMarked, killMarked, newMarker, waitFor } from '../helpers/processes';
import { EXTENSION_ID, markerEnv, updateSetting, useShepherd } from './shepherdHost';

/** How long the picker gets to appear before the test accepts its active row. */
const PICKER_SHOWN_MS = 1_500;

function demoScript(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  return path.join(extension.extensionPath, 'dist', 'demo-agent.js');
}

describe('the agent picker', () => {
  afterEach(async () => {
    await Promise.all(test.api.sessions.list().map((session) => test.api.sessions.close(session.id)));
  });
  const test = useShepherd();
  const marker = newMarker();

  before(async () => {
    const demo = (id: string, label: string): object => ({
      id,
      label,
      kind: 'demo',
      command: process.execPath,
      args: [demoScript()],
      env: markerEnv(marker),
    });
    await updateSetting(
      'agents',
      [
        demo('picker-first', 'Picker first'),
        { id: 'picker-missing', label: 'Picker missing', kind: 'line', command: 'shepherd-no-such-agent-cli' },
        demo('picker-second', 'Picker second'),
      ],
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    await updateSetting('agents', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(
      'pooled agents to stop',
      async () => ((await findMarked(marker)).length === 0 ? true : undefined),
      10_000,
    ).finally(() => killMarked(marker));
  });

  async function acceptDefaultAgent(): Promise<string | undefined> {
    const picking = vscode.commands.executeCommand<string | undefined>('shepherd.session.new');
    await new Promise((resolve) => setTimeout(resolve, PICKER_SHOWN_MS));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return picking;
  }

  it('starts on the last agent used, whichever it was', async () => {
    for (const agentId of ['picker-second', 'picker-first']) {
      const used = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', agentId);
      assert.ok(used, `no session with ${agentId}`);
      const id = await acceptDefaultAgent();
      assert.ok(id, 'accepting the default started no session');
      assert.equal(test.api.sessions.get(id)?.agentId, agentId);
    }
  });

  it('does not remember an agent that could not start, so it never becomes the default', async () => {
    await vscode.commands.executeCommand('shepherd.session.new', 'picker-first');
    const failed = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', 'picker-missing');
    assert.ok(failed);
    assert.equal(test.api.sessions.get(failed)?.state, 'failed');
    const id = await acceptDefaultAgent();
    assert.ok(id);
    assert.equal(test.api.sessions.get(id)?.agentId, 'picker-first');
  });
});
