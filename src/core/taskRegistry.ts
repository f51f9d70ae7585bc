import { describeError, Logger } from './logger';

interface TrackedTask {
  readonly name: string;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export interface ShutdownReport {
  /** Names of the tasks still running when the timeout passed. */
  readonly unfinished: string[];
}

/**
 * Every piece of background work the core starts goes through here, so none is ever lost: a task
 * that rejects is logged with its name, and shutdown aborts them all and says which did not finish.
 */
export class TaskRegistry {
  private readonly tasks = new Set<TrackedTask>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.tasks.size;
  }

  /** Names of the tasks in flight. */
  names(): string[] {
    return [...this.tasks].map((task) => task.name);
  }

  /**
   * Starts `work` as a tracked task. The returned promise settles like `work` does, but nothing
   * needs to await it: a rejection is logged here. After shutdown, new tasks start already aborted.
   */
  run<T>(name: string, work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const controller = new AbortController();
    if (this.closed) {
      controller.abort();
    }
    const result = Promise.resolve()
      .then(() => work(controller.signal))
      .then(
        (value): T | undefined => value,
        (error: unknown): undefined => {
          this.logger.error(`background task "${name}" failed: ${describeError(error)}`);
          return undefined;
        },
      );
    const task: TrackedTask = { name, controller, done: result.then(() => undefined) };
    this.tasks.add(task);
    void task.done.finally(() => this.tasks.delete(task));
    return result;
  }

  /** Aborts every task, waits up to `timeoutMs` for them, and reports those that did not finish. */
  async shutdown(timeoutMs: number): Promise<ShutdownReport> {
    this.closed = true;
    const pending = [...this.tasks];
    for (const task of pending) {
      task.controller.abort();
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(pending.map((task) => task.done)), deadline]);
    clearTimeout(timer);
    const unfinished = pending.filter((task) => this.tasks.has(task)).map((task) => task.name);
    if (unfinished.length > 0) {
      this.logger.warn(`shutdown: ${unfinished.length} background task(s) did not finish: ${unfinished.join(', ')}`);
    }
    return { unfinished };
  }
}
