import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { Logger } from '../../core/base/logger';
import { TaskRegistry } from '../../core/base/taskRegistry';
import { SessionManager } from '../../core/sessions/sessionManager';
import { GitError } from '../../core/worktrees/gitErrors';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { findOrphanedWorktrees, KeptNote, KeptNoteError, pruneMissing, readKept } from '../../core/worktrees/orphans';
import { inspectRepository } from '../../core/worktrees/repository';
import { worktreesFolderFor } from '../../core/worktrees/worktreeCreate';
import { BRANCH_PREFIX, WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { countDiscardedFiles, removeWorktree } from '../../core/worktrees/worktreeOutcome';
import { CommandHandler, registerGuardedCommand } from '../commands/commandGuard';
import { ORPHAN_COMMANDS, OrphanCommandKey } from '../commands/commandIds';
import { Notifier } from '../common/notifier';
import { isOrphanNode, OrphanRow } from '../workers/workersTree';
import { openReview } from './reviewChanges';
import { SessionWorktrees } from './sessionWorktrees';
import { readWorktreesFolder } from './worktreeChoice';

const HEADS = 'refs/heads/';

/**
 * Worktrees under Shepherd's folder that no session owns (the session was closed with Keep, which
 * leaves a note, or its transcript was lost), found per workspace folder's repository. Each scan first runs
 * `git worktree prune` where a worktree's folder was deleted by hand.
 */
export class OrphanWorktrees implements vscode.Disposable {
  private rows: readonly OrphanRow[] = [];
  private readonly changes = new vscode.EventEmitter<readonly OrphanRow[]>();

  constructor(
    private readonly git: GitRunner,
    private readonly worktrees: SessionWorktrees,
    private readonly logger: Logger,
  ) {}

  get onDidChange(): vscode.Event<readonly OrphanRow[]> {
    return this.changes.event;
  }

  entries(): readonly OrphanRow[] {
    return this.rows;
  }

  async scan(): Promise<void> {
    const owned = this.worktrees.entries().map(([, info]) => info.path);
    const rows: OrphanRow[] = [];
    for (const root of await this.repositories()) {
      const pruned = await pruneMissing(this.git, root);
      if (pruned.length > 0) {
        this.logger.info(`git worktree prune in ${root}: forgot ${pruned.join(', ')} (deleted by hand)`);
      }
      const folder = worktreesFolderFor(root, readWorktreesFolder());
      for (const entry of await findOrphanedWorktrees(this.git, root, folder, owned)) {
        const branch = entry.branch?.startsWith(HEADS) ? entry.branch.slice(HEADS.length) : undefined;
        rows.push({ kind: 'orphan', repoRoot: root, path: entry.path, branch, kept: await this.keptNote(entry.path) });
      }
    }
    this.rows = rows;
    this.changes.fire(rows);
  }

  dispose(): void {
    this.changes.dispose();
  }

  /** Whether the user kept this worktree on close; an unreadable note is reported and read as "no". */
  private async keptNote(worktreePath: string): Promise<KeptNote | undefined> {
    try {
      return await readKept(this.git, worktreePath);
    } catch (error) {
      if (!(error instanceof KeptNoteError || error instanceof GitError)) {
        throw error;
      }
      this.logger.warn(`the kept note of ${worktreePath}: ${error.message}`);
      return undefined;
    }
  }

  /** The repositories of the workspace folders; folders outside git are skipped, other failures reported. */
  private async repositories(): Promise<Set<string>> {
    const roots = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        roots.add((await inspectRepository(this.git, folder.uri.fsPath)).root);
      } catch (error) {
        if (!(error instanceof GitError)) {
          throw error;
        }
        this.logger.info(`no orphaned worktrees looked for in ${folder.uri.fsPath}: ${error.message}`);
      }
    }
    return roots;
  }
}

/** An orphan as a WorktreeInfo for the review: its base is where it left the main tree's HEAD. */
async function asWorktree(git: GitRunner, row: OrphanRow): Promise<WorktreeInfo> {
  const tip = row.branch ?? (await git.text({ cwd: row.path, args: ['rev-parse', 'HEAD'] })).trim();
  const baseCommit = (await git.text({ cwd: row.repoRoot, args: ['merge-base', 'HEAD', tip] })).trim();
  const current = (await git.text({ cwd: row.repoRoot, args: ['branch', '--show-current'] })).trim();
  return { repoRoot: row.repoRoot, path: row.path, branch: tip, baseCommit, baseLabel: current || 'HEAD' };
}

async function remove(deps: OrphanCommandDeps, row: OrphanRow): Promise<void> {
  const lost = await countDiscardedFiles(deps.git, await asWorktree(deps.git, row));
  const ownBranch = row.branch?.startsWith(BRANCH_PREFIX) === true;
  const remove = vscode.l10n.t('Remove');
  const answer = await vscode.window.showWarningMessage(
    ownBranch && row.branch
      ? vscode.l10n.t(
          'Remove the orphaned worktree {0}? {1} changed file(s) would be lost, with its branch {2}.',
          row.path,
          lost,
          row.branch,
        )
      : vscode.l10n.t('Remove the orphaned worktree {0}? {1} changed file(s) would be lost.', row.path, lost),
    { modal: true },
    remove,
  );
  if (answer !== remove) {
    return;
  }
  await removeWorktree(deps.git, row.repoRoot, row.path, true);
  if (ownBranch && row.branch) {
    await deps.git.run({ cwd: row.repoRoot, args: ['branch', '-D', '--', row.branch] });
  }
  deps.notifier.info(vscode.l10n.t('{0} is removed.', row.path));
  await deps.orphans.scan();
}

export interface OrphanCommandDeps {
  readonly git: GitRunner;
  readonly orphans: OrphanWorktrees;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

/** Open (a new window on the worktree), Review and Remove on an orphaned worktree's row. */
export function registerOrphanCommands(deps: OrphanCommandDeps, store: DisposableStore): void {
  const onRow =
    (run: (row: OrphanRow) => Promise<unknown>): CommandHandler =>
    async (arg) => {
      if (!isOrphanNode(arg)) {
        throw new Error(vscode.l10n.t('Pick an orphaned worktree in the Workers view.'));
      }
      return run(arg);
    };
  const table: Record<OrphanCommandKey, CommandHandler> = {
    open: onRow(async (row) =>
      vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(row.path), { forceNewWindow: true }),
    ),
    review: onRow(async (row) => openReview(deps.git, await asWorktree(deps.git, row), path.basename(row.path))),
    remove: onRow((row) => remove(deps, row)),
  };
  for (const key of Object.keys(ORPHAN_COMMANDS) as OrphanCommandKey[]) {
    registerGuardedCommand(store, ORPHAN_COMMANDS[key], table[key], deps);
  }
}

/**
 * Scans now and whenever a session comes or goes (a closed session may leave its worktree behind),
 * one scan at a time: changes during a scan lead to one more scan after it.
 */
export function watchOrphans(
  orphans: OrphanWorktrees,
  sessions: SessionManager,
  tasks: TaskRegistry,
): vscode.Disposable {
  let running = false;
  let again = false;
  const rescan = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void tasks.run('orphaned worktrees scan', async () => {
      try {
        await orphans.scan();
      } finally {
        running = false;
        if (again) {
          again = false;
          rescan();
        }
      }
    });
  };
  rescan();
  return sessions.onDidChangeSession((change) => change.kind !== 'updated' && rescan());
}
