import * as l10n from '@vscode/l10n';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SubprocessTimeoutError, withTimeout } from '../base/timeouts';
import { confirmGroupKilled, IS_WINDOWS, signalGroup } from '../process/processGroup';
import { classifyGitFailure, GitError } from './gitErrors';
import { KeyedQueue } from './keyedQueue';

/** Thirty seconds covers a merge or a worktree checkout of a large repository on a slow disk. */
export const DEFAULT_GIT_TIMEOUT_MS = 30_000;
/**
 * Sixteen MiB holds the status of a 100,000-file tree or a large file for the diff editor; past it
 * the call is stopped rather than let one answer fill the extension host's memory.
 */
export const MAX_GIT_STDOUT_BYTES = 16 * 1024 * 1024;
/** Error text is only ever quoted in a message: its last 64 KiB are kept. */
export const MAX_GIT_STDERR_BYTES = 64 * 1024;

/**
 * Set on every call: no credential prompt can hang a call (there is no terminal), messages stay in
 * English so failures can be recognised, `status` never takes the index lock the agent may need,
 * and an editor git might open (merge messages) exits at once.
 */
const GIT_ENVIRONMENT: Readonly<Record<string, string>> = {
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_EDITOR: 'true',
};

export interface GitCall {
  /** The folder git runs in; calls with the same folder never overlap. */
  readonly cwd: string;
  readonly args: readonly string[];
  /** Added to the environment (a temporary GIT_INDEX_FILE, a checkpoint's committer). */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to git's stdin. */
  readonly input?: string;
  /** Exit codes that are answers rather than failures (`1` from `diff --quiet`, `show-ref`). */
  readonly okCodes?: readonly number[];
  readonly timeoutMs?: number;
}

export interface GitOutput {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface GitRunnerOptions {
  /** The git program; `git` found on PATH by default. */
  readonly gitPath?: string;
  /** Replaces the inherited environment's variables of the same name (tests put a fake git first on PATH). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/**
 * Waits for the group of a git that was SIGKILLed to be gone (a hook it started included), so a caller
 * never sees one that still runs; returns what to add to the error if the group outlived the kill.
 */
async function afterKill(pid: number | undefined): Promise<string> {
  if (pid === undefined || IS_WINDOWS || (await confirmGroupKilled(pid))) {
    return '';
  }
  return l10n.t(' (its process group {0} was still there after SIGKILL)', pid);
}

/** Collects a stream into at most `limit` bytes; `overflowed` says whether more arrived. */
class BoundedSink {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  overflowed = false;

  constructor(
    private readonly limit: number,
    private readonly keep: 'head' | 'tail',
  ) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit) {
      this.overflowed = true;
      if (this.keep === 'head') {
        return;
      }
      const dropped = this.chunks.shift();
      this.size -= dropped?.length ?? 0;
    }
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * Runs git the way the whole extension should: args as an array and no shell, in its own process
 * group so a timeout kills git and everything it started (hooks, credential helpers, pagers), with
 * bounded output, and one call at a time per folder. Nothing here blocks the event loop.
 */
export class GitRunner {
  private readonly queue = new KeyedQueue();
  private callCount = 0;

  constructor(private readonly options: GitRunnerOptions = {}) {}

  /** How many git processes this runner has started: the bench quotes calls per tick from it. */
  get calls(): number {
    return this.callCount;
  }

  /** Runs git and returns its output; a non-zero exit not in `okCodes` rejects with a GitError. */
  run(call: GitCall): Promise<GitOutput> {
    return this.queue.run(path.resolve(call.cwd), () => this.spawnGit(call));
  }

  /** Like `run`, with stdout decoded as UTF-8. */
  async text(call: GitCall): Promise<string> {
    return (await this.run(call)).stdout.toString('utf8');
  }

  private async spawnGit(call: GitCall): Promise<GitOutput> {
    this.callCount += 1;
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
    const child = spawn(this.options.gitPath ?? 'git', [...call.args], {
      cwd: call.cwd,
      env: { ...process.env, ...this.options.env, ...GIT_ENVIRONMENT, ...call.env },
      detached: !IS_WINDOWS,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout = new BoundedSink(MAX_GIT_STDOUT_BYTES, 'head');
    const stderr = new BoundedSink(MAX_GIT_STDERR_BYTES, 'tail');
    const killGroup = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        signalGroup(child.pid, 'SIGKILL');
      }
    };
    const closed = new Promise<number | 'spawn-error'>((resolve) => {
      child.once('error', () => resolve('spawn-error'));
      child.once('close', (code) => resolve(code ?? -1));
    });
    const exited = new Promise<void>((resolve) => {
      child.once('error', () => resolve());
      child.once('exit', () => resolve());
    });
    const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (stdout.overflowed) {
        killGroup();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // git may exit before reading its input (a failed argument check): EPIPE is then expected.
    child.stdin.on('error', () => undefined);
    child.stdin.end(call.input ?? '');
    let code: number | 'spawn-error';
    try {
      code = await withTimeout(closed, timeoutMs, l10n.t('git {0} in {1}', call.args.slice(0, 2).join(' '), call.cwd), {
        pid: child.pid,
        onTimeout: killGroup,
      });
    } catch (error) {
      // Wait for the killed leader, then its group (not for pipes, which an escaped process could hold open), so
      // the caller never sees a git, or a hook it started, that still runs.
      await exited;
      if (!(error instanceof SubprocessTimeoutError)) {
        throw error;
      }
      throw new GitError('timeout', `${l10n.t('{0}; git was killed', error.message)}${await afterKill(child.pid)}`);
    }
    if (code === 'spawn-error') {
      throw await this.describeSpawnError(call, await spawnError);
    }
    if (stdout.overflowed) {
      const said = l10n.t(
        'git {0} in {1} printed more than {2} bytes; it was stopped',
        call.args[0] ?? '',
        call.cwd,
        MAX_GIT_STDOUT_BYTES,
      );
      throw new GitError('output-too-large', `${said}${await afterKill(child.pid)}`);
    }
    const output: GitOutput = { code, stdout: stdout.bytes(), stderr: stderr.bytes().toString('utf8') };
    if (code !== 0 && !(call.okCodes ?? []).includes(code)) {
      throw classifyGitFailure(call.args, call.cwd, code, output.stderr);
    }
    return output;
  }

  /** ENOENT from spawn means either git or the folder is missing: the folder is checked to tell which. */
  private async describeSpawnError(call: GitCall, error: NodeJS.ErrnoException): Promise<GitError> {
    if (error.code === 'ENOENT') {
      const folderExists = await fs.stat(call.cwd).then(
        (stat) => stat.isDirectory(),
        () => false,
      );
      return folderExists
        ? new GitError('git-missing', l10n.t('git was not found: install git and make sure it is on PATH'))
        : new GitError('not-a-repository', l10n.t('folder {0} does not exist', call.cwd));
    }
    return new GitError('failed', l10n.t('git could not be started in {0}: {1}', call.cwd, error.message));
  }
}
