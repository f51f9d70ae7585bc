import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { findOrphanedWorktrees, listWorktrees, pruneMissing } from '../../../../src/core/worktrees/orphans';
import { createWorktree, defaultWorktreesFolder } from '../../../../src/core/worktrees/worktreeCreate';
import { makeTempRepo, TempRepo } from '../../../helpers/gitRepos';

describe('orphaned worktrees and prune (real git)', () => {
  let repo: TempRepo;

  beforeEach(async () => {
    repo = await makeTempRepo();
  });

  afterEach(async () => {
    await repo.remove();
  });

  it("lists worktrees under Shepherd's folder that no session owns, and nothing else", async () => {
    const owned = await createWorktree(repo.git, { folder: repo.root, name: 'owned' });
    const orphan = await createWorktree(repo.git, { folder: repo.root, name: 'orphan' });
    repo.sh(['worktree', 'add', '-q', '-b', 'user-branch', `${repo.dir}/user-tree`]);
    const orphans = await findOrphanedWorktrees(repo.git, repo.root, defaultWorktreesFolder(repo.root), [owned.path]);
    assert.deepEqual(
      orphans.map((entry) => [entry.path, entry.branch]),
      [[orphan.path, 'refs/heads/shepherd/orphan']],
    );
  });

  it('runs git worktree prune only when a worktree folder was deleted by hand', async () => {
    const gone = await createWorktree(repo.git, { folder: repo.root, name: 'gone' });
    await createWorktree(repo.git, { folder: repo.root, name: 'here' });
    assert.deepEqual(await pruneMissing(repo.git, repo.root), [], 'nothing to prune');
    await fs.rm(gone.path, { recursive: true, force: true });
    assert.equal(
      (await findOrphanedWorktrees(repo.git, repo.root, defaultWorktreesFolder(repo.root), [])).length,
      1,
      'a deleted folder is not an orphan to open',
    );
    assert.deepEqual(await pruneMissing(repo.git, repo.root), [gone.path]);
    assert.deepEqual(
      (await listWorktrees(repo.git, repo.root)).map((entry) => entry.path),
      [repo.root, `${defaultWorktreesFolder(repo.root)}/here`],
    );
  });
});
