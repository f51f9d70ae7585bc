import { Emitter, Event, ListenerErrorHandler } from '../base/events';
import { WorkerRecord } from './workerRecord';
import { WorkerState, WorkerView } from './workerView';
import { MarkerKind, WorkerMarker } from './workerMarkers';

/**
 * The one way a worker's change is published: its view and the snapshot recomputed, the status file
 * marked dirty, listeners told. The supervisor's launch, exit, stop and tick parts all go through it,
 * so none of them can forget a step.
 */

export type WorkerChangeKind = 'added' | 'updated' | 'removed';

export interface WorkerChange {
  readonly kind: WorkerChangeKind;
  readonly view: WorkerView;
}

export class WorkerEvents {
  private readonly changeEmitter: Emitter<WorkerChange>;
  private readonly markerEmitter: Emitter<WorkerMarker>;
  private cachedSnapshot: readonly WorkerView[] | undefined;

  constructor(
    private readonly records: ReadonlyMap<string, WorkerRecord>,
    /** Told of every change: the status file is rewritten on the next tick. */
    private readonly markDirty: () => void,
    onListenerError: ListenerErrorHandler,
  ) {
    this.changeEmitter = new Emitter<WorkerChange>(onListenerError);
    this.markerEmitter = new Emitter<WorkerMarker>(onListenerError);
  }

  get onDidChangeWorker(): Event<WorkerChange> {
    return this.changeEmitter.event;
  }

  get onDidMark(): Event<WorkerMarker> {
    return this.markerEmitter.event;
  }

  /** Every worker's view; the same array until something changes, so frequent callers cost nothing. */
  snapshot(): readonly WorkerView[] {
    if (!this.cachedSnapshot) {
      this.cachedSnapshot = Object.freeze([...this.records.values()].map((record) => record.view()));
    }
    return this.cachedSnapshot;
  }

  changed(record: WorkerRecord, kind: WorkerChangeKind = 'updated'): void {
    record.invalidate();
    this.cachedSnapshot = undefined;
    this.markDirty();
    this.changeEmitter.fire({ kind, view: record.view() });
  }

  /** The record has left the supervisor's map: the snapshot drops it and listeners see its last view. */
  removed(record: WorkerRecord): void {
    this.cachedSnapshot = undefined;
    this.changeEmitter.fire({ kind: 'removed', view: record.view() });
  }

  transition(record: WorkerRecord, state: WorkerState, message?: string): void {
    record.state = state;
    record.message = message;
    this.changed(record);
  }

  /** Says in the worker's output where a run began or ended, after the lines printed so far. */
  mark(record: WorkerRecord, kind: MarkerKind, text: string): void {
    const marker: WorkerMarker = { workerId: record.id, kind, text, at: Date.now(), afterSeq: record.output.lastSeq };
    record.markers.add(marker);
    this.markerEmitter.fire(marker);
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.markerEmitter.dispose();
  }
}
