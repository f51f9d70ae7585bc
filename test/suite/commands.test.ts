// Worker commands run from code (as the palette or a tree click would), against real processes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WorkerDefinition } from '../../src/core/definitions/workerDefinition';
import { findMarked, fixture, waitFor } from '../helpers/processes';
import { isAlive, markerEnv, markerPrefix, useShepherd, waitForState, workspaceFolder } from './shepherdHost';

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

  it('Stop All Workers stops every group', async () => {
    test.api.supervisor.upsert(stubborn('one', test.marker));
    test.api.supervisor.upsert(stubborn('two', test.marker));
    await Promise.all(['one', 'two'].map((id) => vscode.commands.executeCommand('shepherd.worker.start', id)));
    await waitForState(test.api, 'one', 'running');
    await waitForState(test.api, 'two', 'running');
    await vscode.commands.executeCommand('shepherd.workers.stopAll');
    assert.deepEqual(
      test.api.supervisor.snapshot().map((view) => view.state),
      ['stopped', 'stopped'],
    );
    assert.deepEqual(await findMarked(test.marker), []);
  });

  it('Run Command as Worker runs a typed line and Open in Terminal talks to its stdin', async () => {
    const line = `${markerPrefix(test.marker)} "${process.execPath}" "${fixture('echo-lines.js')}" hello`;
    const id = await vscode.commands.executeCommand<string>('shepherd.worker.runCommand', line);
    assert.match(id, /^adhoc-.+-1$/);
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
    const id = await vscode.commands.executeCommand<string>(
      'shepherd.worker.runCommand',
      `"${process.execPath}" -e "setTimeout(() => {}, 60000)"`,
    );
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
