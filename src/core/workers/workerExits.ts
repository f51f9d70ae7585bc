import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../base/activityLog';
import { Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { RemnantReporter } from '../process/remnants';
import { DeadlineScheduler } from './deadlineScheduler';
import { describeExit } from './exitWording';
import { ExitFacts, isCleanExit, RestartTracker } from './restartTracker';
import { WorkerEvents } from './workerEvents';
import { restartText } from './workerMarkers';
import { RunningProcess, WorkerRecord } from './workerRecord';

/**
 * What follows when a worker's process ends without being asked to: the last output drained, exited
 * or crashed, a restart after its backoff or a failure for good (crash loop). It owns the per-worker
 * restart bookkeeping, so forgetting a worker's restarts is one call wherever a run ends by hand.
 */

/** How long an exit waits for the last output to drain before deciding on a restart. */
export const EXIT_DRAIN_MS = 250;

export interface WorkerExitsContext {
  readonly logger: Logger;
  readonly tasks: TaskRegistry;
  readonly activity: ActivityLog;
  readonly events: WorkerEvents;
  readonly remnants: RemnantReporter;
  /** Whether the record is still the supervisor's worker of its id (not removed meanwhile). */
  isCurrent(record: WorkerRecord): boolean;
  /** The group is no longer supervised: see Supervisor.groupEnded. */
  groupEnded(record: WorkerRecord, running: RunningProcess): void;
  /** Starts the worker's process again once its backoff is over. */
  relaunch(record: WorkerRecord): Promise<void>;
}

export class WorkerExits {
  private readonly trackers = new Map<string, RestartTracker>();
  private readonly scheduler: DeadlineScheduler;

  constructor(private readonly context: WorkerExitsContext) {
    this.scheduler = new DeadlineScheduler(context.logger);
  }

  /** Counts of per-worker restart bookkeeping, for tests that prove none is left behind. */
  bookkeeping(): { trackers: number; scheduled: number } {
    return { trackers: this.trackers.size, scheduled: this.scheduler.size };
  }

  /** A start by hand takes the place of a restart still waiting out its backoff. */
  cancelPendingRestart(id: string): void {
    this.scheduler.cancel(id);
  }

  /** No restart is pending and the crash-loop count starts over: the run ended by hand or for good. */
  forget(id: string): void {
    this.trackers.delete(id);
    this.scheduler.cancel(id);
  }

  /** The worker failed for good: no restart is pending, its view says why, and so do the logs. */
  fail(record: WorkerRecord, message: string): void {
    const { events, activity, logger } = this.context;
    this.forget(record.id);
    events.transition(record, 'failed', message);
    events.mark(record, 'failed', l10n.t('failed: {0}', message));
    activity.record('failed', record.id, `${record.label}: ${message}`);
    logger.error(`[worker:${record.id}] ${message}`);
  }

  /** The process of `running` exited with `code` or `signal`; decides what follows unless a stop owns it. */
  async handleExit(
    record: WorkerRecord,
    running: RunningProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> {
    const { tasks, remnants } = this.context;
    this.context.groupEnded(record, running);
    record.lastExit = { code, signal, at: Date.now() };
    record.invalidate();
    const uptimeMs = Date.now() - running.entry.startedAt;
    if (!record.stopRequested) {
      record.remnantCleanup = tasks.run(`remnants of ${record.id}`, () =>
        remnants.cleanUp(record, running.entry.pgid, record.definition.graceMs),
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
    if (record.stopRequested || !this.context.isCurrent(record)) {
      return;
    }
    this.decideAfterExit(record, { code, signal, uptimeMs });
  }

  private decideAfterExit(record: WorkerRecord, exit: ExitFacts): void {
    const { events, activity } = this.context;
    const definition = record.definition;
    const clean = isCleanExit(exit);
    const exitText = describeExit(exit);
    const tracker = this.trackers.get(definition.id) ?? new RestartTracker();
    const decision = tracker.decide(definition.restart, exit);
    const exitKind = clean ? 'exited' : 'crashed';
    const exitMarker = clean ? l10n.t('exited: {0}', exitText) : l10n.t('crashed: {0}', exitText);
    if (decision.kind === 'done') {
      this.forget(definition.id);
      events.transition(record, exitKind, clean ? undefined : exitText);
      events.mark(record, exitKind, exitMarker);
      activity.record(clean ? 'exited' : 'crashed', definition.id, `${definition.label}: ${exitText}`);
      return;
    }
    if (decision.kind === 'give-up') {
      record.lastLines = record.tail();
      const message = l10n.t(
        'crash loop: {0} restarts within {1} s, not restarting again (last: {2})',
        decision.restarts,
        Math.round(decision.windowMs / 1_000),
        exitText,
      );
      this.fail(record, message);
      return;
    }
    this.trackers.set(definition.id, tracker);
    events.transition(record, exitKind, exitText);
    events.mark(record, exitKind, exitMarker);
    activity.record(
      clean ? 'exited' : 'crashed',
      definition.id,
      l10n.t('{0}: {1}; restarting in {2} ms', definition.label, exitText, decision.delayMs),
    );
    record.nextRestartAt = Date.now() + decision.delayMs;
    const waiting = l10n.t('restart {0} in {1} ms after {2}', decision.attempt, decision.delayMs, exitText);
    events.transition(record, 'backoff', waiting);
    const restart = restartText(decision.inWindow, definition.restart.maxRestarts, decision.delayMs);
    this.scheduler.schedule(definition.id, record.nextRestartAt, () => {
      void this.context.tasks.run(`restart of ${definition.id}`, () => this.restartFromBackoff(record, restart));
    });
  }

  private async restartFromBackoff(record: WorkerRecord, restart: string): Promise<void> {
    if (record.state !== 'backoff' || !this.context.isCurrent(record) || record.stopping) {
      return;
    }
    record.restartCount += 1;
    this.context.events.mark(record, 'restarting', restart);
    await this.context.relaunch(record);
  }

  dispose(): void {
    this.scheduler.dispose();
    this.trackers.clear();
  }
}
