import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../base/activityLog';
import { describeTermination, terminateGroup, TerminationResult } from '../process/processGroup';
import { RemnantReporter } from '../process/remnants';
import { CpuPriorities } from '../process/cpuPriority';
import { StopEscalation } from './stopEscalation';
import { WorkerEvents } from './workerEvents';
import { EXIT_DRAIN_MS, WorkerExits } from './workerExits';
import { RunningProcess, WorkerRecord } from './workerRecord';

/**
 * Stopping a worker by hand: SIGTERM to its whole group, the grace period, SIGKILL, then the view, the
 * marker and the escapees. One stop per worker at a time; a later, more urgent stop shortens the one
 * under way (see StopEscalation) instead of waiting out its grace.
 */

export interface StopOptions {
  /** Overrides the definition's grace period. */
  readonly graceMs?: number;
  /** Aborting skips the rest of the grace and kills at once. */
  readonly forceKill?: AbortSignal;
}

export interface WorkerStoppingContext {
  readonly activity: ActivityLog;
  readonly events: WorkerEvents;
  readonly remnants: RemnantReporter;
  readonly exits: WorkerExits;
  /** A stopping group gets its normal CPU weight back, to handle its SIGTERM in time. */
  readonly priorities: CpuPriorities;
  /** The group is no longer supervised: see Supervisor.groupEnded. */
  groupEnded(record: WorkerRecord, running: RunningProcess): void;
}

export class WorkerStopping {
  /** Per stop in flight: what a later, more urgent stop aborts to force the SIGKILL early. */
  private readonly escalations = new Map<WorkerRecord, StopEscalation>();

  constructor(private readonly context: WorkerStoppingContext) {}

  /** Stops the worker's group, or shortens the stop already under way; resolves when it is over. */
  stop(record: WorkerRecord, options: StopOptions): Promise<TerminationResult | undefined> {
    const inFlight = this.escalations.get(record);
    if (record.stopping && inFlight) {
      // A second, more urgent stop (shutdown's short grace, a forced kill) must not wait out the
      // grace of the stop already under way: it shortens it instead.
      inFlight.escalate(options.graceMs, options.forceKill);
      return record.stopping as Promise<TerminationResult | undefined>;
    }
    if (!record.stopping) {
      const escalation = new StopEscalation((killAt) => this.killDue(record, killAt));
      this.escalations.set(record, escalation);
      escalation.escalate(undefined, options.forceKill);
      record.stopping = this.stopRecord(record, { graceMs: options.graceMs }, escalation).finally(() => {
        record.stopping = undefined;
        this.escalations.delete(record);
        escalation.dispose();
      });
    }
    return record.stopping as Promise<TerminationResult | undefined>;
  }

  /** Skips what is left of a stop's grace period: SIGKILL now. Does nothing unless the worker is stopping. */
  killNow(record: WorkerRecord): void {
    if (record.stopping) {
      this.escalations.get(record)?.escalate(undefined, AbortSignal.abort());
    }
  }

  /** The SIGKILL of a stop under way moved earlier (a Kill Now, shutdown's short grace). */
  private killDue(record: WorkerRecord, killAt: number): void {
    if (record.killAt === undefined || killAt < record.killAt) {
      record.killAt = killAt;
      if (record.state === 'stopping') {
        this.context.events.changed(record);
      }
    }
  }

  private async stopRecord(
    record: WorkerRecord,
    options: { readonly graceMs?: number },
    escalation: StopEscalation,
  ): Promise<TerminationResult | undefined> {
    const { events, activity, remnants } = this.context;
    record.stopRequested = true;
    this.context.exits.forget(record.id);
    if (record.starting) {
      await record.starting;
    }
    const running = record.running;
    if (!running) {
      if (record.state === 'backoff' || record.state === 'restarting' || record.state === 'starting') {
        events.transition(record, 'stopped');
        events.mark(record, 'stopped', l10n.t('stopped while waiting to restart'));
        const label = record.definition.label;
        activity.record('stopped', record.id, l10n.t('{0} stopped while waiting to restart', label));
      }
      return undefined;
    }
    const graceMs = options.graceMs ?? record.definition.graceMs;
    // The deadline the view counts down to; a Kill Now or a shorter grace moves it (killDue).
    record.killAt = Math.min(Date.now() + graceMs, escalation.killAt);
    escalation.escalate(graceMs, undefined);
    this.context.priorities.restore(running.entry.pid);
    events.transition(record, 'stopping');
    const family = await remnants.familyOf(record, running.entry.pgid);
    const result = await terminateGroup(running.entry.pgid, { graceMs, forceKill: escalation.signal });
    record.killAt = undefined;
    // Lines printed while stopping belong before the marker; a pipe held open by an escaped process must not wait.
    await Promise.race([running.streamsClosed, new Promise((resolve) => setTimeout(resolve, EXIT_DRAIN_MS))]);
    record.detach();
    this.context.groupEnded(record, running);
    const text = describeTermination(result);
    events.transition(record, 'stopped', result.outcome === 'survived' ? text : undefined);
    events.mark(
      record,
      result.outcome === 'killed' ? 'killed' : 'stopped',
      result.outcome === 'killed' ? text : l10n.t('stopped: {0}', text),
    );
    activity.record('stopped', record.id, l10n.t('{0} stopped: {1}', record.definition.label, text));
    await remnants.reportEscapees(record, running.entry.pgid, family);
    return result;
  }
}
