import { ActivityLog } from './base/activityLog';
import { Disposable } from './base/events';
import { describeError, Logger } from './base/logger';
import { TaskRegistry } from './base/taskRegistry';
import { SessionManager, SessionManagerOptions } from './sessions/sessionManager';
import { Supervisor, SupervisorOptions } from './workers/supervisor';

/**
 * The core's long-lived pieces, built in one place and handed to whoever needs them, so nothing
 * reaches one piece through another (no `supervisor.tasks` service locator).
 */
export interface ShepherdCore extends Disposable {
  readonly logger: Logger;
  readonly tasks: TaskRegistry;
  readonly activity: ActivityLog;
  readonly supervisor: Supervisor;
  readonly sessions: SessionManager;
  /** Sessions first (their transcripts saved, their agents closed), then every group, then the tasks. */
  shutdown(): Promise<void>;
}

export interface ShepherdCoreOptions {
  readonly logger: Logger;
  readonly supervisor: Omit<SupervisorOptions, 'logger' | 'tasks' | 'activity'>;
  readonly sessions: Omit<SessionManagerOptions, 'logger' | 'tasks' | 'supervisor'>;
}

/** The background-work registry and activity log every core piece shares. */
export function createCoreServices(logger: Logger): { tasks: TaskRegistry; activity: ActivityLog } {
  return {
    tasks: new TaskRegistry(logger),
    activity: new ActivityLog((error) => logger.error(`an activity log listener threw: ${describeError(error)}`)),
  };
}

export function createShepherdCore(options: ShepherdCoreOptions): ShepherdCore {
  const { logger } = options;
  const { tasks, activity } = createCoreServices(logger);
  const supervisor = new Supervisor({ ...options.supervisor, logger, tasks, activity });
  const sessions = new SessionManager({ ...options.sessions, logger, tasks, supervisor });
  return {
    logger,
    tasks,
    activity,
    supervisor,
    sessions,
    async shutdown(): Promise<void> {
      await sessions
        .shutdown()
        .catch((error: unknown) =>
          logger.error(`closing sessions failed: ${describeError(error)}; stopping their workers anyway`),
        );
      await supervisor.shutdown();
    },
    dispose(): void {
      sessions.dispose();
      supervisor.dispose();
    },
  };
}
