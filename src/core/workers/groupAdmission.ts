import * as l10n from '@vscode/l10n';
import { LaunchedWorker, LaunchEnvironment, LaunchError, launchWorker } from '../process/processLauncher';
import { confirmGroupKilled, killGroupSync } from '../process/processGroup';
import { readStartToken } from '../process/procfs';
import { SpawnEntry, SpawnRegistry } from '../process/spawnRegistry';
import { WorkerDefinition } from '../definitions/workerDefinition';

/** Why a start was refused once the supervisor began to shut down (a function: l10n is configured after load). */
export function shuttingDownMessage(): string {
  return l10n.t('Shepherd is shutting down: the worker was not started');
}

/** A worker's freshly spawned group, admitted to the registry. */
export interface AdmittedGroup {
  readonly launched: LaunchedWorker;
  readonly entry: SpawnEntry;
}

/**
 * Spawns a worker's process group and admits it to the registry as one step. Whatever fails after
 * the spawn (the registry is full, the start token cannot be read, a shutdown began meanwhile), the
 * process is killed before the error reaches the caller, so an admission never leaves one running.
 */
export class GroupAdmission {
  /** Leaders spawned but not yet in the registry: the exit hook must reach them too. */
  private readonly launching = new Set<number>();

  constructor(
    private readonly registry: SpawnRegistry,
    private readonly extraEnv: LaunchEnvironment,
    private readonly isClosing: () => boolean,
  ) {}

  /** The groups of admissions in flight, for the synchronous kill of an exit path. */
  inFlight(): readonly number[] {
    return [...this.launching];
  }

  async admit(definition: WorkerDefinition): Promise<AdmittedGroup> {
    let launched: LaunchedWorker | undefined;
    let spawnedPid: number | undefined;
    try {
      const entry = await this.registry.admit(definition.id, definition.id, async () => {
        launched = await launchWorker(definition, this.extraEnv, (pid) => {
          spawnedPid = pid;
          this.launching.add(pid);
        });
        const pid = launched.child.pid as number;
        const startToken = await readStartToken(pid);
        // The exit hook (or shutdown) ran while this process was being spawned: it must not live on.
        if (this.isClosing()) {
          throw new LaunchError(shuttingDownMessage());
        }
        return { pid, startToken };
      });
      return { launched: launched as LaunchedWorker, entry };
    } catch (error) {
      // The process may exist although admission failed afterwards: never leave it running.
      if (launched?.child.pid !== undefined) {
        killGroupSync(launched.child.pid);
        await confirmGroupKilled(launched.child.pid);
      }
      throw error;
    } finally {
      if (spawnedPid !== undefined) {
        this.launching.delete(spawnedPid);
      }
    }
  }
}
