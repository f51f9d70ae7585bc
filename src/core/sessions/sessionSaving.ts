import { TaskRegistry } from '../base/taskRegistry';
import { Session } from './session';
import { TranscriptSaver } from './transcripts/transcriptSaver';
import { TranscriptStore } from './transcripts/transcriptStore';

/**
 * How sessions reach the transcript store: saved in the background as they change, and saved one
 * last time as history when closed. Without a store, sessions live only as long as the window.
 */
export class SessionSaving {
  private readonly saver: TranscriptSaver | undefined;

  constructor(store: TranscriptStore | undefined, tasks: TaskRegistry) {
    this.saver = store && new TranscriptSaver(store, tasks);
  }

  /** Queues a save of the session as it will be when the save starts. */
  save(session: Session): void {
    this.saver?.save(
      session.id,
      () => session.stored(),
      () => secretsOf(session),
    );
  }

  /**
   * Saves the session as closed, and resolves once that save landed: the transcript stays as
   * history (listed and searched, not restored). Call before the agent's connection is dropped,
   * so its secrets are still known to mask.
   */
  async saveClosed(session: Session): Promise<void> {
    if (!this.saver) {
      return;
    }
    const secrets = secretsOf(session);
    this.saver.save(
      session.id,
      () => ({ ...session.stored(), closedAt: Date.now() }),
      () => secrets,
    );
    await this.saver.settled(session.id);
  }

  /** Resolves once the session's saves queued so far have finished. */
  async settled(id: string): Promise<void> {
    await this.saver?.settled(id);
  }

  /** Resolves once every save queued so far has finished. */
  async flush(): Promise<void> {
    await this.saver?.flush();
  }
}

/** Values masked in a saved transcript: the agent's env and what its connection holds secret. */
function secretsOf(session: Session): string[] {
  return [...Object.values(session.agent.env), ...(session.connection?.secretValues ?? [])];
}
