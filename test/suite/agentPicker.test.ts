// New Agent Session's picker in the real extension host: it starts on the last agent used.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { newMarker } from '../helpers/processes';
import { agentsStopped, demoAgentScript, markerEnv, updateSetting, useShepherdSessions } from './shepherdHost';

/** How often the test tries to accept the picker's active row, and for how long. */
const PICKER_POLL_MS = 500;
const PICKER_TIMEOUT_MS = 10_000;

describe('the agent picker', () => {
  const test = useShepherdSessions();
  const marker = newMarker();

  before(async () => {
    const demo = (id: string, label: string): object => ({
      id,
      label,
      kind: 'demo',
      command: process.execPath,
      args: [demoAgentScript()],
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
    await agentsStopped(marker);
  });

  /** Runs New Agent Session once and accepts the picker's active row, retrying until the picker has shown. */
  async function acceptOnce(): Promise<string | undefined> {
    let settled = false;
    const picking = Promise.resolve(vscode.commands.executeCommand<string | undefined>('shepherd.session.new')).finally(
      () => (settled = true),
    );
    const deadline = Date.now() + PICKER_TIMEOUT_MS;
    while (!settled && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, PICKER_POLL_MS));
      // A no-op until the picker is open; accepting it ends the command.
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    return picking;
  }

  /**
   * The default agent's session. The panel of the session started just before may take the focus a
   * moment later, which closes a picker as the user's click elsewhere would: the panels are closed
   * first, and a picker closed that way is opened again (at most twice more).
   */
  async function acceptDefaultAgent(): Promise<string | undefined> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = await acceptOnce();
      if (id !== undefined) {
        return id;
      }
    }
    return undefined;
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
