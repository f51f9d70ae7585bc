/** The one wording for "something in the settings is wrong" notices. No vscode here. */
import * as l10n from '@vscode/l10n';

/**
 * The first problem, and how many more the log holds: "<first> (and 2 more problems: see the Shepherd
 * log)". A notice naming every problem would be unreadable; the log has each one on its own line.
 */
export function summarizeProblems(problems: readonly string[]): string | undefined {
  const [first, ...rest] = problems;
  if (first === undefined) {
    return undefined;
  }
  if (rest.length === 0) {
    return first;
  }
  return rest.length === 1
    ? l10n.t('{0} (and 1 more problem: see the Shepherd log)', first)
    : l10n.t('{0} (and {1} more problems: see the Shepherd log)', first, rest.length);
}
