import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitRunner, GitRunnerOptions } from '../../src/core/worktrees/gitRunner';

/**
 * Git configuration that cannot leak in from the machine: no system or global config, so hooks,
 * aliases or a default branch set by whoever runs the tests never change what a test sees.
 */
export function isolatedGitEnv(home: string): Record<string, string> {
  return {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig'),
    HOME: home,
  };
}

/** A real repository in a temp folder, with one commit on `main`, and a runner set up for it. */
export interface TempRepo {
  /** The temp folder holding the repository (`repo`) and its worktrees (`repo.worktrees`). */
  readonly dir: string;
  readonly root: string;
  readonly git: GitRunner;
  /** Runs git synchronously in `cwd` (the repository by default) and returns its trimmed stdout. */
  sh(args: readonly string[], cwd?: string): string;
  write(relative: string, content: string | Buffer, cwd?: string): Promise<void>;
  read(relative: string, cwd?: string): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempRepo(runnerOptions: GitRunnerOptions = {}): Promise<TempRepo> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-git-')));
  const root = path.join(dir, 'repo');
  await fs.mkdir(root);
  const env = { ...process.env, ...isolatedGitEnv(dir), LC_ALL: 'C' };
  const sh = (args: readonly string[], cwd: string = root): string =>
    execFileSync('git', [...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const write = async (relative: string, content: string | Buffer, cwd: string = root): Promise<void> => {
    const file = path.join(cwd, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  };
  sh(['init', '-q', '-b', 'main']);
  sh(['config', 'user.name', 'Test']);
  sh(['config', 'user.email', 'test@localhost']);
  await write('README.md', 'hello\n');
  await write('src/app.txt', 'one\ntwo\nthree\n');
  sh(['add', '-A']);
  sh(['commit', '-q', '-m', 'initial']);
  return {
    dir,
    root,
    git: new GitRunner({ ...runnerOptions, env: { ...isolatedGitEnv(dir), ...runnerOptions.env } }),
    sh,
    write,
    read: (relative, cwd = root) => fs.readFile(path.join(cwd, relative), 'utf8'),
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
