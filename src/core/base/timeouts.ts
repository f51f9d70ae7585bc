import * as l10n from '@vscode/l10n';

/** Raised when an operation on a subprocess takes longer than allowed. */
export class SubprocessTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    readonly pid: number | undefined,
  ) {
    super(
      pid === undefined
        ? l10n.t('{0} timed out after {1} ms', operation, timeoutMs)
        : l10n.t('{0} timed out after {1} ms (pid {2})', operation, timeoutMs, pid),
    );
    this.name = 'SubprocessTimeoutError';
  }
}

export interface TimeoutOptions {
  readonly pid?: number;
  /**
   * Runs once when the deadline passes, e.g. to kill the process that hung. Its own failure is
   * attached to the timeout error as `cause`; it is never retried and never wrapped in another
   * timeout, so cleanup cannot recurse.
   */
  readonly onTimeout?: () => void;
}

/**
 * Resolves or rejects like `promise`, unless `ms` passes first: then it rejects with a
 * SubprocessTimeoutError. The timer is cleared as soon as the promise settles.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  operation: string,
  options: TimeoutOptions = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new SubprocessTimeoutError(operation, ms, options.pid);
      try {
        options.onTimeout?.();
      } catch (cleanupError) {
        error.cause = cleanupError;
      }
      reject(error);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
