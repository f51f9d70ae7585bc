/** Something that holds resources until `dispose()` is called. Mirrors vscode.Disposable without importing it. */
export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

/** Subscribes a listener and returns the disposable that unsubscribes it. */
export type Event<T> = (listener: Listener<T>) => Disposable;

/** Where a throwing listener is reported; the core must keep going whatever a listener does. */
export type ListenerErrorHandler = (error: unknown) => void;

/**
 * A minimal typed event emitter. A listener that throws is reported and skipped, so one faulty
 * subscriber (a UI adapter, a test) can never break a state transition in the core.
 */
export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private readonly onListenerError: ListenerErrorHandler) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  get listenerCount(): number {
    return this.listeners.size;
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Collects disposables and disposes them together; values registered after disposal are disposed at once. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<D extends Disposable>(item: D): D {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  dispose(): void {
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) {
      item.dispose();
    }
  }
}
