// Shared by the extension-host tests: activates the installed Shepherd, writes settings, waits for
// workers, and cleans up after every test (settings, workers, marked processes) even when it failed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShepherdApi } from '../../src/extension';
import type { WorkerView } from '../../src/core/workers/workerView';
import { findMarked, killMarked, MARKER_VAR, newMarker, waitFor } from '../helpers/processes';

export const EXTENSION_ID = 'shepherd.shepherd';

export interface ShepherdTest {
  api: ShepherdApi;
  /** Unique per test; put it in a worker's env (see markerEnv) so leftovers can be found in /proc. */
  marker: string;
}

export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return folder;
}

/** The environment every test worker gets: the marker, and node mode should the host be Electron. */
export function markerEnv(marker: string): Record<string, string> {
  return { [MARKER_VAR]: marker, ELECTRON_RUN_AS_NODE: '1' };
}

/** The same, as a prefix for a shell command line. */
export function markerPrefix(marker: string): string {
  return `${MARKER_VAR}=${marker} ELECTRON_RUN_AS_NODE=1`;
}

export async function updateSetting(
  key: string,
  value: unknown,
  target = vscode.ConfigurationTarget.Workspace,
): Promise<void> {
  await vscode.workspace.getConfiguration('shepherd').update(key, value, target);
}

/** Polls the supervisor until `check` accepts the worker's view. */
export function waitForWorker(
  api: ShepherdApi,
  id: string,
  what: string,
  check: (view: WorkerView | undefined) => boolean,
  timeoutMs = 10_000,
): Promise<WorkerView | undefined> {
  return waitFor(
    `worker "${id}" ${what}`,
    () => {
      const view = api.supervisor.get(id);
      return check(view) ? { view } : undefined;
    },
    timeoutMs,
  ).then((found) => found.view);
}

export async function waitForState(
  api: ShepherdApi,
  id: string,
  state: WorkerView['state'],
  timeoutMs = 10_000,
): Promise<WorkerView> {
  const view = await waitForWorker(api, id, `to be ${state}`, (candidate) => candidate?.state === state, timeoutMs);
  assert.ok(view);
  return view;
}

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}

async function resetSettings(): Promise<void> {
  for (const key of ['workers', 'procfile']) {
    await updateSetting(key, undefined, vscode.ConfigurationTarget.Workspace);
    await updateSetting(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

/**
 * Registers the hooks of a Shepherd test file: activation before all, a fresh marker per test, and
 * after each test: settings reset, every worker removed, marked processes killed, and a failure if
 * any had been left running. The fixture's .vscode/settings.json is removed if the tests created it.
 */
export function useShepherd(): ShepherdTest {
  const context = {} as ShepherdTest;
  const settingsDir = path.join(workspaceFolder().uri.fsPath, '.vscode');
  const hadSettingsDir = fs.existsSync(settingsDir);

  before(async () => {
    const extension = vscode.extensions.getExtension<ShepherdApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    context.api = await extension.activate();
  });

  beforeEach(() => {
    context.marker = newMarker();
  });

  afterEach(async () => {
    await resetSettings();
    await context.api.reconcile();
    await Promise.all(context.api.supervisor.snapshot().map((view) => context.api.supervisor.remove(view.id)));
    const leaked = await findMarked(context.marker);
    await killMarked(context.marker);
    assert.deepEqual(leaked, [], `processes outlived the test: ${leaked.join(', ')}`);
  });

  after(async () => {
    if (!hadSettingsDir) {
      // Through the workbench, not fs: a settings file a test opened (Edit Definition) is closed with it.
      // Deleted behind its back, its open model would refuse the next test's settings writes as stale.
      const edit = new vscode.WorkspaceEdit();
      edit.deleteFile(vscode.Uri.file(settingsDir), { recursive: true, ignoreIfNotExists: true });
      await vscode.workspace.applyEdit(edit);
      fs.rmSync(settingsDir, { recursive: true, force: true });
    }
  });

  return context;
}

/**
 * useShepherd for tests that open agent sessions: each test's sessions are closed after it, before
 * useShepherd removes the workers (mocha runs a block's afterEach hooks in the order they were added).
 */
export function useShepherdSessions(): ShepherdTest {
  let test: ShepherdTest | undefined;
  afterEach(async () => {
    const sessions = test?.api.sessions;
    await Promise.all((sessions?.list() ?? []).map((session) => sessions?.close(session.id)));
  });
  test = useShepherd();
  return test;
}

/** The bundled demo agent's script, in the extension under test. */
export function demoAgentScript(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  return path.join(extension.extensionPath, 'dist', 'demo-agent.js');
}

/** Waits up to 10 s for the agents a suite started (those with `marker`) to stop, then kills any left. */
export async function agentsStopped(marker: string): Promise<void> {
  await waitFor(
    'the agents to stop',
    async () => ((await findMarked(marker)).length === 0 ? true : undefined),
    10_000,
  ).finally(() => killMarked(marker));
}
