import { ChildProcessWithoutNullStreams } from 'node:child_process';
import { stripAnsi } from '../output/ansi';
import { GroupUsage } from '../process/groupMetrics';
import { LineWriter, OutputBuffer, OutputStream } from '../output/outputBuffer';
import { redact } from '../base/secrets';
import { SpawnEntry } from '../process/spawnRegistry';
import { StatusWorker } from '../recovery/statusFile';
import { compileHealthPattern, WorkerDefinition } from '../definitions/workerDefinition';
import { MarkerLog } from './workerMarkers';
import { ExitRecord, HealthMatch, WorkerHealth, WorkerState, WorkerView } from './workerView';

/** Lines kept on a failed worker so the user sees why it failed without opening the output. */
export const FAILURE_TAIL_LINES = 20;

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line as a user would type it, with secrets masked. */
export function displayCommandLine(definition: WorkerDefinition): string {
  const line = definition.shell
    ? [definition.command, ...definition.args].join(' ')
    : [definition.command, ...definition.args].map(quoteArg).join(' ');
  return redact(line, definition.env);
}

/** The process currently running for a worker and the stream state that belongs to it alone. */
export interface RunningProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly entry: SpawnEntry;
  readonly writers: Record<OutputStream, LineWriter>;
  /** Resolves once stdout and stderr have both closed. */
  readonly streamsClosed: Promise<void>;
}

/**
 * Everything the supervisor knows about one worker. Mutable, owned by the Supervisor; the outside
 * world only ever sees the immutable WorkerView it produces.
 */
export class WorkerRecord {
  state: WorkerState = 'stopped';
  health: WorkerHealth = 'ok';
  running: RunningProcess | undefined;
  /** The definition the current process was started with. */
  startedWith: WorkerDefinition | undefined;
  startedAt: number | undefined;
  usage: GroupUsage | undefined;
  lastExit: ExitRecord | undefined;
  restartCount = 0;
  lastHealthMatch: HealthMatch | undefined;
  message: string | undefined;
  lastLines: readonly string[] = [];
  nextRestartAt: number | undefined;
  /** When SIGKILL is due in the stop under way; see StopEscalation. */
  killAt: number | undefined;
  sessionState: string | undefined;
  stopRequested = false;
  starting: Promise<void> | undefined;
  stopping: Promise<unknown> | undefined;
  /** Cleanup of processes a dead leader left in its group; the next launch waits for it. */
  remnantCleanup: Promise<unknown> | undefined;

  readonly output: OutputBuffer;
  /** Where runs began and ended, for output panels opened later. */
  readonly markers = new MarkerLog();
  /** Raw stdout listeners (protocol adapters), called per chunk before line splitting. */
  readonly stdoutTaps = new Set<(chunk: Buffer) => void>();
  /** Seq of the last line handed to output listeners. */
  deliveredSeq = 0;
  healthScannedSeq = 0;
  urlScannedSeq = 0;
  /** The local URLs this run printed, newest first (see localUrlScan.ts). */
  localUrls: readonly string[] = [];
  private compiledPatterns:
    { source: readonly string[]; regexps: Array<{ pattern: string; regexp: RegExp }> } | undefined;
  private cachedView: WorkerView | undefined;

  constructor(public definition: WorkerDefinition) {
    this.output = new OutputBuffer(definition.outputBufferBytes);
  }

  get id(): string {
    return this.definition.id;
  }

  get label(): string {
    return this.definition.label;
  }

  /** Marks the view stale; the next view() recomputes it. */
  invalidate(): void {
    this.cachedView = undefined;
  }

  /** Clears what belonged to the previous run (stop request, failure tail, health) before a new launch. */
  resetForLaunch(): void {
    this.stopRequested = false;
    this.lastLines = [];
    this.health = 'ok';
    this.lastHealthMatch = undefined;
    this.localUrls = [];
  }

  /** Forgets the process once it has ended: no pid, no usage. */
  detach(): void {
    this.running = undefined;
    this.usage = undefined;
    this.invalidate();
  }

  /** The health patterns of the current definition, compiled once. */
  healthPatterns(): Array<{ pattern: string; regexp: RegExp }> {
    const source = this.definition.healthPatterns;
    if (this.compiledPatterns?.source !== source) {
      this.compiledPatterns = {
        source,
        regexps: source.map((pattern) => ({ pattern, regexp: compileHealthPattern(pattern) })),
      };
    }
    return this.compiledPatterns.regexps;
  }

  /** The last lines of output, plain, for a failure report. */
  tail(count: number = FAILURE_TAIL_LINES): string[] {
    return this.output.snapshot(count).map((line) => stripAnsi(line.text));
  }

  /** This worker as the status file records it: enough for a later run to find and verify its group. */
  statusEntry(): StatusWorker {
    const entry = this.running?.entry;
    const view = this.view();
    return {
      id: view.id,
      label: view.label,
      state: view.state,
      command: view.commandLine,
      pid: entry?.pid,
      pgid: entry?.pgid,
      startToken: entry?.startToken,
      startedAt: entry?.startedAt,
      restartCount: view.restartCount,
    };
  }

  view(): WorkerView {
    if (this.cachedView) {
      return this.cachedView;
    }
    const definition = this.definition;
    const entry = this.running?.entry;
    this.cachedView = Object.freeze({
      id: definition.id,
      label: definition.label,
      source: definition.source,
      state: this.state,
      health: this.health,
      commandLine: displayCommandLine(definition),
      cwd: definition.cwd,
      envNames: Object.keys(definition.env),
      pid: entry?.pid,
      pgid: entry?.pgid,
      startedAt: entry ? this.startedAt : undefined,
      cpuPercent: entry ? this.usage?.cpuPercent : undefined,
      rssBytes: entry ? this.usage?.rssBytes : undefined,
      processCount: entry ? this.usage?.processCount : undefined,
      lastExit: this.lastExit,
      restartCount: this.restartCount,
      lastHealthMatch: this.lastHealthMatch,
      message: this.message,
      lastLines: this.lastLines,
      killAt: this.state === 'stopping' ? this.killAt : undefined,
      nextRestartAt: this.state === 'backoff' ? this.nextRestartAt : undefined,
      droppedLines: this.output.droppedLines,
      definitionChanged: this.startedWith !== undefined && entry !== undefined && this.startedWith !== definition,
      sessionState: this.sessionState,
      localUrls: entry ? this.localUrls : [],
    });
    return this.cachedView;
  }
}
