// Worker commands run from code (as the palette or a tree click would), against real processes.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkerDefinition } from '../../src/core/definitions/workerDefinition';
import { findMarked, fixture, waitFor } from '../helpers/processes';
import { isAlive, markerEnv, markerPrefix, useShepherd, waitForState, workspaceFolder } from './shepherdHost';
import { isWorkerNode } from '../../src/ui/workers/workersTree';

function stubborn(id: string, marker: string): WorkerDefinition {
  return {
    id,
    label: id,
    command: '/bin/sh',
    args: [fixture('stubborn.sh')],
    cwd: workspaceFolder().uri.fsPath,
    env: markerEnv(marker),
    shell: false,
    restart: { mode: 'never', maxRestarts: 0, windowMs: 60_000, backoffBaseMs: 0, backoffMaxMs: 0, minUptimeMs: 0 },
    graceMs: 300,
    healthPatterns: [],
    outputBufferBytes: 64 * 1024,
    maxRuntimeMs: undefined,
    autoStart: false,
    source: 'adhoc',
  };
}

/** Whether the clipboard answers within a second; in a browser it needs a permission it may lack. */
async function clipboardWorks(): Promise<boolean> {
  const probe = `shepherd-probe-${Date.now()}`;
  const attempt = (async (): Promise<boolean> => {
    await vscode.env.clipboard.writeText(probe);
    return (await vscode.env.clipboard.readText()) === probe;
  })();
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000));
  return Promise.race([attempt, timeout]);
}

describe('worker commands', () => {
  const test = useShepherd();

  it('Stop Worker leaves no process of the group behind', async () => {
    test.api.supervisor.upsert(stubborn('stubborn', test.marker));
    await vscode.commands.executeCommand('shepherd.worker.start', 'stubborn');
    const running = await waitForState(test.api, 'stubborn', 'running');
    // The script's two grandchildren ignore SIGTERM as well; wait until all three exist.
    await waitFor('the whole group', async () => ((await findMarked(test.marker)).length >= 3 ? true : undefined));
    await vscode.commands.executeCommand('shepherd.worker.stop', test.api.tree.nodeFor('stubborn'));
    assert.equal(test.api.supervisor.get('stubborn')?.state, 'stopped');
    assert.ok(running.pid !== undefined && !isAlive(running.pid));
    assert.deepEqual(await findMarked(test.marker), []);
  });

  it('Stop All Workers stops every worker but leaves agent sessions running unless included', async () => {
    test.api.supervisor.upsert(stubborn('one', test.marker));
    test.api.supervisor.upsert(stubborn('two', test.marker));
    // A process of an agent session, as the session layer defines one.
    test.api.supervisor.upsert({ ...stubborn('agent', test.marker), source: 'session' });
    const ids = ['one', 'two', 'agent'];
    await Promise.all(ids.map((id) => vscode.commands.executeCommand('shepherd.worker.start', id)));
    for (const id of ids) {
      await waitForState(test.api, id, 'running');
    }
    // What the default button of the question ("Stop 2 workers?") does.
    const stopped = await vscode.commands.executeCommand<string[]>('shepherd.workers.stopAll', {
      include: ['workers'],
    });
    assert.deepEqual([...stopped].sort(), ['one', 'two']);
    assert.deepEqual(
      ids.map((id) => test.api.supervisor.get(id)?.state),
      ['stopped', 'stopped', 'running'],
    );
    const withSessions = await vscode.commands.executeCommand<string[]>('shepherd.workers.stopAll', {
      include: ['workers', 'sessions'],
    });
    assert.deepEqual(withSessions, ['agent']);
    assert.equal(test.api.supervisor.get('agent')?.state, 'stopped');
    assert.deepEqual(await findMarked(test.marker), []);
  });

  it('Stop All Workers refuses an argument it does not understand, saying what was wrong', async () => {
    const result = await vscode.commands.executeCommand('shepherd.workers.stopAll', { include: ['everything'] });
    assert.equal(result, undefined, 'the guard reports the error instead of throwing');
  });

  it('a stopping row counts down to SIGKILL, Kill Now ends it, and the markers say how', async () => {
    test.api.supervisor.upsert({ ...stubborn('slow', test.marker), graceMs: 600_000 });
    await vscode.commands.executeCommand('shepherd.worker.start', 'slow');
    // Running is not yet ignoring SIGTERM: on a loaded machine a stop could land before the script's trap.
    await waitFor('the script to set its trap', () =>
      test.api.supervisor.output('slow').some((line) => line.text === 'ready') ? true : undefined,
    );
    const stopping = vscode.commands.executeCommand('shepherd.worker.stop', 'slow');
    await waitForState(test.api, 'slow', 'stopping');
    const node = test.api.tree.nodeFor('slow');
    assert.ok(node);
    const item = test.api.tree.getTreeItem(node);
    assert.match(String(item.description), /^stopping · SIGKILL in \d+ s$/);
    assert.match(String(item.contextValue), /^worker;stopping;/, 'the inline Kill Now matches this row');
    await waitFor('the status bar to count the stop', () =>
      test.api.statusBar.text.includes('1 stopping') ? true : undefined,
    );
    await vscode.commands.executeCommand('shepherd.worker.killNow', node);
    await stopping;
    assert.equal(test.api.supervisor.get('slow')?.state, 'stopped');
    const markers = test.api.supervisor.markers('slow').map((marker) => marker.text);
    assert.match(markers[0], /^started, pid \d+$/);
    assert.match(markers[1], /^killed with SIGKILL after [\d,]+ ms$/);
    assert.deepEqual(await findMarked(test.marker), []);
  });

  it('the Stop Worker key stops the row selected in the Workers view', async () => {
    test.api.supervisor.upsert(stubborn('chosen', test.marker));
    test.api.supervisor.upsert(stubborn('other', test.marker));
    await vscode.commands.executeCommand('shepherd.worker.start', 'chosen');
    await vscode.commands.executeCommand('shepherd.worker.start', 'other');
    await waitForState(test.api, 'chosen', 'running');
    await waitForState(test.api, 'other', 'running');
    const node = test.api.tree.nodeFor('chosen');
    assert.ok(node);
    await vscode.commands.executeCommand('shepherd.workers.focus');
    await test.api.workersView.reveal(node, { select: true, focus: true });
    // The selection reaches the extension host after reveal() resolves; the user presses the key once the row shows selected.
    await waitFor('the row to be selected', () =>
      test.api.workersView.selection.some((selected) => isWorkerNode(selected) && selected.id === 'chosen')
        ? true
        : undefined,
    );
    // What the keybinding passes.
    await vscode.commands.executeCommand('shepherd.worker.stop', { selection: true });
    assert.equal(test.api.supervisor.get('chosen')?.state, 'stopped');
    assert.equal(test.api.supervisor.get('other')?.state, 'running');
    await vscode.commands.executeCommand('shepherd.worker.stop', 'other');
  });

  it('counts a crashed worker as crashed in the status bar, not as failed', async () => {
    test.api.supervisor.upsert({
      ...stubborn('crasher', test.marker),
      command: process.execPath,
      args: [fixture('exit-with.js'), '4'],
    });
    await vscode.commands.executeCommand('shepherd.worker.start', 'crasher');
    await waitForState(test.api, 'crasher', 'crashed');
    await waitFor('the status bar to say crashed', () =>
      test.api.statusBar.text.includes('1 crashed') ? true : undefined,
    );
    assert.doesNotMatch(test.api.statusBar.text, /failed/);
    const node = test.api.tree.nodeFor('crasher');
    assert.ok(node);
    assert.equal(test.api.tree.getTreeItem(node).description, 'crashed · exit code 4');
  });

  it('Run Command as Worker runs a typed line and Open in Terminal talks to its stdin', async () => {
    const line = `${markerPrefix(test.marker)} "${process.execPath}" "${fixture('echo-lines.js')}" hello`;
    const id = await vscode.commands.executeCommand<string>('shepherd.worker.runCommand', line);
    assert.match(id, /^adhoc-.+-1$/);
    assert.equal(test.api.supervisor.get(id)?.label, `${path.basename(process.execPath)} echo-lines.js`);
    await vscode.commands.executeCommand('shepherd.worker.rename', id, 'echo server');
    assert.equal(test.api.supervisor.get(id)?.label, 'echo server');
    const definition = test.api.supervisor.definition(id);
    assert.equal(definition?.source, 'adhoc');
    assert.equal(definition?.shell, true, 'a leading NAME=value needs a shell');
    assert.equal(definition?.restart.mode, 'never');
    assert.equal(definition?.cwd, workspaceFolder().uri.fsPath);
    await waitForState(test.api, id, 'running');
    await waitFor('the greeting', () =>
      test.api.supervisor.output(id).some((l) => l.text === 'hello') ? true : undefined,
    );

    await vscode.commands.executeCommand('shepherd.worker.openTerminal', id);
    const terminal = await waitFor('the worker terminal', () =>
      vscode.window.terminals.find((t) => t.name.startsWith('Shepherd: ')),
    );
    terminal.sendText('ping');
    await waitFor('the echo', () =>
      test.api.supervisor.output(id).some((l) => l.text === 'echo: ping') ? true : undefined,
    );
    terminal.dispose();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(test.api.supervisor.get(id)?.state, 'running', 'closing the terminal does not stop the worker');
  });

  it('Run Command as Worker runs a plain line without a shell', async () => {
    const id = await vscode.commands.executeCommand<string>('shepherd.worker.runCommand', {
      command: `"${process.execPath}" -e "setTimeout(() => {}, 60000)"`,
      name: 'sleeper',
    });
    assert.equal(test.api.supervisor.get(id)?.label, 'sleeper', 'the name field names the worker');
    const definition = test.api.supervisor.definition(id);
    assert.equal(definition?.shell, false);
    assert.equal(definition?.command, process.execPath);
    assert.deepEqual(definition?.args, ['-e', 'setTimeout(() => {}, 60000)']);
    await vscode.commands.executeCommand('shepherd.worker.stop', id);
  });

  it('Sweep Dead Workers removes finished ad hoc workers only', async () => {
    test.api.supervisor.upsert(stubborn('finished', test.marker));
    test.api.supervisor.upsert(stubborn('alive', test.marker));
    await vscode.commands.executeCommand('shepherd.worker.start', 'alive');
    await waitForState(test.api, 'alive', 'running');
    await vscode.commands.executeCommand('shepherd.workers.sweepDead');
    assert.equal(test.api.supervisor.get('finished'), undefined);
    assert.equal(test.api.supervisor.get('alive')?.state, 'running');
  });

  it('Copy PID puts the pid of the clicked worker on the clipboard', async function () {
    if (!(await clipboardWorks())) {
      // A headless browser without clipboard permission (code-server) has no clipboard to test.
      this.skip();
    }
    test.api.supervisor.upsert(stubborn('pid', test.marker));
    await vscode.commands.executeCommand('shepherd.worker.start', 'pid');
    const view = await waitForState(test.api, 'pid', 'running');
    await vscode.commands.executeCommand('shepherd.worker.copyPid', test.api.tree.nodeFor('pid'));
    assert.equal(await vscode.env.clipboard.readText(), String(view.pid));
  });

  it('Show Output and Clear Output act on the clicked worker', async () => {
    test.api.supervisor.upsert(stubborn('chatty', test.marker));
    await vscode.commands.executeCommand('shepherd.worker.start', 'chatty');
    await waitFor('output', () => (test.api.supervisor.output('chatty').length > 0 ? true : undefined));
    await vscode.commands.executeCommand('shepherd.worker.showOutput', test.api.tree.nodeFor('chatty'));
    await vscode.commands.executeCommand('shepherd.worker.clearOutput', test.api.tree.nodeFor('chatty'));
    assert.deepEqual(test.api.supervisor.output('chatty'), []);
  });
});
