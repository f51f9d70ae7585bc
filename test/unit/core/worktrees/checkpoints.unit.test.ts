import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  changesSince,
  checkpointRef,
  findCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  recordCheckpoint,
  checkpointBefore,
  START_CHECKPOINT,
  turnCheckpointLabel,
  restoreCheckpoint,
} from '../../../../src/core/worktrees/checkpoints';
import { GitError } from '../../../../src/core/worktrees/gitErrors';
import { createWorktree } from '../../../../src/core/worktrees/worktreeCreate';
import { WorktreeInfo } from '../../../../src/core/worktrees/worktreeModel';
import { makeTempRepo, TempRepo } from '../../../helpers/gitRepos';

const SESSION = '3f2a9c1e-session';

describe('checkpoints per turn, rewind and undo (real git)', () => {
  let repo: TempRepo;
  let worktree: WorktreeInfo;
  let cwd: string;

  beforeEach(async () => {
    repo = await makeTempRepo();
    worktree = await createWorktree(repo.git, { folder: repo.root, name: 'cp' });
    cwd = worktree.path;
  });

  afterEach(async () => {
    await repo.remove();
  });

  it('records tracked and untracked files under refs/shepherd/<session>/<turn>, leaving index and stash alone', async () => {
    await repo.write('src/app.txt', 'changed\n', cwd);
    repo.sh(['add', 'src/app.txt'], cwd);
    await repo.write('README.md', 'unstaged\n', cwd);
    await repo.write('new.txt', 'untracked\n', cwd);
    await repo.write('.gitignore', 'ignored.log\n', cwd);
    await repo.write('ignored.log', 'noise\n', cwd);
    const statusBefore = repo.sh(['status', '--porcelain'], cwd);
    const indexFile = path.join(repo.root, '.git', 'worktrees', 'cp', 'index');
    const indexBefore = await fs.readFile(indexFile);

    const checkpoint = await recordCheckpoint(repo.git, cwd, SESSION, '1');

    assert.equal(checkpoint.ref, `refs/shepherd/${SESSION}/1`);
    assert.equal(repo.sh(['rev-parse', checkpoint.ref]), checkpoint.commit);
    assert.equal(repo.sh(['show', `${checkpoint.ref}:new.txt`]), 'untracked');
    assert.equal(repo.sh(['show', `${checkpoint.ref}:README.md`]), 'unstaged');
    assert.equal(repo.sh(['show', `${checkpoint.ref}:src/app.txt`]), 'changed');
    assert.equal(repo.sh(['ls-tree', '--name-only', checkpoint.tree, 'ignored.log']), '', 'ignored files stay out');
    assert.equal(checkpoint.head, repo.sh(['rev-parse', 'HEAD'], cwd));
    assert.deepEqual(await fs.readFile(indexFile), indexBefore, 'the index is byte-for-byte the same');
    assert.equal(repo.sh(['status', '--porcelain'], cwd), statusBefore);
    assert.equal(repo.sh(['stash', 'list'], cwd), '', 'the stash list is untouched');
    assert.deepEqual(await findCheckpoint(repo.git, cwd, SESSION, '1'), checkpoint);
    assert.equal(await findCheckpoint(repo.git, cwd, SESSION, '2'), undefined);
  });

  it('records a checkpoint even while the agent holds the index lock', async () => {
    await fs.writeFile(path.join(repo.root, '.git', 'worktrees', 'cp', 'index.lock'), '');
    await repo.write('new.txt', 'x\n', cwd);
    const checkpoint = await recordCheckpoint(repo.git, cwd, SESSION, '1');
    assert.equal(repo.sh(['show', `${checkpoint.ref}:new.txt`]), 'x');
  });

  it('rewinds files to before a turn, removing what the turn created, and the rewind can be undone', async () => {
    await repo.write('keep.txt', 'turn 1\n', cwd);
    const before2 = await recordCheckpoint(repo.git, cwd, SESSION, '2');
    // Turn 2: edits, deletes, creates, and commits part of it.
    await repo.write('src/app.txt', 'rewritten by turn 2\n', cwd);
    repo.sh(['commit', '-q', '-am', 'turn 2 commit'], cwd);
    await fs.rm(path.join(cwd, 'README.md'));
    await repo.write('created/by-turn-2.txt', 'new\n', cwd);
    await repo.write('keep.txt', 'turn 2 edit\n', cwd);

    assert.deepEqual((await changesSince(repo.git, cwd, before2)).sort(), [
      'README.md',
      'created/by-turn-2.txt',
      'keep.txt',
      'src/app.txt',
    ]);
    const rewind = await restoreCheckpoint(repo.git, cwd, SESSION, before2);
    assert.deepEqual([...rewind.files].sort(), ['README.md', 'created/by-turn-2.txt', 'keep.txt', 'src/app.txt']);
    assert.equal(await repo.read('src/app.txt', cwd), 'one\ntwo\nthree\n');
    assert.equal(await repo.read('README.md', cwd), 'hello\n');
    assert.equal(await repo.read('keep.txt', cwd), 'turn 1\n');
    await assert.rejects(fs.stat(path.join(cwd, 'created', 'by-turn-2.txt')), /ENOENT/);
    assert.equal(repo.sh(['rev-parse', 'HEAD'], cwd), before2.head, "the turn's commit is rewound too");
    assert.deepEqual(await changesSince(repo.git, cwd, before2), []);
    assert.equal(rewind.undo.ref, `refs/shepherd/${SESSION}/undo-1`);

    const redo = await restoreCheckpoint(repo.git, cwd, SESSION, rewind.undo);
    assert.equal(await repo.read('src/app.txt', cwd), 'rewritten by turn 2\n');
    assert.equal(await repo.read('created/by-turn-2.txt', cwd), 'new\n');
    assert.equal(await repo.read('keep.txt', cwd), 'turn 2 edit\n');
    await assert.rejects(fs.stat(path.join(cwd, 'README.md')), /ENOENT/);
    assert.equal(repo.sh(['log', '-1', '--format=%s'], cwd), 'turn 2 commit');
    assert.equal(redo.undo.ref, `refs/shepherd/${SESSION}/undo-2`, 'undoing is itself undoable');
    assert.equal(repo.sh(['stash', 'list'], cwd), '');
  });

  it('keeps ignored files through a rewind', async () => {
    await repo.write('.gitignore', 'node_modules/\n', cwd);
    const checkpoint = await recordCheckpoint(repo.git, cwd, SESSION, '1');
    await repo.write('node_modules/dep/index.js', 'dep\n', cwd);
    await repo.write('agent.txt', 'a\n', cwd);
    await restoreCheckpoint(repo.git, cwd, SESSION, checkpoint);
    assert.equal(await repo.read('node_modules/dep/index.js', cwd), 'dep\n');
    await assert.rejects(fs.stat(path.join(cwd, 'agent.txt')), /ENOENT/);
  });

  it('prunes every checkpoint of one session and no other', async () => {
    await recordCheckpoint(repo.git, cwd, SESSION, '1');
    await recordCheckpoint(repo.git, cwd, SESSION, '2');
    await recordCheckpoint(repo.git, cwd, 'other', '1');
    assert.equal(await pruneCheckpoints(repo.git, repo.root, SESSION), 2);
    assert.deepEqual(await listCheckpoints(repo.git, repo.root, SESSION), []);
    assert.equal((await listCheckpoints(repo.git, repo.root, 'other')).length, 1);
    assert.equal(await pruneCheckpoints(repo.git, repo.root, SESSION), 0);
  });

  it('finds the checkpoint before a turn: the end of the previous turn, or the start', () => {
    assert.equal(checkpointBefore([3, 8, 12], 3), START_CHECKPOINT);
    assert.equal(checkpointBefore([3, 8, 12], 12), turnCheckpointLabel(8));
    assert.equal(checkpointBefore([3, 8, 12], 5), undefined, 'not a user message');
    assert.equal(checkpointRef(SESSION, turnCheckpointLabel(8)), `refs/shepherd/${SESSION}/turn-8`);
  });

  it('refuses a session id or label that is not one safe ref component', () => {
    for (const bad of ['', '../x', 'a/b', '.hidden', 'x.lock', 'a..b', 'sp ace']) {
      assert.throws(() => checkpointRef(bad, '1'), GitError, bad);
      assert.throws(() => checkpointRef('s', bad), GitError, bad);
    }
  });
});
