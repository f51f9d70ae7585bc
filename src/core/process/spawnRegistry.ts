import * as l10n from '@vscode/l10n';
import { Mutex } from 'async-mutex';
import { pidExists } from './processGroup';

/**
 * 128 live process groups is far beyond what one person supervises by hand, yet small enough that a
 * runaway restart loop or a script that spawns in a loop hits a clear error before exhausting the host.
 */
export const DEFAULT_REGISTRY_CAPACITY = 128;

/** One live process group that Shepherd spawned. Entries are compared by identity, never by value. */
export interface SpawnEntry {
  /** The runtime id of the worker that owns the process. */
  readonly id: string;
  readonly definitionId: string;
  readonly pid: number;
  /** Equal to pid: every worker leads its own group. */
  readonly pgid: number;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** Identifies this incarnation of `pid` (see readStartToken); undefined where it cannot be read. */
  readonly startToken: string | undefined;
}

/** What a launch callback reports once the process exists. */
export interface LaunchedProcess {
  readonly pid: number;
  readonly startToken: string | undefined;
}

export class RegistryFullError extends Error {
  constructor(
    readonly capacity: number,
    readonly requestedId: string,
  ) {
    super(
      l10n.t(
        'Cannot start "{0}": Shepherd already supervises {1} processes, its limit. Stop a worker first.',
        requestedId,
        capacity,
      ),
    );
    this.name = 'RegistryFullError';
  }
}

/**
 * id → live process group. Reads (get, list) never wait: they touch the map synchronously. Only the
 * sections that span an await take the lock.
 */
export class SpawnRegistry {
  private readonly entries = new Map<string, SpawnEntry>();
  /**
   * Guards admission (capacity check → spawn → insert), which awaits the child's 'spawn' event:
   * without it two concurrent starts could both pass the capacity check. The removal phase of
   * sweepDead takes it too, so it never interleaves with an admission in progress.
   */
  private readonly admissionLock = new Mutex();

  constructor(readonly capacity: number = DEFAULT_REGISTRY_CAPACITY) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): SpawnEntry | undefined {
    return this.entries.get(id);
  }

  list(): SpawnEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Checks capacity, runs `launch` and records its process, all under the admission lock. Throws
   * RegistryFullError when full; rethrows whatever `launch` throws, leaving the registry unchanged.
   */
  admit(id: string, definitionId: string, launch: () => Promise<LaunchedProcess>): Promise<SpawnEntry> {
    return this.admissionLock.runExclusive(async () => {
      if (this.entries.size >= this.capacity && !this.entries.has(id)) {
        throw new RegistryFullError(this.capacity, id);
      }
      const launched = await launch();
      const entry: SpawnEntry = {
        id,
        definitionId,
        pid: launched.pid,
        pgid: launched.pid,
        startedAt: Date.now(),
        startToken: launched.startToken,
      };
      this.entries.set(id, entry);
      return entry;
    });
  }

  /** Removes `entry` if it is still the one registered under its id; a newer entry is kept. */
  release(entry: SpawnEntry): boolean {
    if (this.entries.get(entry.id) !== entry) {
      return false;
    }
    this.entries.delete(entry.id);
    return true;
  }

  /**
   * Two-phase sweep. Phase one probes every entry without the lock, with signal 0 only: entries are
   * this process's own children, which Node reaps the moment they exit, so a PID that no longer
   * exists is gone and a zombie is only ever transient. (Reading /proc per entry, as before, cost a
   * thread-pool round trip each: the sweep of 128 entries every tick was the bulk of idle CPU.)
   * Phase two removes, under the lock, only the entries that are still the very objects found dead:
   * a worker respawned under the same id in between is kept.
   */
  async sweepDead(): Promise<SpawnEntry[]> {
    const dead = this.list().filter((entry) => !pidExists(entry.pid));
    if (dead.length === 0) {
      return [];
    }
    return this.admissionLock.runExclusive(() => dead.filter((entry) => this.release(entry)));
  }
}
