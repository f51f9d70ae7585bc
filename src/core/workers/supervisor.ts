import { ActivityLog } from '../base/activityLog';
import { Disposable, Event } from '../base/events';
import { GroupMetricsSampler } from '../process/groupMetrics';
import { describeError, Logger } from '../base/logger';
import { OrphanReport } from '../recovery/orphanReaper';
import { OutputBatch, OutputBatcher } from './outputBatcher';
import { OutputLine } from '../output/outputBuffer';
import { killGroupSync, signalGroup, TerminationResult } from '../process/processGroup';
import { GroupWatcher } from '../recovery/groupWatcher';
import { CpuPriorities, CpuPriority } from '../process/cpuPriority';
import { LaunchEnvironment } from '../process/processLauncher';
import { GroupAdmission } from './groupAdmission';
import { UsageHistory } from './usageHistory';
import { RemnantReporter } from '../process/remnants';
import { SpawnRegistry } from '../process/spawnRegistry';
import { StatusKeeper } from '../recovery/statusKeeper';
import { TaskRegistry } from '../base/taskRegistry';
import { UnknownWorkerError } from './unknownWorkerError';
import { withTimeout } from '../base/timeouts';
import { WorkerDefinition } from '../definitions/workerDefinition';
import { RunningProcess, WorkerRecord } from './workerRecord';
import { WorkerView } from './workerView';
import { WorkerMarker } from './workerMarkers';
import { WorkerChange, WorkerEvents } from './workerEvents';
import { WorkerExits } from './workerExits';
import { StopOptions, WorkerStopping } from './workerStopping';
import { DEFAULT_TICK_MS, SupervisorTick } from './supervisorTick';
import { WorkerLaunch } from './workerLaunch';

/** Grace used when the editor shuts down: quick, because VS Code gives deactivate() only seconds. */
export const SHUTDOWN_GRACE_MS = 1_500;

export interface SupervisorOptions {
  readonly logger: Logger;
  /** Where the supervisor's background work is tracked; shared with the rest of the core. */
  readonly tasks: TaskRegistry;
  /** Where lifecycle events are recorded; shared with the rest of the core. */
  readonly activity: ActivityLog;
  readonly registryCapacity?: number;
  readonly tickMs?: number;
  readonly outputBatchMs?: number;
  /** Where the status file lives; without one, no file is written and no orphans are recovered. */
  readonly statusFilePath?: string;
  readonly statusFileIntervalMs?: number;
  /** Variables every worker gets, under its definition's env. */
  readonly extraEnv?: LaunchEnvironment;
  /** Told of every group as it starts (start() waits for it) and ends: the journal and the sentinel. */
  readonly groupWatcher?: GroupWatcher;
  /** The CPU priority of agents and the commands they run (workers from sessions); 'normal' by default. */
  readonly sessionCpuPriority?: CpuPriority;
}

export type UpsertResult = 'added' | 'changed' | 'unchanged';

function sameDefinition(a: WorkerDefinition, b: WorkerDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Supervises workers: spawns each as its own process group, watches it, restarts it by policy, stops
 * the whole group asynchronously, and publishes immutable views and batched output. Plain Node. The
 * coordinator of its parts: WorkerLaunch starts a run, WorkerExits decides what follows an exit,
 * WorkerStopping ends a run by hand, SupervisorTick runs the periodic work, WorkerEvents publishes.
 */
export class Supervisor implements Disposable {
  readonly registry: SpawnRegistry;
  /** The last ten minutes of CPU and RSS per worker, for the usage view. */
  readonly usageHistory: UsageHistory;

  private readonly tasks: TaskRegistry;
  private readonly activity: ActivityLog;

  private readonly logger: Logger;
  private readonly records = new Map<string, WorkerRecord>();
  /** Shared by the tick, which samples, and the remnant reports, which read the last sample. */
  private readonly sampler = new GroupMetricsSampler();
  private readonly status: StatusKeeper;
  private readonly batcher: OutputBatcher;
  private readonly events: WorkerEvents;
  private readonly exits: WorkerExits;
  private readonly stopper: WorkerStopping;
  private readonly launcher: WorkerLaunch;
  private readonly ticker: SupervisorTick;
  private readonly admission: GroupAdmission;
  private readonly priorities: CpuPriorities;
  private sessionCpuPriority: CpuPriority;
  private disposed = false;
  /** Set by killAllSync and shutdown: from then on nothing new may start. */
  private closing = false;

  constructor(options: SupervisorOptions) {
    this.logger = options.logger;
    const onListenerError = (error: unknown): void =>
      this.logger.error(`a listener of the supervisor threw: ${describeError(error)}`);
    this.registry = new SpawnRegistry(options.registryCapacity);
    this.tasks = options.tasks;
    this.activity = options.activity;
    this.admission = new GroupAdmission(this.registry, options.extraEnv ?? {}, () => this.closing);
    this.priorities = new CpuPriorities(this.logger, this.tasks);
    this.sessionCpuPriority = options.sessionCpuPriority ?? 'normal';
    this.status = new StatusKeeper({
      logger: this.logger,
      activity: this.activity,
      filePath: options.statusFilePath,
      intervalMs: options.statusFileIntervalMs,
      workers: () => [...this.records.values()].map((record) => record.statusEntry()),
    });
    this.events = new WorkerEvents(this.records, () => this.status.markDirty(), onListenerError);
    const events = this.events;
    this.batcher = new OutputBatcher({
      logger: this.logger,
      onListenerError,
      batchMs: options.outputBatchMs,
      droppedLines: (record) => events.changed(record),
    });
    this.usageHistory = new UsageHistory(options.tickMs ?? DEFAULT_TICK_MS, onListenerError);
    const remnants = new RemnantReporter({
      logger: this.logger,
      activity: this.activity,
      seenBefore: (pgid) => this.sampler.membersAtLastSample(pgid),
    });
    const { logger, tasks, activity, registry, admission, batcher } = this;
    const groupEnded = (record: WorkerRecord, running: RunningProcess): void =>
      this.launcher.groupEnded(record, running);
    this.exits = new WorkerExits({
      logger,
      tasks,
      activity,
      events,
      remnants,
      groupEnded,
      isCurrent: (record) => this.records.get(record.id) === record,
      relaunch: (record) => this.launcher.launch(record, 'restarting'),
    });
    const exits = this.exits;
    const priorities = this.priorities;
    this.stopper = new WorkerStopping({ activity, events, remnants, exits, groupEnded, priorities });
    const groupWatcher = options.groupWatcher;
    const closing = (): boolean => this.closing;
    this.launcher = new WorkerLaunch({
      logger,
      tasks,
      activity,
      events,
      exits,
      registry,
      admission,
      batcher,
      groupWatcher,
      closing,
      priorities: this.priorities,
      priorityOf: (definition) => (definition.source === 'session' ? this.sessionCpuPriority : 'normal'),
    });
    this.ticker = new SupervisorTick({
      records: this.records,
      tasks,
      activity,
      events,
      exits,
      status: this.status,
      sampler: this.sampler,
      usageHistory: this.usageHistory,
      tickMs: options.tickMs ?? DEFAULT_TICK_MS,
      onListenerError,
      stop: (id) => this.stop(id),
      sweepDead: () => this.sweepDead(),
    });
  }

  /**
   * The CPU priority of agents and their commands: running ones get it now (a stopping one keeps its
   * normal weight, to end in time), later ones when they start.
   */
  setSessionCpuPriority(priority: CpuPriority): void {
    this.sessionCpuPriority = priority;
    for (const record of this.records.values()) {
      const pid = record.running?.entry.pid;
      if (pid !== undefined && record.state !== 'stopping' && record.definition.source === 'session') {
        this.priorities.apply(pid, priority);
      }
    }
  }

  /** Fires on every state transition and metrics update, with the worker's new view. */
  get onDidChangeWorker(): Event<WorkerChange> {
    return this.events.onDidChangeWorker;
  }

  /** Fires when a run starts or ends (stopped, killed, exited, crashed, restarting, failed). */
  get onDidMark(): Event<WorkerMarker> {
    return this.events.onDidMark;
  }

  /** Fires after each global tick, for what else is refreshed on it (a worktree session's summary). */
  get onDidTick(): Event<void> {
    return this.ticker.onDidTick;
  }

  /** Fires at most once per worker per batch interval, with the lines printed since. */
  get onDidOutput(): Event<OutputBatch> {
    return this.batcher.onDidOutput;
  }

  // ---- Read model -------------------------------------------------------------------------

  /** Every worker's view; the same array until something changes, so frequent callers cost nothing. */
  snapshot(): readonly WorkerView[] {
    return this.events.snapshot();
  }

  get(id: string): WorkerView | undefined {
    return this.records.get(id)?.view();
  }

  definition(id: string): WorkerDefinition | undefined {
    return this.records.get(id)?.definition;
  }

  /** The kept output of a worker, oldest first; the last `limit` lines when given. */
  output(id: string, limit?: number): OutputLine[] {
    return this.records.get(id)?.output.snapshot(limit) ?? [];
  }

  clearOutput(id: string): void {
    this.records.get(id)?.output.clear();
    this.records.get(id)?.markers.clear();
  }

  /** The kept markers of a worker, oldest first, to place among its output lines by `afterSeq`. */
  markers(id: string): readonly WorkerMarker[] {
    return this.records.get(id)?.markers.list() ?? [];
  }

  /** Kept output lines with `afterSeq < seq <= upToSeq`: what a reader still lacks before a marker. */
  outputBetween(id: string, afterSeq: number, upToSeq: number): OutputLine[] {
    return this.records.get(id)?.output.linesBetween(afterSeq, upToSeq) ?? [];
  }

  /** Counts of per-worker restart bookkeeping, for tests that prove none is left behind. */
  restartBookkeeping(): { trackers: number; scheduled: number } {
    return this.exits.bookkeeping();
  }

  // ---- Definitions ------------------------------------------------------------------------

  /**
   * Adds a worker or updates its definition. A running worker keeps its process; its view says the
   * definition changed, and a restart applies it.
   */
  upsert(definition: WorkerDefinition): UpsertResult {
    const existing = this.records.get(definition.id);
    if (!existing) {
      this.records.set(definition.id, new WorkerRecord(definition));
      this.events.changed(this.records.get(definition.id) as WorkerRecord, 'added');
      return 'added';
    }
    if (sameDefinition(existing.definition, definition)) {
      return 'unchanged';
    }
    existing.definition = definition;
    this.events.changed(existing, 'updated');
    return 'changed';
  }

  /** Stops a worker if needed and forgets it, bookkeeping and all. */
  async remove(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record) {
      return;
    }
    await this.stop(id);
    if (this.records.get(id) !== record) {
      return;
    }
    this.records.delete(id);
    this.exits.forget(id);
    this.batcher.forget(record);
    this.events.removed(record);
  }

  /**
   * Hands the raw stdout of a worker to `listener` in order, in slices, before line splitting and batching.
   * For protocol adapters, which frame messages themselves and cannot wait for a batch.
   */
  tapStdout(id: string, listener: (chunk: Buffer) => void): Disposable {
    const taps = this.require(id).stdoutTaps;
    taps.add(listener);
    return { dispose: () => taps.delete(listener) };
  }

  /**
   * Sends a signal to a running worker's whole group (SIGINT to interrupt a line-based agent, for
   * example). False when the worker has no live process.
   */
  signal(id: string, signal: NodeJS.Signals): boolean {
    const entry = this.records.get(id)?.running?.entry;
    return entry !== undefined && signalGroup(entry.pgid, signal);
  }

  /** Changes how a worker is shown without marking its definition changed (a pooled agent adopted by a session). */
  relabel(id: string, label: string): void {
    const record = this.require(id);
    const relabelled = { ...record.definition, label };
    if (record.startedWith === record.definition) {
      record.startedWith = relabelled;
    }
    record.definition = relabelled;
    this.events.changed(record);
  }

  /** Lets the session layer show an agent's protocol state on its worker. */
  setSessionState(id: string, sessionState: string | undefined): void {
    const record = this.records.get(id);
    if (record && record.sessionState !== sessionState) {
      record.sessionState = sessionState;
      this.events.changed(record, 'updated');
    }
  }

  // ---- Lifecycle --------------------------------------------------------------------------

  /** Starts a worker that is not running; resolves with its view once it runs or has failed. */
  async start(id: string): Promise<WorkerView> {
    const record = this.require(id);
    if (record.stopping) {
      await record.stopping;
    }
    if (record.starting) {
      await record.starting;
      return record.view();
    }
    if (record.running) {
      return record.view();
    }
    this.exits.cancelPendingRestart(id);
    await this.launcher.launch(record, 'starting');
    return record.view();
  }

  /** Stops a worker's whole process group: SIGTERM, the grace period, then SIGKILL. */
  stop(id: string, options: StopOptions = {}): Promise<TerminationResult | undefined> {
    return this.stopper.stop(this.require(id), options);
  }

  /** Skips what is left of a stop's grace period: SIGKILL now. Does nothing unless the worker is stopping. */
  killNow(id: string): void {
    this.stopper.killNow(this.require(id));
  }

  async restart(id: string): Promise<WorkerView> {
    await this.stop(id);
    return this.start(id);
  }

  /** Stops every worker concurrently, so many stubborn groups take one grace period, not many. */
  async stopAll(options: StopOptions = {}): Promise<TerminationResult[]> {
    const ids = [...this.records.values()]
      .filter((record) => record.running || record.starting || record.state === 'backoff')
      .map((record) => record.id);
    const results = await Promise.all(ids.map((id) => this.stop(id, options)));
    return results.filter((result): result is TerminationResult => result !== undefined);
  }

  /** Sends text to a running worker's stdin; false when there is no process to receive it. */
  write(id: string, text: string): boolean {
    const stdin = this.records.get(id)?.running?.child.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) {
      return false;
    }
    stdin.write(text);
    return true;
  }

  /** Removes registry entries whose process is gone; returns how many were removed. */
  async sweepDead(): Promise<number> {
    const removed = await this.registry.sweepDead();
    for (const entry of removed) {
      this.logger.warn(
        `[worker:${entry.id}] process ${entry.pid} vanished without an exit event; removed from the registry`,
      );
    }
    return removed.length;
  }

  // ---- Shutdown and recovery --------------------------------------------------------------

  /**
   * SIGKILL to every registered group, synchronously, and a synchronous status write. For exit paths
   * only, where the event loop may never run again. Returns how many groups were signalled.
   */
  killAllSync(): number {
    // A start in flight would otherwise spawn its process after this and outlive the editor.
    this.closing = true;
    const entries = this.registry.list();
    const groups = [
      ...entries.map((entry) => ({ id: entry.id, pgid: entry.pgid })),
      ...this.admission.inFlight().map((pid) => ({ id: `pid ${pid}`, pgid: pid })),
    ];
    for (const { id, pgid } of groups) {
      try {
        killGroupSync(pgid);
      } catch (error) {
        this.logger.error(`[worker:${id}] could not kill group ${pgid}: ${describeError(error)}`);
      }
    }
    this.status.writeSync();
    return entries.length;
  }

  /**
   * Stops everything for good: all groups with a short grace, SIGKILL for whatever is left when the
   * time is up, background tasks aborted, and a final status file.
   */
  async shutdown(graceMs: number = SHUTDOWN_GRACE_MS): Promise<void> {
    this.closing = true;
    this.ticker.stop();
    try {
      await withTimeout(this.stopAll({ graceMs }), graceMs + 2_000, 'stopping all workers');
    } catch (error) {
      this.logger.error(`shutdown: ${describeError(error)}; killing what is left`);
    }
    this.killAllSync();
    await this.tasks.shutdown(1_000);
    this.dispose();
  }

  /**
   * Reads the status file a previous run left and terminates the groups it recorded that are still
   * verifiably running; each finding goes to the activity log.
   */
  recoverOrphans(graceMs: number = SHUTDOWN_GRACE_MS): Promise<OrphanReport[]> {
    return this.status.recoverOrphans(graceMs);
  }

  /** Writes the status file now; resolves false (after reporting) when the disk refused. */
  writeStatusNow(): Promise<boolean> {
    return this.status.writeNow();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.closing = true;
    this.ticker.dispose();
    this.batcher.dispose();
    this.exits.dispose();
    this.events.dispose();
    this.usageHistory.dispose();
    this.activity.dispose();
  }

  private require(id: string): WorkerRecord {
    const record = this.records.get(id);
    if (!record) {
      throw new UnknownWorkerError(id);
    }
    return record;
  }
}
