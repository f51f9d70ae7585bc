import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError, GitFailureReason } from '../../../../src/core/worktrees/gitErrors';
import { GitRunner } from '../../../../src/core/worktrees/gitRunner';
import { inspectRepository } from '../../../../src/core/worktrees/repository';
import { buildReviewModel } from '../../../../src/core/worktrees/reviewModel';
import {
  createWorktree,
  defaultWorktreesFolder,
  worktreesFolderFor,
} from '../../../../src/core/worktrees/worktreeCreate';
import { slugify } from '../../../../src/core/worktrees/worktreeModel';
import { summarizeWorktree } from '../../../../src/core/worktrees/worktreeStatus';
import { isolatedGitEnv, makeTempRepo, TempRepo } from '../../../helpers/gitRepos';

async function rejectsWith(promise: Promise<unknown>, reason: GitFailureReason, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof GitError, `expected a GitError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    assert.match(error.message, message);
    return true;
  });
}

describe('worktree creation, summary and review model (real git)', () => {
  let repo: TempRepo;

  beforeEach(async () => {
    repo = await makeTempRepo();
  });

  afterEach(async () => {
    await repo.remove();
  });

  it('creates shepherd/<slug> in a sibling folder from HEAD, leaving the main tree clean', async () => {
    const worktree = await createWorktree(repo.git, { folder: path.join(repo.root, 'src'), name: 'Fix the Login!' });
    assert.equal(worktree.branch, 'shepherd/fix-the-login');
    assert.equal(worktree.path, path.join(defaultWorktreesFolder(repo.root), 'fix-the-login'));
    assert.equal(worktree.baseCommit, repo.sh(['rev-parse', 'HEAD']));
    assert.equal(worktree.baseLabel, 'main');
    assert.equal(await repo.read('src/app.txt', worktree.path), 'one\ntwo\nthree\n');
    assert.equal(repo.sh(['rev-parse', '--abbrev-ref', 'HEAD'], worktree.path), 'shepherd/fix-the-login');
    assert.equal(repo.sh(['status', '--porcelain']), '', 'the main tree sees nothing of the worktree');
  });

  it('starts from a branch the user picks and honours a custom folder', async () => {
    repo.sh(['checkout', '-q', '-b', 'feature']);
    await repo.write('feature.txt', 'f\n');
    repo.sh(['add', '-A']);
    repo.sh(['commit', '-q', '-m', 'feature']);
    repo.sh(['checkout', '-q', 'main']);
    const folder = path.join(repo.dir, 'elsewhere');
    const worktree = await createWorktree(repo.git, {
      folder: repo.root,
      name: 'x',
      base: 'feature',
      worktreesFolder: folder,
    });
    assert.equal(worktree.path, path.join(folder, 'x'));
    assert.equal(worktree.baseLabel, 'feature');
    assert.equal(await repo.read('feature.txt', worktree.path), 'f\n');
  });

  it('takes a relative folder setting from the repository, as the orphan scan does, and ~/ from home', async () => {
    const worktree = await createWorktree(repo.git, {
      folder: path.join(repo.root, 'src'),
      name: 'rel',
      worktreesFolder: '../trees',
    });
    assert.equal(worktree.path, path.join(repo.dir, 'trees', 'rel'));
    assert.equal(worktreesFolderFor(repo.root, '../trees'), path.join(repo.dir, 'trees'));
    assert.equal(worktreesFolderFor(repo.root, '~/trees'), path.join(os.homedir(), 'trees'));
    assert.equal(worktreesFolderFor(repo.root, '/abs/trees'), '/abs/trees');
    assert.equal(worktreesFolderFor(repo.root, undefined), defaultWorktreesFolder(repo.root));
  });

  it('numbers a made-up name whose branch or folder is taken, and never touches what is there', async () => {
    const first = await createWorktree(repo.git, { folder: repo.root, name: 'agent', numberIfTaken: true });
    const second = await createWorktree(repo.git, { folder: repo.root, name: 'agent', numberIfTaken: true });
    assert.deepEqual([first.branch, second.branch], ['shepherd/agent', 'shepherd/agent-2']);
    assert.equal(second.path, path.join(defaultWorktreesFolder(repo.root), 'agent-2'));
    await repo.write('mine.txt', 'user file\n', path.join(defaultWorktreesFolder(repo.root), 'agent-3'));
    const fourth = await createWorktree(repo.git, { folder: repo.root, name: 'agent', numberIfTaken: true });
    assert.equal(fourth.branch, 'shepherd/agent-4');
    assert.equal(await repo.read('mine.txt', path.join(defaultWorktreesFolder(repo.root), 'agent-3')), 'user file\n');
    assert.equal(repo.sh(['branch', '--list', 'shepherd/agent-3']), '', 'no branch for the skipped folder');
  });

  it('summarises changed files and +/- lines against the base: committed, uncommitted, untracked', async () => {
    const worktree = await createWorktree(repo.git, { folder: repo.root, name: 'sum' });
    assert.deepEqual(await summarizeWorktree(repo.git, worktree), {
      branch: 'shepherd/sum',
      changedFiles: 0,
      insertions: 0,
      deletions: 0,
      untracked: 0,
    });
    await repo.write('src/app.txt', 'one\n2\nthree\nfour\n', worktree.path);
    repo.sh(['commit', '-q', '-am', 'agent commit'], worktree.path);
    await repo.write('README.md', 'hello\nworld\n', worktree.path);
    await repo.write('new/notes.txt', 'a\nb\nc', worktree.path);
    assert.deepEqual(await summarizeWorktree(repo.git, worktree), {
      branch: 'shepherd/sum',
      changedFiles: 3,
      insertions: 2 + 1 + 3,
      deletions: 1,
      untracked: 1,
    });
  });

  it('builds the review model: added, modified, deleted, renamed, binary, untracked', async () => {
    await repo.write('old-name.txt', 'some text that stays the same\nacross the rename\n');
    await repo.write('gone.txt', 'bye\n');
    repo.sh(['add', '-A']);
    repo.sh(['commit', '-q', '-m', 'more files']);
    const worktree = await createWorktree(repo.git, { folder: repo.root, name: 'review' });
    const cwd = worktree.path;
    repo.sh(['mv', 'old-name.txt', 'new-name.txt'], cwd);
    repo.sh(['rm', '-q', 'gone.txt'], cwd);
    repo.sh(['commit', '-q', '-m', 'rename and delete'], cwd);
    await repo.write('src/app.txt', 'one\ntwo\nthree\nfour\n', cwd);
    await repo.write('added.txt', 'x\ny\n', cwd);
    repo.sh(['add', 'added.txt'], cwd);
    await repo.write('image.bin', Buffer.from([0, 1, 2, 3, 0, 255]), cwd);
    await repo.write('scratch/untracked.md', '# hi\n', cwd);
    const indexBefore = await fs.readFile(path.join(repo.root, '.git', 'worktrees', 'review', 'index'));

    const model = await buildReviewModel(repo.git, worktree);
    const byPath = new Map(model.files.map((file) => [file.path, file]));
    assert.deepEqual([...byPath.keys()].sort(), [
      'added.txt',
      'gone.txt',
      'image.bin',
      'new-name.txt',
      'scratch/untracked.md',
      'src/app.txt',
    ]);
    assert.deepEqual(byPath.get('new-name.txt'), {
      path: 'new-name.txt',
      oldPath: 'old-name.txt',
      change: 'renamed',
      binary: false,
      untracked: false,
      insertions: 0,
      deletions: 0,
    });
    assert.equal(byPath.get('gone.txt')?.change, 'deleted');
    assert.equal(byPath.get('added.txt')?.change, 'added');
    assert.equal(byPath.get('added.txt')?.untracked, false);
    assert.deepEqual(
      [byPath.get('src/app.txt')?.change, byPath.get('src/app.txt')?.insertions, byPath.get('src/app.txt')?.deletions],
      ['modified', 1, 0],
    );
    assert.deepEqual([byPath.get('image.bin')?.binary, byPath.get('image.bin')?.untracked], [true, true]);
    assert.deepEqual(
      [byPath.get('scratch/untracked.md')?.change, byPath.get('scratch/untracked.md')?.untracked],
      ['added', true],
    );
    assert.deepEqual(
      await fs.readFile(path.join(repo.root, '.git', 'worktrees', 'review', 'index')),
      indexBefore,
      "the agent's index is not touched by a review",
    );
    assert.equal(repo.sh(['status', '--porcelain', '--', 'scratch'], cwd), '?? scratch/', 'still untracked');
  });

  describe('bad cases, each a clear message with nothing made', () => {
    it('not a git repository', async () => {
      await rejectsWith(createWorktree(repo.git, { folder: repo.dir, name: 'x' }), 'not-a-repository', /not inside/);
    });

    it('a folder that does not exist', async () => {
      await rejectsWith(
        inspectRepository(repo.git, path.join(repo.dir, 'missing')),
        'not-a-repository',
        /does not exist/,
      );
    });

    it('git missing', async () => {
      const git = new GitRunner({ gitPath: path.join(repo.dir, 'no-such-git') });
      await rejectsWith(createWorktree(git, { folder: repo.root, name: 'x' }), 'git-missing', /git was not found/);
    });

    it('a repository with no commits', async () => {
      const empty = path.join(repo.dir, 'empty');
      await fs.mkdir(empty);
      repo.sh(['init', '-q', '-b', 'main'], empty);
      await rejectsWith(createWorktree(repo.git, { folder: empty, name: 'x' }), 'no-commits', /no commits yet/);
    });

    it('a detached HEAD with no base picked (a picked base still works)', async () => {
      repo.sh(['checkout', '-q', '--detach']);
      await rejectsWith(createWorktree(repo.git, { folder: repo.root, name: 'x' }), 'detached-head', /detached at/);
      const worktree = await createWorktree(repo.git, { folder: repo.root, name: 'x', base: 'main' });
      assert.equal(worktree.baseLabel, 'main');
    });

    it('a base that names nothing, or looks like an option', async () => {
      await rejectsWith(createWorktree(repo.git, { folder: repo.root, name: 'x', base: 'nope' }), 'bad-base', /nope/);
      await rejectsWith(
        createWorktree(repo.git, { folder: repo.root, name: 'x', base: '--output=/tmp/x' }),
        'bad-base',
        /not a branch/,
      );
    });

    it('a branch name that already exists', async () => {
      repo.sh(['branch', 'shepherd/taken']);
      await rejectsWith(
        createWorktree(repo.git, { folder: repo.root, name: 'taken' }),
        'branch-exists',
        /"shepherd\/taken" already exists/,
      );
      assert.equal(
        await fs.stat(path.join(defaultWorktreesFolder(repo.root), 'taken')).then(
          () => 'made',
          () => 'absent',
        ),
        'absent',
      );
    });

    it('a worktree folder that cannot be created', async () => {
      const file = path.join(repo.dir, 'a-file');
      await fs.writeFile(file, 'not a folder');
      await rejectsWith(
        createWorktree(repo.git, { folder: repo.root, name: 'x', worktreesFolder: path.join(file, 'trees') }),
        'folder-unavailable',
        /cannot be created: a part of the path is a file/,
      );
      assert.equal(repo.sh(['branch', '--list', 'shepherd/*']), '', 'no branch was made');
    });

    it('a worktree folder that cannot be created: permission denied', async () => {
      // Root may write anywhere on disk, but not into sysfs; anyone else is refused by a read-only folder.
      const locked = path.join(repo.dir, 'locked');
      await fs.mkdir(locked, { mode: 0o555 });
      const parent = process.getuid?.() === 0 ? `/sys/shepherd-test-${path.basename(repo.dir)}` : locked;
      await rejectsWith(
        createWorktree(repo.git, { folder: repo.root, name: 'x', worktreesFolder: path.join(parent, 'trees') }),
        'folder-unavailable',
        /cannot be created: (permission denied|operation not permitted|the file system is read-only)$/,
      );
      assert.equal(repo.sh(['branch', '--list', 'shepherd/*']), '', 'no branch was made');
      assert.deepEqual(await fs.readdir(locked), []);
    });

    it('a worktree folder on a full disk: no folder, no branch, nothing written', async function () {
      // A real full file system: a tmpfs whose inodes are all used, mounted for this test (root only).
      if (process.getuid?.() !== 0) {
        this.skip();
      }
      const disk = path.join(repo.dir, 'full-disk');
      await fs.mkdir(disk);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,nr_inodes=1', 'tmpfs', disk]);
      try {
        await rejectsWith(
          createWorktree(repo.git, { folder: repo.root, name: 'x', worktreesFolder: path.join(disk, 'trees') }),
          'folder-unavailable',
          /cannot be created: the disk is full$/,
        );
        assert.equal(repo.sh(['branch', '--list', 'shepherd/*']), '', 'no branch was made');
        assert.deepEqual(await fs.readdir(disk), []);
      } finally {
        execFileSync('umount', [disk]);
      }
    });

    it('a worktree folder that already holds files', async () => {
      await repo.write('keep.txt', 'mine', path.join(defaultWorktreesFolder(repo.root), 'busy'));
      await rejectsWith(
        createWorktree(repo.git, { folder: repo.root, name: 'busy' }),
        'folder-unavailable',
        /already exists and is not empty/,
      );
      assert.equal(await repo.read('keep.txt', path.join(defaultWorktreesFolder(repo.root), 'busy')), 'mine');
    });
  });

  it('isolates the test repositories from the machine configuration', () => {
    assert.match(isolatedGitEnv('/h').GIT_CONFIG_GLOBAL ?? '', /^\/h\//);
  });

  it('slugify makes branch-safe names and never an empty one', () => {
    assert.equal(slugify('  Fix: the *login* bug!  '), 'fix-the-login-bug');
    assert.equal(slugify('¡¿'), 'session');
    assert.ok(slugify('a'.repeat(100)).length <= 40);
  });
});
