/** The one wording for "something in the settings is wrong" notices. No vscode here. */

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
  return `${first} (and ${rest.length} more problem${rest.length === 1 ? '' : 's'}: see the Shepherd log)`;
}
