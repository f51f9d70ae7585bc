import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createWorktree } from '../../../../src/core/worktrees/worktreeCreate';
import { runWorktreeSetup } from '../../../../src/core/worktrees/worktreeSetup';
import { makeTempRepo, TempRepo } from '../../../helpers/gitRepos';
import { useSupervisor } from '../../../helpers/supervisorFixture';

describe('worktree setup as a supervised worker (real processes, real git)', () => {
  const h = useSupervisor({ tickMs: 100 });
  let repo: TempRepo;

  beforeEach(async () => {
    repo = await makeTempRepo();
  });

  afterEach(async () => {
    await repo.remove();
  });

  it('runs in the new worktree, stays in the tree as exited, and resolves with its worker id', async () => {
    const worktree = await createWorktree(repo.git, { folder: repo.root, name: 'setup-ok' });
    const id = await runWorktreeSetup(h.supervisor, {
      commandLine: "node -e \"require('fs').writeFileSync('ready.txt', process.cwd())\"",
      cwd: worktree.path,
      name: 'setup-ok',
    });
    assert.equal(h.supervisor.get(id)?.state, 'exited');
    assert.equal(h.supervisor.get(id)?.cwd, worktree.path);
    assert.equal(await fs.readFile(path.join(worktree.path, 'ready.txt'), 'utf8'), worktree.path);
  });

  it('rejects with the exit code and the last output lines when the setup fails', async () => {
    const worktree = await createWorktree(repo.git, { folder: repo.root, name: 'setup-bad' });
    await assert.rejects(
      runWorktreeSetup(h.supervisor, {
        commandLine: 'echo "npm ERR! missing lockfile" && exit 3',
        cwd: worktree.path,
        name: 'setup-bad',
      }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /worktree setup .* failed in .*setup-bad: exit code 3/);
        assert.match(error.message, /last output: npm ERR! missing lockfile/);
        return true;
      },
    );
  });

  it('numbers a second setup for the same name instead of replacing the first worker', async () => {
    const first = await runWorktreeSetup(h.supervisor, { commandLine: 'true', cwd: repo.root, name: 'twice' });
    const second = await runWorktreeSetup(h.supervisor, { commandLine: 'true', cwd: repo.root, name: 'twice' });
    assert.deepEqual([first, second], ['setup-twice', 'setup-twice-2']);
  });

  it('refuses a command line it cannot split, naming the line', async () => {
    await assert.rejects(
      runWorktreeSetup(h.supervisor, { commandLine: 'npm ci "unclosed', cwd: repo.root, name: 'x' }),
      /the worktree setup "npm ci "unclosed" cannot run: .*quote/,
    );
  });

  it('says the setup failed when its command does not exist', async () => {
    await assert.rejects(
      runWorktreeSetup(h.supervisor, { commandLine: 'no-such-setup-tool-xyz', cwd: repo.root, name: 'missing' }),
      /the worktree setup "no-such-setup-tool-xyz" failed in /,
    );
  });
});
