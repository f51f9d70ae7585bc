import * as l10n from '@vscode/l10n';

/**
 * How a worker's process ended, in the words every log, tooltip and notice uses. How a stop went is
 * worded beside its result type, by describeTermination in process/processGroup.ts.
 */

/** "killed by SIGTERM" or "exit code 2": a signal, when there was one, says more than the code. */
export function describeExit(exit: { readonly code: number | null; readonly signal: string | null }): string {
  return exit.signal ? l10n.t('killed by {0}', exit.signal) : l10n.t('exit code {0}', String(exit.code));
}
