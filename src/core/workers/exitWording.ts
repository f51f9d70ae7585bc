import { TerminationResult } from '../process/processGroup';

/** How a worker's process ended and how a stop went, in the words every log, tooltip and notice uses. */

/** "killed by SIGTERM" or "exit code 2": a signal, when there was one, says more than the code. */
export function describeExit(exit: { readonly code: number | null; readonly signal: string | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** How stopping a group went, e.g. "exited on SIGTERM in 120 ms". */
export function describeOutcome(result: TerminationResult): string {
  switch (result.outcome) {
    case 'already-gone':
      return 'its processes were already gone';
    case 'exited':
      return `exited on SIGTERM in ${result.elapsedMs} ms`;
    case 'killed':
      return `killed with SIGKILL after ${result.elapsedMs} ms`;
    case 'survived':
      return `some processes survived SIGKILL (uninterruptible sleep?) after ${result.elapsedMs} ms`;
  }
}
