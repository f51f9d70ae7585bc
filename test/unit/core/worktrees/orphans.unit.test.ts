import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import {
  findOrphanedWorktrees,
  KeptNoteError,
  listWorktrees,
  markKept,
  pruneMissing,
  readKept,
} from '../../../../src/core/worktrees/orphans';
import { removeWorktree } from '../../../../src/core/worktrees/worktreeOutcome';
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

  it('tells a worktree kept on close from one left behind, in a note git keeps out of every status', async () => {
    const kept = await createWorktree(repo.git, { folder: repo.root, name: 'kept' });
    const lost = await createWorktree(repo.git, { folder: repo.root, name: 'lost' });
    await markKept(repo.git, kept.path, { keptAt: 1_700_000_000_000, sessionTitle: 'Fix the parser' });
    assert.deepEqual(await readKept(repo.git, kept.path), {
      keptAt: 1_700_000_000_000,
      sessionTitle: 'Fix the parser',
    });
    assert.equal(await readKept(repo.git, lost.path), undefined);
    assert.equal(repo.sh(['status', '--porcelain'], kept.path), '', 'the worktree shows no new file');
    assert.equal(repo.sh(['status', '--porcelain']), '', 'nor does the main tree');
  });

  it('forgets the note with its worktree: a new worktree of the same name is not kept', async () => {
    const first = await createWorktree(repo.git, { folder: repo.root, name: 'again' });
    await markKept(repo.git, first.path, { keptAt: 1, sessionTitle: 'first' });
    await removeWorktree(repo.git, repo.root, first.path, true);
    repo.sh(['branch', '-D', 'shepherd/again']);
    const second = await createWorktree(repo.git, { folder: repo.root, name: 'again' });
    assert.equal(second.path, first.path);
    assert.equal(await readKept(repo.git, second.path), undefined);
  });

  it('names the file and what is wrong when a kept note is damaged', async () => {
    const tree = await createWorktree(repo.git, { folder: repo.root, name: 'damaged' });
    await markKept(repo.git, tree.path, { keptAt: 1, sessionTitle: 't' });
    const adminDir = repo.sh(['rev-parse', '--absolute-git-dir'], tree.path).trim();
    const file = `${adminDir}/shepherd-kept.json`;
    await fs.writeFile(file, '{"keptAt": "yesterday", "sessionTitle": "t"}');
    await assert.rejects(readKept(repo.git, tree.path), (error: Error) => {
      assert.ok(error instanceof KeptNoteError);
      assert.match(error.message, /shepherd-kept\.json: needs a number "keptAt"/);
      return true;
    });
    await fs.writeFile(file, 'kept{');
    await assert.rejects(readKept(repo.git, tree.path), /shepherd-kept\.json: not JSON/);
  });
});
