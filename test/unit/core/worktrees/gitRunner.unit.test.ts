import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError } from '../../../../src/core/worktrees/gitErrors';
import { GitRunner, MAX_GIT_STDOUT_BYTES } from '../../../../src/core/worktrees/gitRunner';
import { makeTempRepo } from '../../../helpers/gitRepos';
import { findMarked, killMarked, MARKER_VAR, newMarker } from '../../../helpers/processes';

/** A folder holding an executable `git` made of `body`, to put first on PATH. */
async function fakeGit(body: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-fake-git-'));
  await fs.writeFile(path.join(dir, 'git'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return dir;
}

function runnerWith(binDir: string, marker: string, timeoutMs?: number): GitRunner {
  return new GitRunner({
    env: { PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`, [MARKER_VAR]: marker },
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

describe('GitRunner', () => {
  let marker: string;
  const cleanup: string[] = [];

  beforeEach(() => {
    marker = newMarker();
  });

  afterEach(async () => {
    const leaked = await killMarked(marker);
    await Promise.all(cleanup.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
    assert.deepEqual(leaked, [], 'git processes outlived the test');
  });

  it('times out a git that hangs, kills its whole process group and leaves no process', async () => {
    // The fake git starts a child of its own, as a hook or credential helper would.
    const bin = await fakeGit('sleep 30 &\nsleep 30\n');
    cleanup.push(bin);
    const git = runnerWith(bin, marker, 400);
    const started = Date.now();
    await assert.rejects(git.run({ cwd: os.tmpdir(), args: ['status'] }), (error: unknown) => {
      assert.ok(error instanceof GitError);
      assert.equal(error.reason, 'timeout');
      assert.match(error.message, /git status in .* timed out after 400 ms \(pid \d+\); git was killed/);
      return true;
    });
    assert.ok(Date.now() - started < 3_000, `the timeout took ${Date.now() - started} ms`);
    assert.deepEqual(await findMarked(marker), [], 'the hung git and its child are gone when the call rejects');
  });

  it('stops a git whose output passes the bound, and says so', async () => {
    const bin = await fakeGit('exec yes shepherd');
    cleanup.push(bin);
    await assert.rejects(runnerWith(bin, marker).run({ cwd: os.tmpdir(), args: ['log'] }), (error: unknown) => {
      assert.ok(error instanceof GitError);
      assert.equal(error.reason, 'output-too-large');
      assert.match(error.message, new RegExp(`more than ${MAX_GIT_STDOUT_BYTES} bytes`));
      return true;
    });
    assert.deepEqual(await findMarked(marker), []);
  });

  it('never overlaps calls for one folder, and runs different folders side by side', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-serial-'));
    cleanup.push(dir);
    const log = path.join(dir, 'log');
    const bin = await fakeGit(`echo "start $1" >> '${log}'\nsleep 0.3\necho "end $1" >> '${log}'`);
    cleanup.push(bin);
    const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
    await Promise.all([fs.mkdir(a), fs.mkdir(b)]);
    const git = runnerWith(bin, marker);

    await Promise.all(['1', '2', '3'].map((n) => git.run({ cwd: a, args: [n] })));
    assert.deepEqual((await fs.readFile(log, 'utf8')).trim().split('\n'), [
      'start 1',
      'end 1',
      'start 2',
      'end 2',
      'start 3',
      'end 3',
    ]);

    await fs.writeFile(log, '');
    await Promise.all([git.run({ cwd: a, args: ['a'] }), git.run({ cwd: b, args: ['b'] })]);
    const lines = (await fs.readFile(log, 'utf8')).trim().split('\n');
    assert.deepEqual(
      lines.slice(0, 2).map((line) => line.split(' ')[0]),
      ['start', 'start'],
      `two folders run concurrently: ${lines.join(', ')}`,
    );
    assert.equal(git.calls, 5);
  });

  it('keeps running a folder queue after a call fails', async () => {
    const repo = await makeTempRepo();
    cleanup.push(repo.dir);
    const failing = repo.git.run({ cwd: repo.root, args: ['rev-parse', 'no-such-ref'] });
    const next = repo.git.text({ cwd: repo.root, args: ['rev-parse', '--abbrev-ref', 'HEAD'] });
    await assert.rejects(failing, (error: unknown) => error instanceof GitError && error.reason === 'failed');
    assert.equal((await next).trim(), 'main');
  });

  it('passes args as an array: no shell ever sees a file name', async () => {
    const repo = await makeTempRepo();
    cleanup.push(repo.dir);
    const name = '$(touch pwned); echo x > pwned2 `touch pwned3`';
    await repo.write(name, 'content\n');
    await repo.git.run({ cwd: repo.root, args: ['add', '--', name] });
    assert.equal(repo.sh(['diff', '--cached', '--name-only', '-z']).replace(/\0$/, ''), name);
    const files = await fs.readdir(repo.root);
    assert.deepEqual(
      files.filter((file) => file.startsWith('pwned')),
      [],
    );
  });

  it('feeds stdin when asked', async () => {
    const repo = await makeTempRepo();
    cleanup.push(repo.dir);
    const hash = await repo.git.text({ cwd: repo.root, args: ['hash-object', '--stdin'], input: 'hello\n' });
    assert.equal(hash.trim(), repo.sh(['rev-parse', 'HEAD:README.md']));
  });
});
