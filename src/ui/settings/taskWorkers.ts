import * as os from 'node:os';
import * as vscode from 'vscode';
import { parseWorkerDefinition } from '../../core/definitions/definitionParser';
import type { ShepherdContext } from '../context';
import { readWorkerDefaults, SECTION } from './configuration';
import { portableEntry, ShellArg, TaskFacts, TaskProblem, taskToWorkerEntry, WorkerEntry } from './taskDefinition';
import { isObject } from '../../shared/untrusted';

/** What running and importing VS Code tasks use of the context. */
export type TaskWorkersContext = Pick<ShepherdContext, 'supervisor' | 'trust' | 'outputs' | 'control' | 'notifier'>;

interface TaskItem extends vscode.QuickPickItem {
  readonly task: vscode.Task;
  readonly facts: TaskFacts;
}

const QUOTING: Readonly<Record<vscode.ShellQuoting, 'escape' | 'strong' | 'weak'>> = {
  [vscode.ShellQuoting.Escape]: 'escape',
  [vscode.ShellQuoting.Strong]: 'strong',
  [vscode.ShellQuoting.Weak]: 'weak',
};

function shellArg(arg: string | vscode.ShellQuotedString): ShellArg {
  return typeof arg === 'string' ? arg : { value: arg.value, quoting: QUOTING[arg.quoting] };
}

function folderOf(task: vscode.Task): vscode.WorkspaceFolder | undefined {
  return typeof task.scope === 'object' ? task.scope : undefined;
}

/** The task's facts; undefined for a task Shepherd cannot run (a CustomExecution, or none). */
function readTask(task: vscode.Task): TaskFacts | undefined {
  const execution = task.execution;
  const base = { name: task.name, folderPath: folderOf(task)?.uri.fsPath, isBackground: task.isBackground };
  if (execution instanceof vscode.ShellExecution) {
    return {
      ...base,
      run: {
        kind: 'shell',
        commandLine: execution.commandLine,
        command: execution.command === undefined ? undefined : shellArg(execution.command),
        args: (execution.args ?? []).map(shellArg),
        cwd: execution.options?.cwd,
        env: execution.options?.env,
      },
    };
  }
  if (execution instanceof vscode.ProcessExecution) {
    return {
      ...base,
      run: {
        kind: 'process',
        process: execution.process,
        args: execution.args,
        cwd: execution.options?.cwd,
        env: execution.options?.env,
      },
    };
  }
  return undefined;
}

async function runnableTasks(): Promise<Array<{ task: vscode.Task; facts: TaskFacts }>> {
  const tasks = await vscode.tasks.fetchTasks();
  return tasks.flatMap((task) => {
    const facts = readTask(task);
    return facts ? [{ task, facts }] : [];
  });
}

function describeProblem(name: string, problem: TaskProblem): string {
  return problem.kind === 'no-command'
    ? vscode.l10n.t('The task "{0}" has no command to run.', name)
    : vscode.l10n.t('The task "{0}" uses {1}, which only VS Code\'s task runner can fill in.', name, problem.variable);
}

function translate(facts: TaskFacts): WorkerEntry {
  const translated = taskToWorkerEntry(facts);
  if (!translated.ok) {
    throw new Error(describeProblem(facts.name, translated.problem));
  }
  return translated.entry;
}

async function pickTask(): Promise<TaskItem | undefined> {
  const runnable = await runnableTasks();
  if (runnable.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Shepherd: this workspace has no shell or process tasks. Define some in .vscode/tasks.json.'),
    );
    return undefined;
  }
  const items: TaskItem[] = runnable.map(({ task, facts }) => ({
    task,
    facts,
    label: task.name,
    description: [task.source, facts.isBackground ? vscode.l10n.t('background') : undefined]
      .filter((part) => part !== undefined)
      .join(' · '),
    detail: facts.run.kind === 'shell' ? (facts.run.commandLine ?? undefined) : facts.run.process,
  }));
  return vscode.window.showQuickPick(items, {
    placeHolder: vscode.l10n.t('Run which task as a supervised worker?'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
}

/** Tests and keybindings name the task; everyone else picks it. */
async function resolveTask(arg: unknown): Promise<TaskFacts | undefined> {
  if (typeof arg !== 'string') {
    return (await pickTask())?.facts;
  }
  const found = (await runnableTasks()).find(({ task }) => task.name === arg);
  if (!found) {
    throw new Error(vscode.l10n.t('There is no shell or process task named "{0}".', arg));
  }
  return found.facts;
}

/**
 * Run Task as Worker: the chosen task, translated (see taskDefinition.ts), supervised as an ad hoc
 * worker and started; resolves with its id. A task is the workspace's code, so trust applies to it.
 */
export async function runTaskAsWorker(ctx: TaskWorkersContext, arg: unknown): Promise<string | undefined> {
  const facts = await resolveTask(arg);
  if (!facts) {
    return undefined;
  }
  const entry = translate(facts);
  const folder = facts.folderPath === undefined ? undefined : vscode.Uri.file(facts.folderPath);
  // Problems in shepherd.defaults are reported by the settings sync; here they only fall back.
  const ignoredProblems: string[] = [];
  const definition = parseWorkerDefinition(entry, {
    source: 'adhoc',
    defaults: readWorkerDefaults(folder, ignoredProblems),
    baseDir: facts.folderPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir(),
  });
  if (!definition.ok) {
    throw new Error(vscode.l10n.t('Cannot run the task "{0}": {1}', facts.name, definition.errors.join('; ')));
  }
  ctx.supervisor.upsert(definition.value);
  ctx.trust.setOrigin(entry.id, 'workspace');
  ctx.outputs.show(entry.id);
  await ctx.control.start(entry.id);
  return entry.id;
}

function idOf(raw: unknown): unknown {
  return isObject(raw) ? raw.id : undefined;
}

/**
 * Adds entries to the `shepherd.workers` of one folder's settings (of the workspace's, in a
 * single-folder window or for a workspace-wide task), keeping what is there. Resolves with the ids added.
 */
async function addToSettings(folderPath: string | undefined, entries: readonly WorkerEntry[]): Promise<string[]> {
  const multiRoot = vscode.workspace.workspaceFile !== undefined;
  const folderUri = folderPath === undefined ? undefined : vscode.Uri.file(folderPath);
  const config = vscode.workspace.getConfiguration(SECTION, folderUri);
  const inspected = config.inspect<unknown[]>('workers');
  const perFolder = multiRoot && folderUri !== undefined;
  const current = (perFolder ? inspected?.workspaceFolderValue : inspected?.workspaceValue) ?? [];
  const known = new Set(current.map(idOf));
  const added = entries.filter((entry) => !known.has(entry.id)).map((entry) => portableEntry(entry, folderPath));
  if (added.length > 0) {
    const target = perFolder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    await config.update('workers', [...current, ...added], target);
  }
  return added.map((entry) => entry.id);
}

/**
 * Import Background Tasks: every `isBackground` shell or process task becomes a `shepherd.workers`
 * entry in its folder's settings (stopped until started, like an imported Procfile). Entries already
 * there by id are left as they are. Resolves with the ids added.
 */
export async function importBackgroundTasks(ctx: TaskWorkersContext): Promise<string[]> {
  const background = (await runnableTasks()).filter(({ facts }) => facts.isBackground);
  if (background.length === 0) {
    ctx.notifier.info(
      vscode.l10n.t('Shepherd: no background tasks found. A task with "isBackground": true in tasks.json is one.'),
    );
    return [];
  }
  const problems: string[] = [];
  const byFolder = new Map<string | undefined, WorkerEntry[]>();
  for (const { facts } of background) {
    const translated = taskToWorkerEntry(facts);
    if (!translated.ok) {
      problems.push(describeProblem(facts.name, translated.problem));
      continue;
    }
    byFolder.set(facts.folderPath, [...(byFolder.get(facts.folderPath) ?? []), translated.entry]);
  }
  const added: string[] = [];
  for (const [folderPath, entries] of byFolder) {
    added.push(...(await addToSettings(folderPath, entries)));
  }
  ctx.notifier.warnProblems(problems);
  ctx.notifier.info(
    added.length === 0
      ? vscode.l10n.t('Shepherd: the background tasks are already workers in settings.')
      : vscode.l10n.t('Shepherd: added {0} background task(s) to the workers in settings.', added.length),
  );
  return added;
}
