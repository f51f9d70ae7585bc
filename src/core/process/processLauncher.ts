import * as l10n from '@vscode/l10n';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { IS_WINDOWS } from './processGroup';
import { WorkerDefinition } from '../definitions/workerDefinition';
import { errnoCode } from '../../shared/untrusted';

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
    const code = errnoCode(error);
    throw new LaunchError(
      code === 'ENOENT'
        ? l10n.t('working directory "{0}" does not exist', cwd)
        : l10n.t('working directory "{0}" cannot be read ({1})', cwd, String(code)),
    );
  }
  if (!stat.isDirectory()) {
    throw new LaunchError(l10n.t('working directory "{0}" is not a folder', cwd));
  }
}

function describeSpawnError(definition: WorkerDefinition, error: NodeJS.ErrnoException): string {
  const command = definition.command;
  switch (error.code) {
    case 'ENOENT':
      return l10n.t('command "{0}" was not found (is it installed and on PATH?)', command);
    case 'EACCES':
      return l10n.t('command "{0}" cannot be executed: permission denied (is it marked executable?)', command);
    case 'ENOEXEC':
      return l10n.t('command "{0}" is not a program this system can run', command);
    default:
      return l10n.t('command "{0}" could not be started: {1}', command, error.message);
  }
}

/** How a worker's process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Output read from one pipe before its consumer attached. Node resumes an unread stdio stream on
 * the tick after the child exits and discards what it holds, so without this a command that prints
 * and exits at once (`sh -c 'echo fatal; exit 3'`) would lose its last words.
 */
export interface EarlyOutput {
  /** Stops collecting and hands over what was read so far, oldest first. */
  take(): Buffer[];
}

function collectEarly(stream: Readable): EarlyOutput {
  const chunks: Buffer[] = [];
  const collect = (chunk: Buffer): void => {
    chunks.push(chunk);
  };
  stream.on('data', collect);
  return {
    take: () => {
      stream.off('data', collect);
      return chunks.splice(0);
    },
  };
}

/** A spawned worker process and its exit, observed from the moment of spawning. */
export interface LaunchedWorker {
  readonly child: ChildProcessWithoutNullStreams;
  /**
   * Resolves when the process exits. Created before anything is awaited: a command that exits at
   * once would otherwise emit 'exit' before a listener exists, and the exit would be lost.
   */
  readonly exited: Promise<ProcessExit>;
  /** What stdout and stderr carried before the consumer attached (see EarlyOutput). */
  readonly early: { readonly stdout: EarlyOutput; readonly stderr: EarlyOutput };
}

/** Extra variables every worker gets, besides its definition's env. */
export interface LaunchEnvironment {
  readonly [name: string]: string;
}

/**
 * Spawns a worker as the leader of its own process group (detached), with piped stdio, its args
 * passed as an array, and a shell only when the definition asks. Resolves once the process exists;
 * its output is collected in `early` until the caller takes it over. `onSpawned` learns the PID the
 * moment the process exists. Rejects with a LaunchError naming the command and the reason.
 */
export async function launchWorker(
  definition: WorkerDefinition,
  extraEnv: LaunchEnvironment = {},
  onSpawned?: (pid: number) => void,
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
  // Synchronously, before anything is awaited: the caller's exit hook must be able to kill a
  // process that exists but whose 'spawn' event has not been seen yet.
  if (child.pid !== undefined) {
    onSpawned?.(child.pid);
  }
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const early = { stdout: collectEarly(child.stdout), stderr: collectEarly(child.stderr) };
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
  return { child, exited, early };
}
