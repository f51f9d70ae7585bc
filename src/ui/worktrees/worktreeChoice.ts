import * as vscode from 'vscode';
import { GitError } from '../../core/worktrees/gitErrors';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { inspectRepository, RepositoryInfo } from '../../core/worktrees/repository';
import { createWorktree } from '../../core/worktrees/worktreeCreate';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { SECTION } from '../settings/configuration';
import { PlaceChoice, placeItems } from './worktreeWording';

export type WorktreeMode = 'ask' | 'always' | 'never';

/** `shepherd.sessions.worktree`, with `ask` for anything that is not one of the three values. */
export function readWorktreeMode(): WorktreeMode {
  const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('sessions.worktree');
  return value === 'always' || value === 'never' ? value : 'ask';
}

/** `shepherd.worktrees.folder`, or undefined for the default sibling folder. */
export function readWorktreesFolder(): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('worktrees.folder');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

async function ask(repo: RepositoryInfo | GitError): Promise<PlaceChoice | undefined> {
  const picked = await vscode.window.showQuickPick(placeItems(repo), {
    placeHolder: vscode.l10n.t('Run the agent where?'),
  });
  return picked?.choice;
}

async function pickBase(git: GitRunner, root: string): Promise<string | undefined> {
  const branches = (await git.text({ cwd: root, args: ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'] }))
    .split('\n')
    .filter((name) => name !== '');
  return vscode.window.showQuickPick(branches, { placeHolder: vscode.l10n.t('Start the worktree from which branch?') });
}

export interface AgentPlace {
  readonly cwd: string;
  readonly worktree?: WorktreeInfo;
}

/**
 * Where a new session's agent runs, following `shepherd.sessions.worktree`: the folder itself, or
 * a new worktree made from it. In `ask` mode a folder outside a repository still offers the
 * worktree option, disabled with the reason. Undefined when the user cancelled.
 */
export async function chooseAgentPlace(git: GitRunner, folder: string, name: string): Promise<AgentPlace | undefined> {
  const mode = readWorktreeMode();
  if (mode === 'never') {
    return { cwd: folder };
  }
  const repo = await inspectRepository(git, folder).catch((error: unknown) => {
    if (error instanceof GitError) {
      return error;
    }
    throw error;
  });
  const choice = mode === 'always' ? 'worktree' : await ask(repo);
  if (choice === undefined) {
    return undefined;
  }
  if (choice === 'folder') {
    return { cwd: folder };
  }
  if (repo instanceof GitError) {
    // The disabled worktree item was picked (or `always` is set): running in the folder instead
    // would let the agent edit files the user meant to keep apart, so it is refused with the reason.
    throw new Error(vscode.l10n.t('a worktree cannot be made for {0}: {1}', folder, repo.message));
  }
  const base = choice === 'worktree-from' ? await pickBase(git, repo.root) : undefined;
  if (choice === 'worktree-from' && base === undefined) {
    return undefined;
  }
  const worktree = await createWorktree(git, {
    folder,
    name,
    // The name is made up from the agent and the time: two sessions in one second must both start.
    numberIfTaken: true,
    ...(base === undefined ? {} : { base }),
    ...(readWorktreesFolder() === undefined ? {} : { worktreesFolder: readWorktreesFolder() }),
  });
  return { cwd: worktree.path, worktree };
}
