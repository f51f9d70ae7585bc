import * as vscode from 'vscode';
import { readJsonQuery } from '../common/uriQuery';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { readAtRevision } from '../../core/worktrees/reviewModel';

/** Documents of this scheme are files at a git revision; content providers' documents are read-only. */
export const GIT_SHOW_SCHEME = 'shepherd-git';

interface GitShowQuery {
  readonly cwd: string;
  /** Empty for the empty side of an added or deleted file. */
  readonly revision: string;
}

/**
 * The URI of `file` at `revision` in the repository at `cwd`. The path is the file's own, so the
 * editor picks its language and shows its name.
 */
export function gitShowUri(cwd: string, revision: string, file: string): vscode.Uri {
  const query: GitShowQuery = { cwd, revision };
  return vscode.Uri.from({ scheme: GIT_SHOW_SCHEME, path: `/${file}`, query: JSON.stringify(query) });
}

function parseQuery(uri: vscode.Uri): GitShowQuery {
  const { cwd, revision } = readJsonQuery(uri, vscode.l10n.t('a Shepherd git URI'));
  if (typeof cwd !== 'string' || typeof revision !== 'string') {
    throw new Error(vscode.l10n.t('{0} is not a Shepherd git URI: it needs a cwd and a revision', uri.toString()));
  }
  return { cwd, revision };
}

/** Serves `git show <revision>:<path>` for the original side of the review's diff editors. */
export class GitShowProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly git: GitRunner) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { cwd, revision } = parseQuery(uri);
    if (revision === '') {
      return '';
    }
    return (await readAtRevision(this.git, cwd, revision, uri.path.slice(1))).toString('utf8');
  }
}
