import * as vscode from 'vscode';
import { GitError } from '../../core/worktrees/gitErrors';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { inspectRepository, RepositoryInfo } from '../../core/worktrees/repository';
import { createWorktree } from '../../core/worktrees/worktreeCreate';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { SECTION } from '../settings/configuration';

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

interface Choice extends vscode.QuickPickItem {
  readonly choice: 'folder' | 'worktree' | 'worktree-from';
}

async function ask(repo: RepositoryInfo | GitError): Promise<Choice['choice'] | undefined> {
  const items: Choice[] = [
    { choice: 'folder', label: '$(folder) Workspace folder', description: 'edit files in place' },
  ];
  if (repo instanceof GitError) {
    items.push({ choice: 'folder', label: '$(circle-slash) New worktree (unavailable)', detail: repo.message });
  } else {
    const from = repo.branch ?? repo.head.slice(0, 7);
    items.push(
      { choice: 'worktree', label: '$(git-branch) New worktree', description: `from ${from}, on a shepherd/ branch` },
      { choice: 'worktree-from', label: '$(git-branch) New worktree from another branch…' },
    );
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Run the agent where?' }))?.choice;
}

async function pickBase(git: GitRunner, root: string): Promise<string | undefined> {
  const branches = (await git.text({ cwd: root, args: ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'] }))
    .split('\n')
    .filter((name) => name !== '');
  return vscode.window.showQuickPick(branches, { placeHolder: 'Start the worktree from which branch?' });
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
  if (mode === 'always' && repo instanceof GitError) {
    throw new Error(`a worktree cannot be made for ${folder}: ${repo.message}`);
  }
  const choice = mode === 'always' ? 'worktree' : await ask(repo);
  if (choice === undefined || choice === 'folder' || repo instanceof GitError) {
    return choice === undefined ? undefined : { cwd: folder };
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
