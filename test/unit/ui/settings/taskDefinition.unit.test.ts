import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { portableEntry, TaskFacts, TaskRun, taskToWorkerEntry } from '../../../../src/ui/settings/taskDefinition';

const FOLDER = path.resolve('/work/app');

function facts(run: TaskRun, overrides: Partial<TaskFacts> = {}): TaskFacts {
  return { name: 'Dev Server', folderPath: FOLDER, isBackground: false, run, ...overrides };
}

function shell(fields: Partial<Extract<TaskRun, { kind: 'shell' }>>): TaskRun {
  return {
    kind: 'shell',
    commandLine: undefined,
    command: undefined,
    args: [],
    cwd: undefined,
    env: undefined,
    ...fields,
  };
}

describe('a VS Code task as a worker entry', () => {
  it('runs a shell task line through the shell, as one command line', () => {
    const result = taskToWorkerEntry(facts(shell({ commandLine: 'npm run dev -- --port 3000' })));
    assert.deepEqual(result, {
      ok: true,
      entry: {
        id: 'task-dev-server',
        label: 'Dev Server',
        command: 'npm run dev -- --port 3000',
        args: [],
        shell: true,
        restart: 'never',
      },
    });
  });

  it('runs a process task without a shell, args as they are, in its cwd with its env', () => {
    const run: TaskRun = {
      kind: 'process',
      process: 'node',
      args: ['server.js', 'a b', '$HOME'],
      cwd: '${workspaceFolder}/web',
      env: { PORT: '3000', ROOT: '${workspaceFolder}' },
    };
    const result = taskToWorkerEntry(facts(run, { isBackground: true }));
    assert.deepEqual(result, {
      ok: true,
      entry: {
        id: 'task-dev-server',
        label: 'Dev Server',
        command: 'node',
        args: ['server.js', 'a b', '$HOME'],
        shell: false,
        cwd: `${FOLDER}/web`,
        env: { PORT: '3000', ROOT: FOLDER },
        restart: 'on-failure',
      },
    });
  });

  it('quotes a shell task’s separate args so the shell passes each one through unchanged', function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const run = shell({
      command: 'printf',
      args: ['%s|', 'two words', "it's", { value: '$HOME; x', quoting: 'strong' }, { value: 'a b', quoting: 'escape' }],
    });
    const result = taskToWorkerEntry(facts(run));
    assert.ok(result.ok);
    // The line, run by a real shell, prints each argument whole.
    const printed = execFileSync('/bin/sh', ['-c', result.entry.command], { encoding: 'utf8' });
    assert.equal(printed, "two words|it's|$HOME; x|a b|");
  });

  it('keeps weak quoting’s variable expansion, as the task asked', function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const run = shell({ command: 'printf', args: ['%s', { value: '$SHEPHERD_WEAK "x"', quoting: 'weak' }] });
    const result = taskToWorkerEntry(facts(run));
    assert.ok(result.ok);
    const printed = execFileSync('/bin/sh', ['-c', result.entry.command], {
      encoding: 'utf8',
      env: { ...process.env, SHEPHERD_WEAK: 'expanded' },
    });
    assert.equal(printed, 'expanded "x"');
  });

  it('fills in ${workspaceFolder}, ${workspaceFolderBasename} and ${env:…}, and names a variable it cannot', () => {
    const ok = taskToWorkerEntry(
      facts(shell({ commandLine: 'echo ${workspaceFolderBasename} ${env:SHEPHERD_X} ${workspaceFolder}' })),
      { SHEPHERD_X: 'x-value' },
    );
    assert.ok(ok.ok);
    assert.equal(ok.entry.command, `echo app x-value ${FOLDER}`);
    const bad = taskToWorkerEntry(facts(shell({ commandLine: 'deploy ${input:target} ${file}' })));
    assert.deepEqual(bad, { ok: false, problem: { kind: 'variable', variable: '${input:target}' } });
  });

  it('refuses a task with no command', () => {
    assert.deepEqual(taskToWorkerEntry(facts(shell({ commandLine: '  ' }))), {
      ok: false,
      problem: { kind: 'no-command' },
    });
  });

  it('writes a cwd inside the folder relative to it for settings, and leaves one outside absolute', () => {
    const entry = { id: 'x', label: 'x', command: 'c', args: [], shell: false, restart: 'never' as const };
    assert.deepEqual(portableEntry({ ...entry, cwd: path.join(FOLDER, 'web') }, FOLDER), { ...entry, cwd: 'web' });
    assert.deepEqual(portableEntry({ ...entry, cwd: FOLDER }, FOLDER), entry);
    const outside = { ...entry, cwd: path.resolve('/elsewhere') };
    assert.deepEqual(portableEntry(outside, FOLDER), outside);
  });
});
