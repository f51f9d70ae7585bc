import { describeError, Logger } from './logger';

interface TaskInfo {
  readonly name: string;
  readonly controller: AbortController;
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
  /** Each task's settled-never-rejects promise, removed as soon as it settles. */
  private readonly tasks = new Map<TaskInfo, Promise<unknown>>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.tasks.size;
  }

  /** Names of the tasks in flight. */
  names(): string[] {
    return [...this.tasks.keys()].map((task) => task.name);
  }

  /**
   * Starts `work` as a tracked task. The returned promise settles like `work` does, but nothing
   * needs to await it: a rejection is logged here. After shutdown, new tasks start already aborted.
   */
  run<T>(name: string, work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const info: TaskInfo = { name, controller: new AbortController() };
    if (this.closed) {
      info.controller.abort();
    }
    let started: Promise<T>;
    try {
      // Called synchronously so the work sees its signal before anyone can abort it.
      started = Promise.resolve(work(info.controller.signal));
    } catch (error) {
      started = Promise.reject(error);
    }
    const result = started
      .then(
        (value): T | undefined => value,
        (error: unknown): undefined => {
          this.logger.error(`background task "${name}" failed: ${describeError(error)}`);
          return undefined;
        },
      )
      .finally(() => this.tasks.delete(info));
    this.tasks.set(info, result);
    return result;
  }

  /** Aborts every task, waits up to `timeoutMs` for them, and reports those that did not finish. */
  async shutdown(timeoutMs: number): Promise<ShutdownReport> {
    this.closed = true;
    const pending = [...this.tasks];
    for (const [task] of pending) {
      task.controller.abort();
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(pending.map(([, done]) => done)), deadline]);
    clearTimeout(timer);
    const unfinished = pending.filter(([task]) => this.tasks.has(task)).map(([task]) => task.name);
    if (unfinished.length > 0) {
      this.logger.warn(`shutdown: ${unfinished.length} background task(s) did not finish: ${unfinished.join(', ')}`);
    }
    return { unfinished };
  }
}
