import { ChildProcessWithoutNullStreams } from 'node:child_process';
import { ActivityLog } from '../base/activityLog';
import { DeadlineScheduler } from './deadlineScheduler';
import { describeExit } from './exitWording';
import { Disposable, Emitter, Event } from '../base/events';
import { GroupMetricsSampler } from '../process/groupMetrics';
import { HealthScanner } from './healthScan';
import { describeError, Logger } from '../base/logger';
import { OrphanReport } from '../recovery/orphanReaper';
import { OutputBatch, OutputBatcher } from './outputBatcher';
import { OutputLine } from '../output/outputBuffer';
import {
  describeTermination,
  killGroupSync,
  signalGroup,
  terminateGroup,
  TerminationResult,
} from '../process/processGroup';
import { GroupWatcher, WatchedGroup } from '../recovery/groupWatcher';
import { LaunchedWorker, LaunchEnvironment, LaunchError } from '../process/processLauncher';
import { GroupAdmission, SHUTTING_DOWN } from './groupAdmission';
import { sampleUsage } from './usageSampling';
import { UsageHistory } from './usageHistory';
import { LocalUrlScanner } from './localUrlScan';
import { RemnantReporter } from '../process/remnants';
import { isCleanExit, RestartTracker } from './restartTracker';
import { SpawnEntry, SpawnRegistry } from '../process/spawnRegistry';
import { StatusKeeper } from '../recovery/statusKeeper';
import { StopEscalation } from './stopEscalation';
import { TaskRegistry } from '../base/taskRegistry';
import { UnknownWorkerError } from './unknownWorkerError';
import { withTimeout } from '../base/timeouts';
import { WorkerDefinition } from '../definitions/workerDefinition';
import { RunningProcess, WorkerRecord } from './workerRecord';
import { WorkerState, WorkerView } from './workerView';
import { MarkerKind, restartText, WorkerMarker } from './workerMarkers';

/** Part of the supervisor's API (onDidOutput); defined beside the batcher that builds it. */

/** Two seconds keeps uptime, CPU and RSS current in the tree while one /proc scan stays cheap. */
export const DEFAULT_TICK_MS = 2_000;
/** How long an exit waits for the last output to drain before deciding on a restart. */
export const EXIT_DRAIN_MS = 250;
/** Grace used when the editor shuts down: quick, because VS Code gives deactivate() only seconds. */
export const SHUTDOWN_GRACE_MS = 1_500;
/** Why a start was refused once the editor began shutting Shepherd down. */

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
}

/** What a group watcher is told about a worker's group. */
function watchedGroup(definition: WorkerDefinition, entry: SpawnEntry): WatchedGroup {
  return {
    workerId: definition.id,
    label: definition.label,
    pgid: entry.pgid,
    startToken: entry.startToken,
    graceMs: definition.graceMs,
  };
}

export type WorkerChangeKind = 'added' | 'updated' | 'removed';

export interface WorkerChange {
  readonly kind: WorkerChangeKind;
  readonly view: WorkerView;
}

export interface StopOptions {
  /** Overrides the definition's grace period. */
  readonly graceMs?: number;
  /** Aborting skips the rest of the grace and kills at once. */
  readonly forceKill?: AbortSignal;
}

export type UpsertResult = 'added' | 'changed' | 'unchanged';

function sameDefinition(a: WorkerDefinition, b: WorkerDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Supervises workers: spawns each as its own process group, watches it, restarts it by policy, stops
 * the whole group asynchronously, and publishes immutable views and batched output. Plain Node.
 */
export class Supervisor implements Disposable {
  readonly registry: SpawnRegistry;
  /** The last ten minutes of CPU and RSS per worker, for the usage view. */
  readonly usageHistory: UsageHistory;

  private readonly tasks: TaskRegistry;
  private readonly activity: ActivityLog;

  private readonly logger: Logger;
  private readonly records = new Map<string, WorkerRecord>();
  private readonly restartTrackers = new Map<string, RestartTracker>();
  private readonly scheduler: DeadlineScheduler;
  private readonly sampler = new GroupMetricsSampler();
  private readonly status: StatusKeeper;
  private readonly batcher: OutputBatcher;
  private readonly healthScanner: HealthScanner;
  private readonly urlScanner: LocalUrlScanner;
  private readonly remnants: RemnantReporter;
  private readonly changeEmitter: Emitter<WorkerChange>;
  private readonly markerEmitter: Emitter<WorkerMarker>;
  private readonly tickEmitter: Emitter<void>;
  private readonly admission: GroupAdmission;
  private readonly groupWatcher: GroupWatcher | undefined;
  private readonly tickTimer: NodeJS.Timeout;
  private cachedSnapshot: readonly WorkerView[] | undefined;
  private ticking = false;
  private disposed = false;
  /** Set by killAllSync and shutdown: from then on nothing new may start. */
  private closing = false;
  /** Per stop in flight: what a later, more urgent stop aborts to force the SIGKILL early. */
  private readonly stopEscalations = new Map<WorkerRecord, StopEscalation>();

  constructor(options: SupervisorOptions) {
    this.logger = options.logger;
    const onListenerError = (error: unknown): void =>
      this.logger.error(`a listener of the supervisor threw: ${describeError(error)}`);
    this.registry = new SpawnRegistry(options.registryCapacity);
    this.tasks = options.tasks;
    this.activity = options.activity;
    this.scheduler = new DeadlineScheduler(this.logger);
    this.changeEmitter = new Emitter<WorkerChange>(onListenerError);
    this.markerEmitter = new Emitter<WorkerMarker>(onListenerError);
    this.tickEmitter = new Emitter<void>(onListenerError);
    this.admission = new GroupAdmission(this.registry, options.extraEnv ?? {}, () => this.closing);
    this.status = new StatusKeeper({
      logger: this.logger,
      activity: this.activity,
      filePath: options.statusFilePath,
      intervalMs: options.statusFileIntervalMs,
      workers: () => [...this.records.values()].map((record) => record.statusEntry()),
    });
    this.batcher = new OutputBatcher({
      logger: this.logger,
      onListenerError,
      batchMs: options.outputBatchMs,
      droppedLines: (record) => this.changed(record),
    });
    this.healthScanner = new HealthScanner({ activity: this.activity, changed: (record) => this.changed(record) });
    this.urlScanner = new LocalUrlScanner((record) => this.changed(record));
    this.usageHistory = new UsageHistory(options.tickMs ?? DEFAULT_TICK_MS, onListenerError);
    this.remnants = new RemnantReporter({
      logger: this.logger,
      activity: this.activity,
      seenBefore: (pgid) => this.sampler.membersAtLastSample(pgid),
    });
    this.groupWatcher = options.groupWatcher;
    this.tickTimer = setInterval(() => this.tick(), options.tickMs ?? DEFAULT_TICK_MS);
    // The tick must never be what keeps a process (a test run, a CLI) alive.
    this.tickTimer.unref();
  }

  /** Fires on every state transition and metrics update, with the worker's new view. */
  get onDidChangeWorker(): Event<WorkerChange> {
    return this.changeEmitter.event;
  }

  /** Fires when a run starts or ends (stopped, killed, exited, crashed, restarting, failed). */
  get onDidMark(): Event<WorkerMarker> {
    return this.markerEmitter.event;
  }

  /** Fires after each global tick, for what else is refreshed on it (a worktree session's summary). */
  get onDidTick(): Event<void> {
    return this.tickEmitter.event;
  }

  /** Fires at most once per worker per batch interval, with the lines printed since. */
  get onDidOutput(): Event<OutputBatch> {
    return this.batcher.onDidOutput;
  }

  // ---- Read model -------------------------------------------------------------------------

  /** Every worker's view; the same array until something changes, so frequent callers cost nothing. */
  snapshot(): readonly WorkerView[] {
    if (!this.cachedSnapshot) {
      this.cachedSnapshot = Object.freeze([...this.records.values()].map((record) => record.view()));
    }
    return this.cachedSnapshot;
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
    return { trackers: this.restartTrackers.size, scheduled: this.scheduler.size };
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
      this.changed(this.records.get(definition.id) as WorkerRecord, 'added');
      return 'added';
    }
    if (sameDefinition(existing.definition, definition)) {
      return 'unchanged';
    }
    existing.definition = definition;
    this.changed(existing, 'updated');
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
    this.forgetRestarts(id);
    this.batcher.forget(record);
    this.cachedSnapshot = undefined;
    this.changeEmitter.fire({ kind: 'removed', view: record.view() });
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
    this.changed(record);
  }

  /** Lets the session layer show an agent's protocol state on its worker. */
  setSessionState(id: string, sessionState: string | undefined): void {
    const record = this.records.get(id);
    if (record && record.sessionState !== sessionState) {
      record.sessionState = sessionState;
      this.changed(record, 'updated');
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
    this.scheduler.cancel(id);
    await this.launch(record, 'starting');
    return record.view();
  }

  /** Stops a worker's whole process group: SIGTERM, the grace period, then SIGKILL. */
  stop(id: string, options: StopOptions = {}): Promise<TerminationResult | undefined> {
    const record = this.require(id);
    const inFlight = this.stopEscalations.get(record);
    if (record.stopping && inFlight) {
      // A second, more urgent stop (shutdown's short grace, a forced kill) must not wait out the
      // grace of the stop already under way: it shortens it instead.
      inFlight.escalate(options.graceMs, options.forceKill);
      return record.stopping as Promise<TerminationResult | undefined>;
    }
    if (!record.stopping) {
      const escalation = new StopEscalation((killAt) => this.killDue(record, killAt));
      this.stopEscalations.set(record, escalation);
      escalation.escalate(undefined, options.forceKill);
      record.stopping = this.stopRecord(record, { graceMs: options.graceMs }, escalation).finally(() => {
        record.stopping = undefined;
        this.stopEscalations.delete(record);
        escalation.dispose();
      });
    }
    return record.stopping as Promise<TerminationResult | undefined>;
  }

  /** Skips what is left of a stop's grace period: SIGKILL now. Does nothing unless the worker is stopping. */
  killNow(id: string): void {
    const record = this.require(id);
    if (record.stopping) {
      this.stopEscalations.get(record)?.escalate(undefined, AbortSignal.abort());
    }
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
    clearInterval(this.tickTimer);
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
    clearInterval(this.tickTimer);
    this.batcher.dispose();
    this.scheduler.dispose();
    this.restartTrackers.clear();
    this.changeEmitter.dispose();
    this.markerEmitter.dispose();
    this.tickEmitter.dispose();
    this.usageHistory.dispose();
    this.activity.dispose();
  }

  // ---- Internals: launching ---------------------------------------------------------------

  private require(id: string): WorkerRecord {
    const record = this.records.get(id);
    if (!record) {
      throw new UnknownWorkerError(id);
    }
    return record;
  }

  private changed(record: WorkerRecord, kind: WorkerChangeKind = 'updated'): void {
    record.invalidate();
    this.cachedSnapshot = undefined;
    this.status.markDirty();
    this.changeEmitter.fire({ kind, view: record.view() });
  }

  /** Says in the worker's output where a run began or ended, after the lines printed so far. */
  private mark(record: WorkerRecord, kind: MarkerKind, text: string): void {
    const marker: WorkerMarker = { workerId: record.id, kind, text, at: Date.now(), afterSeq: record.output.lastSeq };
    record.markers.add(marker);
    this.markerEmitter.fire(marker);
  }

  /** The SIGKILL of a stop under way moved earlier (a Kill Now, shutdown's short grace). */
  private killDue(record: WorkerRecord, killAt: number): void {
    if (record.killAt === undefined || killAt < record.killAt) {
      record.killAt = killAt;
      if (record.state === 'stopping') {
        this.changed(record);
      }
    }
  }

  private transition(record: WorkerRecord, state: WorkerState, message?: string): void {
    record.state = state;
    record.message = message;
    this.changed(record);
  }

  /** The worker failed for good: no restart is pending, its view says why, and so do the logs. */
  private fail(record: WorkerRecord, message: string): void {
    this.forgetRestarts(record.id);
    this.transition(record, 'failed', message);
    this.mark(record, 'failed', `failed: ${message}`);
    this.activity.record('failed', record.id, `${record.label}: ${message}`);
    this.logger.error(`[worker:${record.id}] ${message}`);
  }

  private forgetRestarts(id: string): void {
    this.restartTrackers.delete(id);
    this.scheduler.cancel(id);
  }

  private launch(record: WorkerRecord, via: 'starting' | 'restarting'): Promise<void> {
    record.starting = this.spawnRecord(record, via).finally(() => {
      record.starting = undefined;
    });
    return record.starting;
  }

  private async spawnRecord(record: WorkerRecord, via: 'starting' | 'restarting'): Promise<void> {
    record.resetForLaunch();
    this.transition(record, via);
    const definition = record.definition;
    try {
      if (this.closing) {
        throw new LaunchError(SHUTTING_DOWN);
      }
      await record.remnantCleanup;
      const { launched, entry } = await this.admission.admit(definition);
      this.attach(record, launched, entry);
      // On record outside this process before start() resolves, so a host killed right now leaks nothing.
      await this.groupWatcher?.groupStarted(watchedGroup(definition, entry));
    } catch (error) {
      this.fail(record, describeError(error));
      return;
    }
    record.startedWith = definition;
    this.transition(record, 'running');
    this.mark(record, 'started', `started, pid ${record.running?.entry.pid}`);
    const verb = via === 'restarting' ? 'restarted' : 'spawned';
    this.activity.record(verb, definition.id, `${definition.label} ${verb} (pid ${record.running?.entry.pid})`);
  }

  /**
   * The one place a process group becomes a worker's running process: after admission to the
   * registry, before start() resolves. Its output is read from here on and its exit is awaited.
   */
  private attach(record: WorkerRecord, launched: LaunchedWorker, entry: SpawnEntry): void {
    const child = launched.child;
    // A worker that exited at once may have closed its pipes before this runs: 'close' is past.
    const streamClosed = (stream: ChildProcessWithoutNullStreams['stdout']): Promise<void> =>
      stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
    const running: RunningProcess = {
      child,
      entry,
      writers: { stdout: record.output.writer('stdout'), stderr: record.output.writer('stderr') },
      streamsClosed: Promise.all([streamClosed(child.stdout), streamClosed(child.stderr)]).then(() => undefined),
    };
    record.running = running;
    record.startedAt = entry.startedAt;
    record.usage = undefined;
    this.batcher.follow(record, { child, early: launched.early, writers: running.writers });
    // A worker that closes stdin (or exits) while we write must not crash the extension host with EPIPE.
    child.stdin.on('error', (error) => this.logger.warn(`[worker:${record.id}] stdin: ${describeError(error)}`));
    void this.tasks.run(`exit of ${record.id}`, async () => {
      const { code, signal } = await launched.exited;
      await this.handleExit(record, running, code, signal);
    });
  }

  /**
   * The one place a process group stops being supervised: its registry entry goes. Reached from the
   * leader's exit and from the end of a stop, whichever comes first; the second finds nothing left
   * (release answers false), as does the tick's sweep of a group that vanished without an exit event.
   */
  private groupEnded(record: WorkerRecord, running: RunningProcess): void {
    this.registry.release(running.entry);
    this.groupWatcher?.groupEnded(watchedGroup(record.definition, running.entry));
  }

  // ---- Internals: exits and restarts ------------------------------------------------------

  private async handleExit(
    record: WorkerRecord,
    running: RunningProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> {
    this.groupEnded(record, running);
    record.lastExit = { code, signal, at: Date.now() };
    record.invalidate();
    const uptimeMs = Date.now() - running.entry.startedAt;
    if (!record.stopRequested) {
      record.remnantCleanup = this.tasks.run(`remnants of ${record.id}`, () =>
        this.remnants.cleanUp(record, running.entry.pgid, record.definition.graceMs),
      );
    }
    // Let the last lines arrive before deciding: a crash report without its final words is useless.
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      running.streamsClosed,
      new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, EXIT_DRAIN_MS))),
    ]);
    clearTimeout(drainTimer);
    if (record.running !== running) {
      return;
    }
    record.detach();
    if (record.stopRequested || this.records.get(record.id) !== record) {
      return;
    }
    this.decideAfterExit(record, { code, signal, uptimeMs });
  }

  private decideAfterExit(
    record: WorkerRecord,
    exit: { code: number | null; signal: NodeJS.Signals | null; uptimeMs: number },
  ): void {
    const definition = record.definition;
    const clean = isCleanExit(exit);
    const exitText = describeExit(exit);
    const tracker = this.restartTrackers.get(definition.id) ?? new RestartTracker();
    const decision = tracker.decide(definition.restart, exit);
    const exitKind = clean ? 'exited' : 'crashed';
    if (decision.kind === 'done') {
      this.forgetRestarts(definition.id);
      this.transition(record, exitKind, clean ? undefined : exitText);
      this.mark(record, exitKind, `${exitKind}: ${exitText}`);
      this.activity.record(clean ? 'exited' : 'crashed', definition.id, `${definition.label}: ${exitText}`);
      return;
    }
    if (decision.kind === 'give-up') {
      record.lastLines = record.tail();
      const limit = `${decision.restarts} restarts within ${Math.round(decision.windowMs / 1_000)} s`;
      this.fail(record, `crash loop: ${limit}, not restarting again (last: ${exitText})`);
      return;
    }
    this.restartTrackers.set(definition.id, tracker);
    this.transition(record, exitKind, exitText);
    this.mark(record, exitKind, `${exitKind}: ${exitText}`);
    this.activity.record(
      clean ? 'exited' : 'crashed',
      definition.id,
      `${definition.label}: ${exitText}; restarting in ${decision.delayMs} ms`,
    );
    record.nextRestartAt = Date.now() + decision.delayMs;
    this.transition(record, 'backoff', `restart ${decision.attempt} in ${decision.delayMs} ms after ${exitText}`);
    const restart = restartText(decision.inWindow, definition.restart.maxRestarts, decision.delayMs);
    this.scheduler.schedule(definition.id, record.nextRestartAt, () => {
      void this.tasks.run(`restart of ${definition.id}`, () => this.restartFromBackoff(record, restart));
    });
  }

  private async restartFromBackoff(record: WorkerRecord, restart: string): Promise<void> {
    if (record.state !== 'backoff' || this.records.get(record.id) !== record || record.stopping) {
      return;
    }
    record.restartCount += 1;
    this.mark(record, 'restarting', restart);
    await this.launch(record, 'restarting');
  }

  private async stopRecord(
    record: WorkerRecord,
    options: { readonly graceMs?: number },
    escalation: StopEscalation,
  ): Promise<TerminationResult | undefined> {
    record.stopRequested = true;
    this.forgetRestarts(record.id);
    if (record.starting) {
      await record.starting;
    }
    const running = record.running;
    if (!running) {
      if (record.state === 'backoff' || record.state === 'restarting' || record.state === 'starting') {
        this.transition(record, 'stopped');
        this.mark(record, 'stopped', 'stopped while waiting to restart');
        this.activity.record('stopped', record.id, `${record.definition.label} stopped while waiting to restart`);
      }
      return undefined;
    }
    const graceMs = options.graceMs ?? record.definition.graceMs;
    // The deadline the view counts down to; a Kill Now or a shorter grace moves it (killDue).
    record.killAt = Math.min(Date.now() + graceMs, escalation.killAt);
    escalation.escalate(graceMs, undefined);
    this.transition(record, 'stopping');
    const family = await this.remnants.familyOf(record, running.entry.pgid);
    const result = await terminateGroup(running.entry.pgid, { graceMs, forceKill: escalation.signal });
    record.killAt = undefined;
    // Lines printed while stopping belong before the marker; a pipe held open by an escaped process must not wait.
    await Promise.race([running.streamsClosed, new Promise((resolve) => setTimeout(resolve, EXIT_DRAIN_MS))]);
    record.detach();
    this.groupEnded(record, running);
    const text = describeTermination(result);
    this.transition(record, 'stopped', result.outcome === 'survived' ? text : undefined);
    this.mark(
      record,
      result.outcome === 'killed' ? 'killed' : 'stopped',
      result.outcome === 'killed' ? text : `stopped: ${text}`,
    );
    this.activity.record('stopped', record.id, `${record.definition.label} stopped: ${text}`);
    await this.remnants.reportEscapees(record, running.entry.pgid, family);
    return result;
  }

  // ---- Internals: the global tick ---------------------------------------------------------

  private tick(): void {
    if (this.ticking || this.disposed) {
      return;
    }
    this.ticking = true;
    void this.tasks
      .run('tick', async () => {
        const now = Date.now();
        this.healthScanner.scan(this.records.values(), now);
        this.urlScanner.scan(this.records.values());
        this.enforceMaxRuntime(now);
        await this.sweepDead();
        await this.sampleMetrics();
        await this.status.maybeWrite(now);
        this.tickEmitter.fire();
      })
      .finally(() => {
        this.ticking = false;
      });
  }

  private enforceMaxRuntime(now: number): void {
    for (const record of this.records.values()) {
      const limit = record.definition.maxRuntimeMs;
      if (limit === undefined || !record.running || record.stopping || now - record.running.entry.startedAt <= limit) {
        continue;
      }
      void this.tasks.run(`max runtime of ${record.id}`, async () => {
        await this.stop(record.id);
        this.fail(record, `ran longer than its limit of ${limit} ms and was stopped`);
      });
    }
  }

  private async sampleMetrics(): Promise<void> {
    for (const record of await sampleUsage(this.records.values(), this.sampler)) {
      this.changed(record);
    }
    this.usageHistory.record(this.records.values(), Date.now());
  }
}
