/** A session's worktree, as recorded with its transcript so it survives a window reload. */
export interface WorktreeInfo {
  /** The main worktree's top folder: where accept merges and where the branch lives. */
  readonly repoRoot: string;
  /** The worktree's folder, the agent's cwd. */
  readonly path: string;
  /** The branch checked out in the worktree, `shepherd/<slug>`. */
  readonly branch: string;
  /** The commit the worktree started from: the review's original side. */
  readonly baseCommit: string;
  /** What the user picked as the base (a branch name, or HEAD's branch), for display. */
  readonly baseLabel: string;
}

/** Prefix of every branch Shepherd creates, so its worktrees are recognisable among the user's. */
export const BRANCH_PREFIX = 'shepherd/';

/** Longest slug kept: branch and folder names stay readable in the tree. */
const MAX_SLUG_LENGTH = 40;

/**
 * A branch- and folder-safe name from free text ("Fix the login bug!" → "fix-the-login-bug"):
 * lowercase letters, digits and single dashes, never empty.
 */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  return slug === '' ? 'session' : slug;
}
