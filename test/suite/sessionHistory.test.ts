// Session titles, notifications with answers, history and export, in the real extension host with the
// bundled demo agent.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionView } from '../../src/shared/sessionModel';
import type { ShownNotification } from '../../src/ui/common/notifier';
import { GLOBAL_GAP_MS } from '../../src/ui/sessions/sessionAttention';
import { newMarker, waitFor } from '../helpers/processes';
import {
  agentsStopped,
  demoAgentScript,
  markerEnv,
  updateSetting,
  useShepherdSessions,
  workspaceFolder,
} from './shepherdHost';

const AGENT_ID = 'demo-history';

describe('session titles, notifications and history', () => {
  const test = useShepherdSessions();
  const marker = newMarker();
  const shown: Array<ShownNotification & { at: number }> = [];

  before(async () => {
    await updateSetting('sessions.poolSize', 0, vscode.ConfigurationTarget.Global);
    await updateSetting(
      'agents',
      [
        {
          id: AGENT_ID,
          label: 'Demo history',
          kind: 'demo',
          command: process.execPath,
          args: [demoAgentScript()],
          env: markerEnv(marker),
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    test.api.notifier.onDidNotify((notification) => shown.push({ ...notification, at: Date.now() }));
  });

  after(async () => {
    await updateSetting('sessions.poolSize', undefined, vscode.ConfigurationTarget.Global);
    await updateSetting('agents', undefined, vscode.ConfigurationTarget.Global);
    await agentsStopped(marker);
  });

  async function newSession(): Promise<SessionView> {
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id, 'New Agent Session returned no session');
    return waitFor('the agent to be idle', () => {
      const current = test.api.sessions.get(id);
      return current?.state === 'idle' ? current : undefined;
    });
  }

  /** Session notices are rate-limited window-wide: wait out the gap after whatever was shown last. */
  async function quietPeriod(): Promise<void> {
    const last = Math.max(0, ...shown.map((notification) => notification.at));
    const wait = last + GLOBAL_GAP_MS + 100 - Date.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  function notificationAbout(pattern: RegExp): Promise<ShownNotification> {
    return waitFor(`a notification matching ${pattern}`, () =>
      shown.find((notification) => pattern.test(notification.message)),
    );
  }

  function press(notification: ShownNotification, title: string): unknown {
    const action = notification.actions.find((candidate) => candidate.title === title);
    assert.ok(action, `no "${title}" on "${notification.message}" (${notification.actions.map((a) => a.title)})`);
    return action.run();
  }

  it('titles a session from its first message, and a rename shows everywhere and is stored', async () => {
    const session = await newSession();
    await test.api.sessions.send(session.id, '  Fix the login bug\nsecond line', workspaceFolder().uri.fsPath);
    assert.equal(test.api.sessions.get(session.id)?.title, 'Fix the login bug');
    assert.equal(test.api.panels.get(session.id)?.panel.title, 'Fix the login bug');
    await vscode.commands.executeCommand('shepherd.session.rename', session.id, 'Login work');
    const workerId = test.api.sessions.get(session.id)?.workerId ?? '';
    assert.equal(test.api.supervisor.get(workerId)?.label, 'Demo history · Login work');
    assert.equal(test.api.panels.get(session.id)?.panel.title, 'Login work');
    const store = test.api.sessions.store;
    assert.ok(store);
    const saved = await waitFor('the rename to be saved', async () => {
      const stored = await store.load(session.id);
      return stored.title === 'Login work' ? stored : undefined;
    });
    assert.equal(saved.renamed, true);
  });

  it('exports the transcript as Markdown with the messages as code blocks', async () => {
    const session = await newSession();
    await test.api.sessions.send(session.id, 'show me <b>markdown</b>', workspaceFolder().uri.fsPath);
    await vscode.commands.executeCommand('shepherd.session.exportTranscript', session.id);
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document, 'no editor was opened');
    try {
      assert.equal(document.languageId, 'markdown');
      assert.equal(document.isUntitled, true);
      const text = document.getText();
      assert.match(text, /^# show me \\<b\\>markdown\\<\\\/b\\>\n/);
      assert.match(text, /- Agent: Demo history\n/);
      assert.match(text, /## You · [^\n]+\n\n```text\nshow me <b>markdown<\/b>\n```/);
      // The reply holds a ``` block of its own, so its fence is one backtick longer.
      assert.match(
        text,
        /## Agent · [^\n]+\n\n````markdown\nHere is what I can render:\n[\s\S]*\n```ts\n[\s\S]*\n````\n$/,
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('the notification actions reach the session: Allow answers the permission, Open opens the panel', async () => {
    const session = await newSession();
    test.api.panels.get(session.id)?.dispose();
    await quietPeriod();
    const turn = test.api.sessions.send(session.id, 'run the tests', workspaceFolder().uri.fsPath);
    const asked = await notificationAbout(/"run the tests" wants to run `npm test`\./);
    assert.deepEqual(
      asked.actions.map((action) => action.title),
      ['Allow', 'Deny', 'Open'],
    );
    await press(asked, 'Allow');
    await turn;
    const permission = test.api.sessions.transcript(session.id).find((entry) => entry.kind === 'permission');
    assert.equal(permission?.kind === 'permission' ? permission.decision : undefined, 'allow');
    assert.match(
      test.api.sessions
        .transcript(session.id)
        .map((entry) => (entry.kind === 'assistant' ? entry.text : ''))
        .join('\n'),
      /whole permission round trip/,
    );

    const other = await newSession();
    test.api.panels.get(other.id)?.dispose();
    await quietPeriod();
    await test.api.sessions.send(other.id, 'hello', workspaceFolder().uri.fsPath);
    const finished = await notificationAbout(/^"hello" finished its turn\.$/);
    assert.deepEqual(
      finished.actions.map((action) => action.title),
      ['Open'],
    );
    await press(finished, 'Open');
    assert.ok(test.api.panels.get(other.id), 'Open opened no panel');
  });

  it('history search finds a word from an old transcript, and shows it read-only', async () => {
    const session = await newSession();
    await test.api.sessions.send(session.id, 'remember Quetzalcoatl for later', workspaceFolder().uri.fsPath);
    await vscode.commands.executeCommand('shepherd.session.close', session.id);
    assert.equal(test.api.sessions.get(session.id), undefined);
    const items = await test.api.history.items('quetzalcoatl');
    const found = items.find((item) => item.sessionId === session.id);
    assert.ok(found, 'the closed session is not in history');
    assert.equal(found.closed, true);
    assert.equal(found.alwaysShow, true);
    assert.match(String(found.detail), /remember Quetzalcoatl for later/);
    assert.match(String(found.description), /^Demo history · /);
    assert.ok(
      (await test.api.history.items('')).findIndex((item) => item.sessionId === session.id) >= 0,
      'history without a query misses the closed session',
    );
    const uri = vscode.Uri.from({
      scheme: 'shepherd-transcript',
      path: '/x.md',
      query: JSON.stringify({ id: session.id }),
    });
    const document = await vscode.workspace.openTextDocument(uri);
    assert.match(document.getText(), /```text\nremember Quetzalcoatl for later\n```/);
  });
});
