// VS Code tasks as workers: Run Task as Worker and Import Background Tasks, over tasks.json.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, MARKER_VAR, waitFor } from '../helpers/processes';
import { markerEnv, useShepherd, waitForState, waitForWorker } from './shepherdHost';

const BACKGROUND_TASK = 'shepherd-test-watch';
const PROCESS_TASK = 'shepherd-test-echo';

describe('VS Code tasks as workers', () => {
  const test = useShepherd();

  /** Writes the workspace's tasks.json through the settings API, then waits for the task system to list them. */
  async function defineTasks(): Promise<void> {
    const tasks = vscode.workspace.getConfiguration('tasks');
    await tasks.update('version', '2.0.0', vscode.ConfigurationTarget.Workspace);
    await tasks.update(
      'tasks',
      [
        {
          label: BACKGROUND_TASK,
          type: 'shell',
          command: `"${process.execPath}" "${fixture('echo-lines.js')}" watching`,
          isBackground: true,
          options: { env: markerEnv(test.marker) },
          problemMatcher: [],
        },
        {
          label: PROCESS_TASK,
          type: 'process',
          command: process.execPath,
          args: [fixture('echo-lines.js'), 'two words'],
          options: { cwd: '${workspaceFolder}', env: markerEnv(test.marker) },
          problemMatcher: [],
        },
      ],
      vscode.ConfigurationTarget.Workspace,
    );
    await waitFor('the tasks in fetchTasks', async () => {
      const names = (await vscode.tasks.fetchTasks()).map((task) => task.name);
      return names.includes(BACKGROUND_TASK) && names.includes(PROCESS_TASK) ? true : undefined;
    });
  }

  afterEach(async () => {
    const tasks = vscode.workspace.getConfiguration('tasks');
    await tasks.update('tasks', undefined, vscode.ConfigurationTarget.Workspace);
    await tasks.update('version', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('Run Task as Worker runs a shell task with a shell and a process task without one', async () => {
    await defineTasks();
    const shellId = await vscode.commands.executeCommand<string>('shepherd.worker.runTask', BACKGROUND_TASK);
    const processId = await vscode.commands.executeCommand<string>('shepherd.worker.runTask', PROCESS_TASK);
    assert.deepEqual([shellId, processId], [`task-${BACKGROUND_TASK}`, `task-${PROCESS_TASK}`]);
    const shellWorker = await waitForState(test.api, shellId, 'running');
    const processWorker = await waitForState(test.api, processId, 'running');
    assert.equal(shellWorker.label, BACKGROUND_TASK);
    assert.ok(shellWorker.envNames.includes(MARKER_VAR), 'the task’s env reaches the worker');
    assert.ok(processWorker.envNames.includes(MARKER_VAR));
    // The process task's argument "two words" arrives as one argument: no shell split it.
    const lines = (id: string): string[] => test.api.supervisor.output(id).map((line) => line.text);
    await waitFor('the process task’s argument', () => (lines(processId).includes('two words') ? true : undefined));
    await waitFor('the shell task’s argument', () => (lines(shellId).includes('watching') ? true : undefined));
  });

  it('Import Background Tasks adds the background tasks to the workers in settings, once', async () => {
    await defineTasks();
    const added = await vscode.commands.executeCommand<string[]>('shepherd.tasks.importBackground');
    const id = `task-${BACKGROUND_TASK}`;
    assert.deepEqual(added, [id]);
    const inSettings = vscode.workspace.getConfiguration('shepherd').inspect<unknown[]>('workers')?.workspaceValue;
    assert.deepEqual(
      inSettings?.map((entry) => JSON.parse(JSON.stringify(entry)) as Record<string, unknown>),
      [
        {
          id,
          label: BACKGROUND_TASK,
          command: `"${process.execPath}" "${fixture('echo-lines.js')}" watching`,
          args: [],
          shell: true,
          env: markerEnv(test.marker),
          restart: 'on-failure',
        },
      ],
    );
    const view = await waitForWorker(test.api, id, 'to come from settings', (candidate) => candidate !== undefined);
    assert.equal(view?.source, 'settings');
    assert.equal(view?.state, 'stopped');
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('shepherd.tasks.importBackground'), []);
  });
});
