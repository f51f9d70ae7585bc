import * as l10n from '@vscode/l10n';
import type {
  CreateTerminalRequest,
  TerminalExitStatus,
  TerminalOutputResponse,
  WaitForTerminalExitResponse,
} from '@agentclientprotocol/sdk';
import { Disposable } from '../../base/events';
import { DEFAULT_WORKER_DEFAULTS, WorkerDefinition } from '../../definitions/workerDefinition';
import { Supervisor } from '../../workers/supervisor';
import { WorkerView } from '../../workers/workerView';
import { SandboxRefusal, WorkspaceSandbox } from './workspaceSandbox';

/** A command an agent runs gets two seconds to clean up after SIGTERM: it is a tool call, not a server. */
export const TERMINAL_GRACE_MS = 2_000;
/** Output kept when the agent names no limit: as much as any worker keeps. */
export const DEFAULT_TERMINAL_OUTPUT_BYTES = DEFAULT_WORKER_DEFAULTS.outputBufferBytes;
/** The worker's line buffer has a floor; a smaller limit is applied when the output is read. */
const MIN_TERMINAL_BUFFER_BYTES = 1_024;
/** More terminals than this at once is an agent gone wrong; each one is a process group. */
export const MAX_TERMINALS_PER_SESSION = 64;

const FINAL_STATES = new Set(['exited', 'crashed', 'failed', 'stopped']);

export class UnknownTerminalError extends Error {
  constructor(id: string) {
    super(l10n.t('there is no terminal "{0}" (it was released, or never created)', id));
    this.name = 'UnknownTerminalError';
  }
}

interface TerminalRecord {
  readonly workerId: string;
  readonly limitBytes: number;
}

function exitStatus(view: WorkerView | undefined): TerminalExitStatus | undefined {
  if (!view || !FINAL_STATES.has(view.state) || !view.lastExit) {
    return undefined;
  }
  return { exitCode: view.lastExit.code, signal: view.lastExit.signal };
}

/** The last `limit` bytes of `text`, cut between characters. */
function tail(text: string, limit: number): { text: string; cut: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) {
    return { text, cut: false };
  }
  let start = bytes.length - limit;
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) {
    start += 1;
  }
  return { text: bytes.subarray(start).toString('utf8'), cut: true };
}

/**
 * The terminals an ACP agent runs (`terminal/*`), each a supervisor worker of its own: its own process
 * group, a row under the session in the Workers tree, an output panel, metrics, and a kill that
 * never blocks. Args are passed literally (no shell), and every terminal ends with its session.
 */
export class AcpTerminals {
  private readonly terminals = new Map<string, TerminalRecord>();
  private created = 0;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly owner: { readonly workerId: string; readonly label: string },
    private readonly sandbox: WorkspaceSandbox,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  get size(): number {
    return this.terminals.size;
  }

  /** The workers of the terminals still held, for tests and the tree. */
  workerIds(): string[] {
    return [...this.terminals.values()].map((terminal) => terminal.workerId);
  }

  async create(request: CreateTerminalRequest): Promise<{ terminalId: string }> {
    if (this.terminals.size >= MAX_TERMINALS_PER_SESSION) {
      throw new SandboxRefusal(
        l10n.t('a session may hold at most {0} terminals; release some first', MAX_TERMINALS_PER_SESSION),
      );
    }
    const cwd = request.cwd ? await this.sandbox.resolve(request.cwd) : this.sandbox.root;
    const terminalId = `t${++this.created}`;
    const limitBytes = request.outputByteLimit ?? DEFAULT_TERMINAL_OUTPUT_BYTES;
    const workerId = `${this.owner.workerId}-${terminalId}`;
    this.supervisor.upsert(this.definition(workerId, request, cwd, limitBytes));
    this.terminals.set(terminalId, { workerId, limitBytes });
    const view = await this.supervisor.start(workerId);
    if (view.state !== 'running' && !exitStatus(view)) {
      await this.release(terminalId);
      throw new Error(view.message ?? l10n.t('the command could not start ({0})', view.state));
    }
    return { terminalId };
  }

  output(terminalId: string): TerminalOutputResponse {
    const terminal = this.require(terminalId);
    const lines = this.supervisor.output(terminal.workerId);
    const text = lines.map((line) => (line.broken ? line.text : `${line.text}\n`)).join('');
    const kept = tail(text, terminal.limitBytes);
    const view = this.supervisor.get(terminal.workerId);
    return {
      output: kept.text,
      truncated: kept.cut || (view?.droppedLines ?? 0) > 0,
      exitStatus: exitStatus(view) ?? null,
    };
  }

  /** Resolves when the command has exited (or its terminal was released), or rejects when `signal` aborts. */
  waitForExit(terminalId: string, signal: AbortSignal): Promise<WaitForTerminalExitResponse> {
    const terminal = this.require(terminalId);
    const done = exitStatus(this.supervisor.get(terminal.workerId));
    if (done) {
      return Promise.resolve(done);
    }
    return new Promise((resolve, reject) => {
      const subscriptions: Disposable[] = [];
      const finish = (settle: () => void): void => {
        subscriptions.forEach((subscription) => subscription.dispose());
        signal.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = (): void => finish(() => reject(new Error(l10n.t('the wait was cancelled'))));
      signal.addEventListener('abort', onAbort, { once: true });
      subscriptions.push(
        this.supervisor.onDidChangeWorker((change) => {
          if (change.view.id !== terminal.workerId) {
            return;
          }
          const status = exitStatus(change.view);
          if (status || change.kind === 'removed') {
            finish(() => resolve(status ?? { exitCode: null, signal: 'SIGTERM' }));
          }
        }),
      );
    });
  }

  /** Ends the command's whole process group (asynchronously: SIGTERM, grace, SIGKILL); the terminal stays readable. */
  async kill(terminalId: string): Promise<void> {
    await this.supervisor.stop(this.require(terminalId).workerId);
  }

  /** Ends the command if it still runs and forgets the terminal and its worker. */
  async release(terminalId: string): Promise<void> {
    const terminal = this.terminals.get(terminalId);
    if (!terminal) {
      throw new UnknownTerminalError(terminalId);
    }
    this.terminals.delete(terminalId);
    await this.supervisor.remove(terminal.workerId);
  }

  /** A cancelled turn ends every command it started; the agent may still read their output. */
  async killAll(): Promise<void> {
    await Promise.all([...this.terminals.keys()].map((id) => this.kill(id)));
  }

  /** The session or its agent ended: every terminal goes, so nothing outlives it. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.terminals.keys()].map((id) => this.release(id)));
  }

  private require(terminalId: string): TerminalRecord {
    const terminal = this.terminals.get(terminalId);
    if (!terminal) {
      throw new UnknownTerminalError(terminalId);
    }
    return terminal;
  }

  private definition(workerId: string, request: CreateTerminalRequest, cwd: string, limit: number): WorkerDefinition {
    const args = request.args ?? [];
    const env = Object.fromEntries((request.env ?? []).map((variable) => [variable.name, variable.value]));
    return {
      id: workerId,
      label: `${this.owner.label} · $ ${[request.command, ...args].join(' ')}`,
      command: request.command,
      args,
      cwd,
      env: { ...this.env, ...env },
      shell: false,
      restart: { ...DEFAULT_WORKER_DEFAULTS.restart, mode: 'never' },
      graceMs: TERMINAL_GRACE_MS,
      healthPatterns: [],
      outputBufferBytes: Math.max(MIN_TERMINAL_BUFFER_BYTES, limit),
      maxRuntimeMs: undefined,
      autoStart: false,
      source: 'session',
    };
  }
}
