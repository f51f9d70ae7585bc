import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { IS_WINDOWS } from './processGroup';
import { WorkerDefinition } from './workerDefinition';

/** A worker could not be started; the message names the command and the reason. */
export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

async function checkCwd(cwd: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(cwd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LaunchError(
      code === 'ENOENT' ? `working directory "${cwd}" does not exist` : `working directory "${cwd}" cannot be read (${code})`,
    );
  }
  if (!stat.isDirectory()) {
    throw new LaunchError(`working directory "${cwd}" is not a folder`);
  }
}

function describeSpawnError(definition: WorkerDefinition, error: NodeJS.ErrnoException): string {
  const command = definition.command;
  switch (error.code) {
    case 'ENOENT':
      return `command "${command}" was not found (is it installed and on PATH?)`;
    case 'EACCES':
      return `command "${command}" cannot be executed: permission denied (is it marked executable?)`;
    case 'ENOEXEC':
      return `command "${command}" is not a program this system can run`;
    default:
      return `command "${command}" could not be started: ${error.message}`;
  }
}

/** How a worker's process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A spawned worker process and its exit, observed from the moment of spawning. */
export interface LaunchedWorker {
  readonly child: ChildProcessWithoutNullStreams;
  /**
   * Resolves when the process exits. Created before anything is awaited: a command that exits at
   * once would otherwise emit 'exit' before a listener exists, and the exit would be lost.
   */
  readonly exited: Promise<ProcessExit>;
}

/** Extra variables every worker gets, besides its definition's env. */
export interface LaunchEnvironment {
  readonly [name: string]: string;
}

/**
 * Spawns a worker as the leader of its own process group (detached), with piped stdio, its args
 * passed as an array, and a shell only when the definition asks. Resolves once the process exists;
 * its output stays buffered in the paused pipes until the caller reads it.
 * rejects with a LaunchError naming the command and the reason.
 */
export async function launchWorker(
  definition: WorkerDefinition,
  extraEnv: LaunchEnvironment = {},
): Promise<LaunchedWorker> {
  await checkCwd(definition.cwd);
  const child = spawn(definition.command, [...definition.args], {
    cwd: definition.cwd,
    env: { ...process.env, ...extraEnv, ...definition.env },
    detached: !IS_WINDOWS,
    shell: definition.shell,
    stdio: 'pipe',
    windowsHide: true,
  });
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const onSpawn = (): void => {
      child.off('error', onError);
      resolve();
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      child.off('spawn', onSpawn);
      reject(new LaunchError(describeSpawnError(definition, error)));
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
  });
  return { child, exited };
}
