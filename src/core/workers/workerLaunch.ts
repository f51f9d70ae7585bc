import * as l10n from '@vscode/l10n';
import { ChildProcessWithoutNullStreams } from 'node:child_process';
import { ActivityLog } from '../base/activityLog';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { WorkerDefinition } from '../definitions/workerDefinition';
import { CpuPriorities, CpuPriority } from '../process/cpuPriority';
import { LaunchedWorker, LaunchError } from '../process/processLauncher';
import { SpawnEntry, SpawnRegistry } from '../process/spawnRegistry';
import { GroupWatcher, WatchedGroup } from '../recovery/groupWatcher';
import { GroupAdmission, shuttingDownMessage } from './groupAdmission';
import { OutputBatcher } from './outputBatcher';
import { WorkerEvents } from './workerEvents';
import { WorkerExits } from './workerExits';
import { RunningProcess, WorkerRecord } from './workerRecord';

/**
 * Where a worker's process group begins and ends being supervised: a run launched (admitted to the
 * registry, its output followed, its exit awaited, the group watcher told) and, from an exit or a stop,
 * released again. Both ends in one module so the registry and the watcher always hear of both.
 */

export interface WorkerLaunchContext {
  readonly logger: Logger;
  readonly tasks: TaskRegistry;
  readonly activity: ActivityLog;
  readonly events: WorkerEvents;
  readonly exits: WorkerExits;
  readonly registry: SpawnRegistry;
  readonly admission: GroupAdmission;
  readonly batcher: OutputBatcher;
  readonly groupWatcher: GroupWatcher | undefined;
  /** Gives a freshly started group the CPU priority its worker should run at. */
  readonly priorities: CpuPriorities;
  /** The priority a worker runs at; 'normal' leaves it like any other program. */
  priorityOf(definition: WorkerDefinition): CpuPriority;
  /** True once the editor began shutting Shepherd down: nothing new may start. */
  closing(): boolean;
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

export class WorkerLaunch {
  constructor(private readonly context: WorkerLaunchContext) {}

  /** Starts a run of the worker; resolves once it runs or has failed (its view says why). */
  launch(record: WorkerRecord, via: 'starting' | 'restarting'): Promise<void> {
    record.starting = this.spawnRecord(record, via).finally(() => {
      record.starting = undefined;
    });
    return record.starting;
  }

  /**
   * The one place a process group stops being supervised: its registry entry goes. Reached from the
   * leader's exit and from the end of a stop, whichever comes first; the second finds nothing left
   * (release answers false), as does the tick's sweep of a group that vanished without an exit event.
   */
  groupEnded(record: WorkerRecord, running: RunningProcess): void {
    this.context.registry.release(running.entry);
    this.context.priorities.forget(running.entry.pid);
    this.context.groupWatcher?.groupEnded(watchedGroup(record.definition, running.entry));
  }

  private async spawnRecord(record: WorkerRecord, via: 'starting' | 'restarting'): Promise<void> {
    const { events, activity } = this.context;
    record.resetForLaunch();
    events.transition(record, via);
    const definition = record.definition;
    try {
      if (this.context.closing()) {
        throw new LaunchError(shuttingDownMessage());
      }
      await record.remnantCleanup;
      const { launched, entry } = await this.context.admission.admit(definition);
      this.attach(record, launched, entry);
      this.context.priorities.apply(entry.pid, this.context.priorityOf(definition));
      // On record outside this process before start() resolves, so a host killed right now leaks nothing.
      await this.context.groupWatcher?.groupStarted(watchedGroup(definition, entry));
    } catch (error) {
      this.context.exits.fail(record, describeError(error));
      return;
    }
    record.startedWith = definition;
    events.transition(record, 'running');
    const pid = String(record.running?.entry.pid);
    events.mark(record, 'started', l10n.t('started, pid {0}', pid));
    if (via === 'restarting') {
      activity.record('restarted', definition.id, l10n.t('{0} restarted (pid {1})', definition.label, pid));
    } else {
      activity.record('spawned', definition.id, l10n.t('{0} spawned (pid {1})', definition.label, pid));
    }
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
    this.context.batcher.follow(record, { child, early: launched.early, writers: running.writers });
    // A worker that closes stdin (or exits) while we write must not crash the extension host with EPIPE.
    child.stdin.on('error', (error) =>
      this.context.logger.warn(`[worker:${record.id}] stdin: ${describeError(error)}`),
    );
    void this.context.tasks.run(`exit of ${record.id}`, async () => {
      const { code, signal } = await launched.exited;
      await this.context.exits.handleExit(record, running, code, signal);
    });
  }
}
