import { TaskRegistry } from '../../base/taskRegistry';
import { StoredSession } from './storedSession';
import { TranscriptStore } from './transcriptStore';

/**
 * Saves session transcripts in the background, as tracked tasks. Saves of one session are queued
 * behind each other so an older snapshot never lands after a newer one; different sessions save
 * in parallel.
 */
export class TranscriptSaver {
  /** The last queued save of each session that has one in flight. */
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: TranscriptStore,
    private readonly tasks: TaskRegistry,
  ) {}

  /**
   * Queues a save of session `id`. `snapshot` is read when the save starts, not now, so a save
   * that waited in the queue writes everything that happened up to then.
   */
  save(id: string, snapshot: () => StoredSession, secrets: () => Iterable<string>): void {
    const previous = this.pending.get(id) ?? Promise.resolve();
    const next = previous.then(() =>
      this.tasks.run(`save transcript ${id}`, () => this.store.save(snapshot(), secrets())),
    );
    this.pending.set(id, next);
    void next.finally(() => {
      if (this.pending.get(id) === next) {
        this.pending.delete(id);
      }
    });
  }

  /** Resolves once the session's saves queued so far have finished. */
  async settled(id: string): Promise<void> {
    await this.pending.get(id);
  }

  /** Resolves once every save queued so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.values()]);
  }
}
