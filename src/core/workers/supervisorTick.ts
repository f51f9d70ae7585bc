import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../base/activityLog';
import { Disposable, Emitter, Event, ListenerErrorHandler } from '../base/events';
import { TaskRegistry } from '../base/taskRegistry';
import { GroupMetricsSampler } from '../process/groupMetrics';
import { StatusKeeper } from '../recovery/statusKeeper';
import { HealthScanner } from './healthScan';
import { LocalUrlScanner } from './localUrlScan';
import { UsageHistory } from './usageHistory';
import { sampleUsage } from './usageSampling';
import { WorkerEvents } from './workerEvents';
import { WorkerExits } from './workerExits';
import { WorkerRecord } from './workerRecord';

/**
 * The supervisor's one periodic timer and what runs on it: health and URL scans of new output, the
 * max-runtime limit, the sweep of vanished groups, CPU and RSS sampling, the status file. One timer
 * for everything, and never two ticks at once, so a slow /proc scan delays a tick instead of piling up.
 */

/** Two seconds keeps uptime, CPU and RSS current in the tree while one /proc scan stays cheap. */
export const DEFAULT_TICK_MS = 2_000;

export interface SupervisorTickContext {
  readonly records: ReadonlyMap<string, WorkerRecord>;
  readonly tasks: TaskRegistry;
  readonly activity: ActivityLog;
  readonly events: WorkerEvents;
  readonly exits: WorkerExits;
  readonly status: StatusKeeper;
  readonly sampler: GroupMetricsSampler;
  readonly usageHistory: UsageHistory;
  readonly tickMs: number;
  readonly onListenerError: ListenerErrorHandler;
  /** Stops a worker as the user would; the max-runtime limit ends a run this way. */
  stop(id: string): Promise<unknown>;
  /** Removes registry entries whose process vanished without an exit event. */
  sweepDead(): Promise<number>;
}

export class SupervisorTick implements Disposable {
  private readonly healthScanner: HealthScanner;
  private readonly urlScanner: LocalUrlScanner;
  private readonly tickEmitter: Emitter<void>;
  private readonly timer: NodeJS.Timeout;
  private ticking = false;
  private disposed = false;

  constructor(private readonly context: SupervisorTickContext) {
    const changed = (record: WorkerRecord): void => context.events.changed(record);
    this.healthScanner = new HealthScanner({ activity: context.activity, changed });
    this.urlScanner = new LocalUrlScanner(changed);
    this.tickEmitter = new Emitter<void>(context.onListenerError);
    this.timer = setInterval(() => this.tick(), context.tickMs);
    // The tick must never be what keeps a process (a test run, a CLI) alive.
    this.timer.unref();
  }

  /** Fires after each tick, for what else is refreshed on it. */
  get onDidTick(): Event<void> {
    return this.tickEmitter.event;
  }

  /** No tick starts from now on (a tick under way finishes). */
  stop(): void {
    clearInterval(this.timer);
  }

  dispose(): void {
    this.stop();
    this.disposed = true;
    this.tickEmitter.dispose();
  }

  private tick(): void {
    if (this.ticking || this.disposed) {
      return;
    }
    this.ticking = true;
    const { records, tasks, status } = this.context;
    void tasks
      .run('tick', async () => {
        const now = Date.now();
        this.healthScanner.scan(records.values(), now);
        this.urlScanner.scan(records.values());
        this.enforceMaxRuntime(now);
        await this.context.sweepDead();
        await this.sampleMetrics();
        await status.maybeWrite(now);
        this.tickEmitter.fire();
      })
      .finally(() => {
        this.ticking = false;
      });
  }

  private enforceMaxRuntime(now: number): void {
    for (const record of this.context.records.values()) {
      const limit = record.definition.maxRuntimeMs;
      if (limit === undefined || !record.running || record.stopping || now - record.running.entry.startedAt <= limit) {
        continue;
      }
      void this.context.tasks.run(`max runtime of ${record.id}`, async () => {
        await this.context.stop(record.id);
        this.context.exits.fail(record, l10n.t('ran longer than its limit of {0} ms and was stopped', limit));
      });
    }
  }

  private async sampleMetrics(): Promise<void> {
    const { records, sampler, events, usageHistory } = this.context;
    for (const record of await sampleUsage(records.values(), sampler)) {
      events.changed(record);
    }
    usageHistory.record(records.values(), Date.now());
  }
}
