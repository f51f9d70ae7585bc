import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listCheckpoints, recordCheckpoint } from '../../../../src/core/worktrees/checkpoints';
import { GitError } from '../../../../src/core/worktrees/gitErrors';
import { createWorktree } from '../../../../src/core/worktrees/worktreeCreate';
import { WorktreeInfo } from '../../../../src/core/worktrees/worktreeModel';
import {
  acceptWorktree,
  commitWork,
  countDiscardedFiles,
  discardWorktree,
} from '../../../../src/core/worktrees/worktreeOutcome';
import { makeTempRepo, TempRepo } from '../../../helpers/gitRepos';

const SESSION = 'session-1';

function isGitError(reason: GitError['reason'], message: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof GitError, `expected a GitError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    assert.match(error.message, message);
    return true;
  };
}

describe('accept, keep branch and discard (real git)', () => {
  let repo: TempRepo;
  let worktree: WorktreeInfo;

  beforeEach(async () => {
    repo = await makeTempRepo();
    worktree = await createWorktree(repo.git, { folder: repo.root, name: 'agent' });
    // The agent's work: one commit of its own, then uncommitted and untracked changes.
    await repo.write('src/app.txt', 'one\ntwo\nthree\nfour\n', worktree.path);
    repo.sh(['commit', '-q', '-am', 'agent: four'], worktree.path);
    await repo.write('README.md', 'hello agent\n', worktree.path);
    await repo.write('docs/new.md', 'new doc\n', worktree.path);
    await recordCheckpoint(repo.git, worktree.path, SESSION, '1');
  });

  afterEach(async () => {
    await repo.remove();
  });

  it('merge: commits the uncommitted work, merges with a merge commit, prunes checkpoints', async () => {
    const result = await acceptWorktree(repo.git, worktree, {
      mode: 'merge',
      message: 'agent work',
      sessionId: SESSION,
    });
    assert.equal(result.outcome, 'merged');
    assert.deepEqual([...result.files].sort(), ['README.md', 'docs/new.md', 'src/app.txt']);
    assert.equal(await repo.read('src/app.txt'), 'one\ntwo\nthree\nfour\n');
    assert.equal(await repo.read('README.md'), 'hello agent\n');
    assert.equal(await repo.read('docs/new.md'), 'new doc\n');
    assert.equal(repo.sh(['rev-list', '--count', '--merges', 'HEAD']), '1', 'a merge commit');
    assert.equal(repo.sh(['status', '--porcelain']), '');
    assert.deepEqual(await listCheckpoints(repo.git, repo.root, SESSION), []);
  });

  it('squash: one new commit on the main branch with the message, no merge commit', async () => {
    const before = repo.sh(['rev-parse', 'HEAD']);
    const result = await acceptWorktree(repo.git, worktree, {
      mode: 'squash',
      message: 'squashed',
      sessionId: SESSION,
    });
    assert.equal(result.outcome, 'merged');
    assert.equal(repo.sh(['rev-parse', 'HEAD~1']), before);
    assert.equal(repo.sh(['log', '-1', '--format=%s']), 'squashed');
    assert.equal(repo.sh(['rev-list', '--count', '--merges', 'HEAD']), '0');
    assert.equal(await repo.read('docs/new.md'), 'new doc\n');
    assert.equal(repo.sh(['status', '--porcelain']), '');
  });

  it('conflict: leaves a resolvable merge with markers and loses nothing', async () => {
    await repo.write('src/app.txt', 'one\ntwo\nthree\nFOUR FROM USER\n');
    repo.sh(['commit', '-q', '-am', 'user: four']);
    const result = await acceptWorktree(repo.git, worktree, {
      mode: 'merge',
      message: 'agent work',
      sessionId: SESSION,
    });
    assert.equal(result.outcome, 'conflicts');
    assert.deepEqual(result.outcome === 'conflicts' ? result.conflicted : [], ['src/app.txt']);
    const merged = await repo.read('src/app.txt');
    assert.match(merged, /<<<<<<< HEAD\nFOUR FROM USER\n=======\nfour\n>>>>>>> shepherd\/agent/);
    assert.equal(repo.sh(['rev-parse', '-q', '--verify', 'MERGE_HEAD']), repo.sh(['rev-parse', 'shepherd/agent']));
    assert.equal(await repo.read('README.md'), 'hello agent\n', 'the non-conflicting files are merged');
    assert.equal((await listCheckpoints(repo.git, repo.root, SESSION)).length, 1, 'checkpoints kept until done');
  });

  it('refuses with the file list when the main tree has uncommitted changes to the same files', async () => {
    await repo.write('README.md', 'hello user, not committed\n');
    await repo.write('docs/new.md', 'the user made this too\n');
    await repo.write('unrelated.txt', 'fine\n');
    await assert.rejects(
      acceptWorktree(repo.git, worktree, { mode: 'merge', message: 'agent work', sessionId: SESSION }),
      (error: unknown) => {
        isGitError('dirty-overlap', /2 file\(s\) the agent also changed: .*README\.md/)(error);
        assert.deepEqual(error instanceof GitError ? [...error.files].sort() : [], ['README.md', 'docs/new.md']);
        return true;
      },
    );
    assert.equal(await repo.read('README.md'), 'hello user, not committed\n', "the user's change is untouched");
    assert.equal(repo.sh(['rev-list', '--count', 'HEAD']), '1', 'nothing was merged');
  });

  it('refuses to merge into a detached HEAD', async () => {
    repo.sh(['checkout', '-q', '--detach']);
    await assert.rejects(
      acceptWorktree(repo.git, worktree, { mode: 'merge', message: 'm', sessionId: SESSION }),
      isGitError('detached-head', /detached HEAD/),
    );
  });

  it("a locked index in the main tree stops the merge with the lock's path, and nothing is merged", async () => {
    await fs.writeFile(path.join(repo.root, '.git', 'index.lock'), '');
    await assert.rejects(
      acceptWorktree(repo.git, worktree, { mode: 'merge', message: 'm', sessionId: SESSION }),
      isGitError('index-locked', /index is locked by .*\.git\/index\.lock/),
    );
    await fs.rm(path.join(repo.root, '.git', 'index.lock'));
    assert.equal(await repo.read('README.md'), 'hello\n');
    assert.equal(repo.sh(['status', '--porcelain']), '');
  });

  it('keep branch: commits the uncommitted work with the message and leaves the worktree', async () => {
    const commit = await commitWork(repo.git, worktree, 'ready for review');
    assert.equal(commit, repo.sh(['rev-parse', 'shepherd/agent']));
    assert.equal(repo.sh(['log', '-1', '--format=%s', 'shepherd/agent']), 'ready for review');
    assert.equal(repo.sh(['status', '--porcelain'], worktree.path), '');
    assert.equal(await commitWork(repo.git, worktree, 'again'), undefined, 'nothing left to commit');
  });

  it("keep branch with the agent's index locked names the lock and commits nothing", async () => {
    const lock = path.join(repo.root, '.git', 'worktrees', 'agent', 'index.lock');
    await fs.writeFile(lock, '');
    await assert.rejects(
      commitWork(repo.git, worktree, 'm'),
      isGitError('index-locked', /worktrees\/agent\/index\.lock/),
    );
    assert.equal(repo.sh(['log', '-1', '--format=%s', 'shepherd/agent']), 'agent: four');
  });

  it('discard: counts the files lost, removes the worktree, the branch and the checkpoints', async () => {
    assert.equal(await countDiscardedFiles(repo.git, worktree), 3);
    const result = await discardWorktree(repo.git, worktree, SESSION);
    assert.deepEqual(result, { lostFiles: 3 });
    await assert.rejects(fs.stat(worktree.path), /ENOENT/);
    assert.equal(repo.sh(['branch', '--list', 'shepherd/*']), '');
    assert.deepEqual(await listCheckpoints(repo.git, repo.root, SESSION), []);
    assert.equal(await repo.read('README.md'), 'hello\n', 'the main tree is untouched');
  });

  it('discard of a worktree whose folder was deleted by hand prunes it', async () => {
    await fs.rm(worktree.path, { recursive: true, force: true });
    assert.deepEqual(await discardWorktree(repo.git, worktree, SESSION), { lostFiles: 0 });
    assert.equal(repo.sh(['worktree', 'list', '--porcelain']).split('\n\n').length, 1, 'only the main tree is left');
  });
});
