import * as path from 'node:path';
import { slugify } from '../../core/definitions/definitionParser';

/** How VS Code quotes one argument of a shell task (its `ShellQuoting`, by name). */
export type ShellArgQuoting = 'escape' | 'strong' | 'weak';

/** One argument of a shell task: plain text, or text with the quoting the task asked for. */
export type ShellArg = string | { readonly value: string; readonly quoting: ShellArgQuoting };

/** What a VS Code task runs, read off its ShellExecution or ProcessExecution. */
export type TaskRun =
  | {
      readonly kind: 'shell';
      /** The whole line, when the task gave one; otherwise `command` and `args`. */
      readonly commandLine: string | undefined;
      readonly command: ShellArg | undefined;
      readonly args: readonly ShellArg[];
      readonly cwd: string | undefined;
      readonly env: Readonly<Record<string, string>> | undefined;
    }
  | {
      readonly kind: 'process';
      readonly process: string;
      readonly args: readonly string[];
      readonly cwd: string | undefined;
      readonly env: Readonly<Record<string, string>> | undefined;
    };

/** A task as the translation needs it, free of the vscode module so it can be unit-tested. */
export interface TaskFacts {
  readonly name: string;
  /** The task's folder; undefined for a workspace-wide or global task. */
  readonly folderPath: string | undefined;
  readonly isBackground: boolean;
  readonly run: TaskRun;
}

/** A `shepherd.workers` entry, as it is written to settings and read back by the definition parser. */
export interface WorkerEntry {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  readonly args: string[];
  readonly shell: boolean;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly restart: 'never' | 'on-failure';
}

/** Why a task cannot run as a worker: no command at all, or a variable only VS Code's task runner fills in. */
export type TaskProblem = { readonly kind: 'no-command' } | { readonly kind: 'variable'; readonly variable: string };

export type TaskTranslation =
  { readonly ok: true; readonly entry: WorkerEntry } | { readonly ok: false; readonly problem: TaskProblem };

const VARIABLE = /\$\{([^}]+)\}/g;

/** Characters after which a POSIX shell would not take an unquoted word as it is. */
const SHELL_SPECIAL = /[\s'"\\$`|&;<>()*?[\]#~!{}]/;

function quoteArg(arg: ShellArg): string {
  const value = typeof arg === 'string' ? arg : arg.value;
  const quoting = typeof arg === 'string' ? (SHELL_SPECIAL.test(value) ? 'strong' : undefined) : arg.quoting;
  switch (quoting) {
    case undefined:
      return value;
    case 'escape':
      return value.replace(/[\s'"\\$`|&;<>()*?[\]#~!{}]/g, (c) => `\\${c}`);
    case 'strong':
      return `'${value.replace(/'/g, `'\\''`)}'`;
    case 'weak':
      // Variables still expand inside double quotes: that is what weak quoting asks for.
      return `"${value.replace(/["\\`]/g, (c) => `\\${c}`)}"`;
  }
}

/** Replaces the task variables a worker can know; names the first one it cannot (`${input:…}`, `${file}`). */
function resolveVariables(text: string, facts: TaskFacts, env: NodeJS.ProcessEnv): { text: string; unknown?: string } {
  let unknown: string | undefined;
  const resolved = text.replace(VARIABLE, (whole, name: string) => {
    if ((name === 'workspaceFolder' || name === 'cwd') && facts.folderPath !== undefined) {
      return facts.folderPath;
    }
    if (name === 'workspaceFolderBasename' && facts.folderPath !== undefined) {
      return path.basename(facts.folderPath);
    }
    if (name === 'pathSeparator') {
      return path.sep;
    }
    if (name.startsWith('env:')) {
      return env[name.slice('env:'.length)] ?? '';
    }
    unknown ??= whole;
    return whole;
  });
  return unknown === undefined ? { text: resolved } : { text: resolved, unknown };
}

/**
 * The worker entry that runs a task as VS Code would: a shell task through the platform shell (it
 * asked for one) as a single line, a process task without a shell, in the task's cwd with its env.
 * A task that runs forever (`isBackground`) restarts when it fails; a finite one never restarts.
 */
export function taskToWorkerEntry(facts: TaskFacts, env: NodeJS.ProcessEnv = process.env): TaskTranslation {
  const run = facts.run;
  let command: string;
  let args: string[];
  if (run.kind === 'shell') {
    const line =
      run.commandLine ?? (run.command === undefined ? '' : [run.command, ...run.args].map(quoteArg).join(' '));
    command = line;
    args = [];
  } else {
    command = run.process;
    args = [...run.args];
  }
  const unknown: string[] = [];
  const resolve = (text: string): string => {
    const result = resolveVariables(text, facts, env);
    if (result.unknown !== undefined) {
      unknown.push(result.unknown);
    }
    return result.text;
  };
  command = resolve(command).trim();
  args = args.map(resolve);
  const cwd = run.cwd === undefined ? undefined : resolve(run.cwd);
  const taskEnv = run.env && Object.fromEntries(Object.entries(run.env).map(([key, value]) => [key, resolve(value)]));
  if (command === '') {
    return { ok: false, problem: { kind: 'no-command' } };
  }
  if (unknown[0] !== undefined) {
    return { ok: false, problem: { kind: 'variable', variable: unknown[0] } };
  }
  return {
    ok: true,
    entry: {
      id: `task-${slugify(facts.name)}`,
      label: facts.name,
      command,
      args,
      shell: run.kind === 'shell',
      ...(cwd === undefined ? {} : { cwd }),
      ...(taskEnv === undefined || Object.keys(taskEnv).length === 0 ? {} : { env: taskEnv }),
      restart: facts.isBackground ? 'on-failure' : 'never',
    },
  };
}

/** The entry as settings keep it: a cwd inside the task's folder written relative to it, so the file stays portable. */
export function portableEntry(entry: WorkerEntry, folderPath: string | undefined): WorkerEntry {
  const { cwd, ...rest } = entry;
  if (cwd === undefined || folderPath === undefined) {
    return entry;
  }
  const relative = path.relative(folderPath, cwd);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return entry;
  }
  return relative === '' ? rest : { ...rest, cwd: relative };
}
