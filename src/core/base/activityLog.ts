import { Emitter, Event, ListenerErrorHandler } from './events';

export type ActivityKind =
  | 'spawned'
  | 'exited'
  | 'crashed'
  | 'restarted'
  | 'stopped'
  | 'failed'
  | 'degraded'
  | 'orphan-killed'
  | 'orphan-skipped'
  | 'escaped'
  | 'remote-command'
  | 'remote-refused'
  | 'warning';

export interface ActivityEntry {
  readonly seq: number;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly kind: ActivityKind;
  /** The worker concerned, if any. */
  readonly workerId: string | undefined;
  readonly message: string;
}

/** A hundred events cover a busy hour of restarts while keeping the log's memory fixed. */
export const ACTIVITY_LOG_CAPACITY = 100;

/** The last events of the supervisor, for the "Show Activity Log" view and post-mortems. */
export class ActivityLog {
  private readonly entries: ActivityEntry[] = [];
  private nextSeq = 1;
  private readonly added: Emitter<ActivityEntry>;

  constructor(
    onListenerError: ListenerErrorHandler,
    readonly capacity: number = ACTIVITY_LOG_CAPACITY,
  ) {
    this.added = new Emitter<ActivityEntry>(onListenerError);
  }

  get onDidAdd(): Event<ActivityEntry> {
    return this.added.event;
  }

  record(kind: ActivityKind, workerId: string | undefined, message: string): ActivityEntry {
    const entry: ActivityEntry = Object.freeze({ seq: this.nextSeq++, at: Date.now(), kind, workerId, message });
    this.entries.push(entry);
    if (this.entries.length > this.capacity) {
      this.entries.shift();
    }
    this.added.fire(entry);
    return entry;
  }

  /** A copy of the kept entries, oldest first. */
  list(): ActivityEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  dispose(): void {
    this.added.dispose();
  }
}
