// Agent sessions in the real extension host: the bundled demo agent, spoken to through the same
// commands, tree and panels a user has.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WorkersNode } from '../../src/ui/workers/workersTree';
import type { SessionView } from '../../src/shared/sessionModel';
import { findMarked, newMarker, waitFor } from '../helpers/processes';
import {
  agentsStopped,
  demoAgentScript,
  markerEnv,
  updateSetting,
  useShepherdSessions,
  workspaceFolder,
} from './shepherdHost';

const AGENT_ID = 'demo-under-test';

describe('agent sessions', () => {
  const test = useShepherdSessions();
  /** One marker for the whole file: pooled agents outlive single tests by design. */
  const marker = newMarker();

  before(async () => {
    await updateSetting(
      'agents',
      [
        {
          id: AGENT_ID,
          label: 'Demo under test',
          kind: 'demo',
          command: process.execPath,
          args: [demoAgentScript()],
          env: markerEnv(marker),
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    await updateSetting('sessions.poolSize', undefined, vscode.ConfigurationTarget.Global);
    await updateSetting('agents', undefined, vscode.ConfigurationTarget.Global);
    await agentsStopped(marker);
  });

  async function newSession(): Promise<SessionView> {
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id, 'New Agent Session returned no session');
    const view = await waitFor('the agent to be idle', () => {
      const current = test.api.sessions.get(id);
      return current?.state === 'idle' ? current : undefined;
    });
    return view;
  }

  it('New Agent Session opens a panel and a reply streams into the transcript', async () => {
    const session = await newSession();
    assert.ok(test.api.panels.get(session.id), 'no panel was opened');
    await test.api.sessions.send(session.id, 'hello', workspaceFolder().uri.fsPath);
    const reply = test.api.sessions
      .transcript(session.id)
      .map((entry) => (entry.kind === 'assistant' ? entry.text : ''))
      .join('\n');
    assert.match(reply, /demo agent/);
    const after = test.api.sessions.get(session.id);
    assert.equal(after?.state, 'idle');
    assert.ok((after?.usage.outputTokens ?? 0) > 0, 'the turn reported no tokens');
  });

  it('keeps warm spare agent processes out of the tree rows and the running count', async function () {
    await newSession();
    const spare = await waitFor(
      'a warm spare',
      () =>
        test.api.supervisor
          .snapshot()
          .find((view) => test.api.sessions.isWarmSpare(view.id) && view.state === 'running'),
      30_000,
    ).catch(() => undefined);
    if (!spare) {
      // shepherd.sessions.poolSize may be 0 in this profile: nothing to hide.
      this.skip();
    }
    const rows = (nodes: readonly WorkersNode[]): string[] =>
      nodes.flatMap((node) =>
        node.kind === 'worker' ? [node.id] : node.kind === 'group' ? rows(test.api.tree.getChildren(node)) : [],
      );
    await waitFor('the tree without the spare', () =>
      rows(test.api.tree.getChildren()).includes(spare.id) ? undefined : true,
    );
    const running = test.api.supervisor
      .snapshot()
      .filter((view) => view.state === 'running' && !test.api.sessions.isWarmSpare(view.id)).length;
    await waitFor('the status bar to count without the spare', () =>
      test.api.statusBar.text.includes(`${running} running`) ? true : undefined,
    );
  });

  it('shows the agent in the Workers tree with its session state and Open Session', async () => {
    const session = await newSession();
    assert.ok(session.workerId);
    const node = test.api.tree.nodeFor(session.workerId);
    assert.ok(node, 'the agent worker is not in the tree');
    const item = test.api.tree.getTreeItem(node);
    assert.match(String(item.contextValue), /;session;/);
    assert.match(String(item.description), /^idle · demo/);
    // A click runs the row's command with no arguments and takes the row from the selection.
    assert.deepEqual(item.command && { command: item.command.command, arguments: item.command.arguments }, {
      command: 'shepherd.workers.openClickedRow',
      arguments: undefined,
    });
    test.api.panels.get(session.id)?.dispose();
    await test.api.workersView.reveal(node, { select: true, focus: true });
    await waitFor('the row to be selected', () =>
      test.api.workersView.selection.some((selected) => selected.kind === 'worker' && selected.id === node.id)
        ? true
        : undefined,
    );
    await vscode.commands.executeCommand(String(item.command?.command));
    await waitFor('the session panel', () => test.api.panels.get(session.id));
    test.api.panels.get(session.id)?.dispose();
    await vscode.commands.executeCommand('shepherd.session.open', node);
    assert.ok(test.api.panels.get(session.id), 'Open Session from the tree opened no panel');
  });

  it('Close Session stops the agent process and forgets the session', async () => {
    const session = await newSession();
    const workerId = session.workerId;
    assert.ok(workerId);
    const pid = test.api.supervisor.get(workerId)?.pid;
    assert.ok(pid);
    await vscode.commands.executeCommand('shepherd.session.close', session.id);
    assert.equal(test.api.sessions.get(session.id), undefined);
    assert.ok(!(await findMarked(marker)).includes(pid), `the agent process ${pid} outlived Close Session`);
  });

  it('keeps a warm agent ready and empties the pool when poolSize is 0', async () => {
    await newSession();
    await waitFor('a warm agent', () =>
      test.api.supervisor
        .snapshot()
        .find((view) => view.id.startsWith(`pool-${AGENT_ID}-`) && view.state === 'running'),
    );
    await updateSetting('sessions.poolSize', 0, vscode.ConfigurationTarget.Global);
    await waitFor('the pool to empty', () =>
      test.api.supervisor.snapshot().some((view) => view.id.startsWith('pool-') && view.state === 'running')
        ? undefined
        : true,
    );
  });
});
