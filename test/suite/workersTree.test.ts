// The Workers tree follows a crash-looping worker through its states, one node refresh at a time.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { recoveryLabel, type WorkersNode } from '../../src/ui/workers/workersTree';
import { fixture, waitFor } from '../helpers/processes';
import { markerEnv, updateSetting, useShepherd, waitForState } from './shepherdHost';

interface Seen {
  state: string;
  contextValue: string;
  description: string;
  icon: string;
  color: string | undefined;
}

describe('workers tree', () => {
  const test = useShepherd();

  it('shows running, crashed, restarting and failed as the worker goes through them', async function () {
    if (!vscode.workspace.isTrusted) {
      this.skip();
    }
    const seen: Seen[] = [];
    const refreshes: Array<WorkersNode | WorkersNode[] | undefined> = [];
    const subscriptions = [
      test.api.tree.onDidChangeTreeData((change) => refreshes.push(change)),
      test.api.supervisor.onDidChangeWorker((change) => {
        const node = test.api.tree.nodeFor('looper');
        if (change.view.id !== 'looper' || !node) {
          return;
        }
        const item = test.api.tree.getTreeItem(node);
        const icon = item.iconPath as vscode.ThemeIcon;
        seen.push({
          state: change.view.state,
          contextValue: String(item.contextValue),
          description: String(item.description),
          icon: icon.id,
          color: icon.color?.id,
        });
      }),
    ];
    try {
      await updateSetting('workers', [
        {
          id: 'looper',
          command: process.execPath,
          args: [fixture('exit-with.js'), '3', '300'],
          env: markerEnv(test.marker),
          restart: { mode: 'on-failure', maxRestarts: 2, backoffBaseMs: 20, backoffMaxMs: 50 },
          autoStart: true,
        },
      ]);
      await waitForState(test.api, 'looper', 'failed', 15_000);
      // Let the throttled tree refresh for the last change go out.
      await new Promise((resolve) => setTimeout(resolve, 400));
    } finally {
      subscriptions.forEach((subscription) => subscription.dispose());
    }

    const states = seen.map((entry) => entry.state);
    const order = ['running', 'crashed', 'restarting', 'running', 'failed'];
    let at = 0;
    for (const state of states) {
      if (state === order[at]) {
        at += 1;
      }
    }
    assert.equal(at, order.length, `states seen: ${states.join(' → ')}`);

    const first = (state: string): Seen => {
      const found = seen.find((entry) => entry.state === state);
      assert.ok(found, `never saw ${state}`);
      return found;
    };
    const running = first('running');
    assert.match(running.contextValue, /^worker;running;ok;settings;/);
    assert.match(running.contextValue, /;stoppable;/);
    assert.match(running.description, /^running · \d+s$/, 'a row shows state and uptime; pid is in the tooltip');
    assert.equal(running.icon, 'circle-filled');

    const crashed = first('crashed');
    assert.match(crashed.contextValue, /;crashed;/);
    assert.equal(crashed.icon, 'error');
    assert.equal(crashed.color, 'charts.red');

    const failed = seen[seen.length - 1];
    assert.equal(failed.state, 'failed');
    assert.match(failed.contextValue, /;failed;/);
    assert.match(failed.contextValue, /;startable;/);
    assert.match(failed.contextValue, /;restartable;/);
    assert.doesNotMatch(failed.contextValue, /;stoppable;/);
    assert.match(failed.description, /^failed/);
    assert.equal(failed.icon, 'error');
    assert.equal(failed.color, 'testing.iconFailed');

    // Adding the worker rebuilt the tree; its state changes refreshed its node alone.
    const node = test.api.tree.nodeFor('looper');
    assert.ok(refreshes.includes(undefined), 'the tree was rebuilt when the worker appeared');
    assert.ok(
      refreshes.some((change) => Array.isArray(change) && change.includes(node as WorkersNode)),
      'state changes refreshed the worker node',
    );

    const [group] = test.api.tree.getChildren();
    assert.equal(group.kind, 'group');
    assert.deepEqual(test.api.tree.getChildren(group), [node]);
    const resolved = test.api.tree.resolveTreeItem(test.api.tree.getTreeItem(node as WorkersNode), node as WorkersNode);
    // appendText escapes Markdown punctuation; compare without the escapes.
    const tooltip = (resolved.tooltip as vscode.MarkdownString).value.replace(/\\/g, '').replace(/&nbsp;/g, ' ');
    assert.match(tooltip, /crash loop/);
    assert.match(tooltip, /exiting with 3/);
    assert.match(tooltip, /SHEPHERD_TEST_MARKER/);
    assert.doesNotMatch(tooltip, new RegExp(test.marker), 'env values never reach the tooltip');
  });

  it('groups by state when shepherd.tree.groupBy says so', async () => {
    test.api.supervisor.upsert({
      id: 'lonely',
      label: 'lonely',
      command: process.execPath,
      args: [],
      cwd: '/',
      env: {},
      shell: false,
      restart: { mode: 'never', maxRestarts: 0, windowMs: 1, backoffBaseMs: 0, backoffMaxMs: 0, minUptimeMs: 0 },
      graceMs: 100,
      healthPatterns: [],
      outputBufferBytes: 1024,
      maxRuntimeMs: undefined,
      autoStart: false,
      source: 'adhoc',
    });
    const groupLabels = (): string =>
      test.api.tree
        .getChildren()
        .map((node) => (node.kind === 'group' ? node.label : node.kind === 'worker' ? node.id : node.kind))
        .join(',');
    await vscode.workspace
      .getConfiguration('shepherd')
      .update('tree.groupBy', 'state', vscode.ConfigurationTarget.Global);
    try {
      await waitFor('groups by state', () => (groupLabels() === 'Stopped' ? true : undefined));
    } finally {
      await vscode.workspace
        .getConfiguration('shepherd')
        .update('tree.groupBy', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('groups by source again', () => (groupLabels() === 'Ad Hoc' ? true : undefined));
  });

  it("says that a previous window's workers are being stopped instead of showing an empty view", async () => {
    const tree = test.api.tree;
    const refreshed = new Promise<void>((resolve) => {
      const subscription = tree.onDidChangeTreeData(() => {
        subscription.dispose();
        resolve();
      });
    });
    tree.setRecovering(3);
    try {
      await refreshed;
      const first = tree.getChildren()[0];
      assert.equal(first?.kind, 'recovery');
      const item = tree.getTreeItem(first);
      assert.equal(item.label, recoveryLabel(3));
      assert.equal(item.label, 'Stopping 3 workers left by a previous window…');
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'loading~spin');
    } finally {
      tree.setRecovering(0);
    }
    assert.ok(tree.getChildren().every((node) => node.kind !== 'recovery'));
  });
});
