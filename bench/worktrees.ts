import { Semaphore } from 'async-mutex';
/**
 * Worktree bench (issue #14), run on its own: `npm run compile-tests && node out/bench/worktrees.js`.
 * Writes bench/results/worktrees.{json,md}.
 *
 * 1. Creating a worktree on a generated 10,000-file repository: Shepherd's createWorktree (its git
 *    calls and checks included) against a bare `git worktree add -b`, in alternating order, paired.
 * 2. Ten worktree sessions refreshed on the global tick as SessionWorktrees does it (a summary per
 *    worktree, none started while the previous one runs): this process's event-loop delay, the git
 *    calls per tick and how long a tick's summaries take.
 */
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_TICK_MS } from '../src/core/workers/supervisorTick';
import { GitRunner } from '../src/core/worktrees/gitRunner';
import { createWorktree } from '../src/core/worktrees/worktreeCreate';
import { WorktreeInfo } from '../src/core/worktrees/worktreeModel';
import { SUMMARY_LANES, summarizeWorktree } from '../src/core/worktrees/worktreeStatus';
import { LoopDelayProbe } from './eventLoop';
import { RESULTS_DIR } from './paths';
import { pairwiseRatio, round, summarize, Summary } from './stats';

const FILES = Number(process.env.BENCH_WORKTREE_FILES ?? 10_000);
const REPS = Number(process.env.BENCH_REPS ?? 9);
const SESSIONS = 10;
const TICKS = Number(process.env.BENCH_WORKTREE_TICKS ?? 15);

interface Repo {
  readonly dir: string;
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  sh(args: readonly string[], cwd?: string): string;
}

/** A repository of FILES small files in 100 folders, one commit, with no machine git config. */
async function makeRepo(): Promise<Repo> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-bench-wt-')));
  const root = path.join(dir, 'repo');
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(dir, 'gitconfig'),
    HOME: dir,
    LC_ALL: 'C',
  };
  const sh = (args: readonly string[], cwd = root): string =>
    execFileSync('git', [...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
  await fs.mkdir(root);
  sh(['init', '-q', '-b', 'main']);
  sh(['config', 'user.name', 'Bench']);
  sh(['config', 'user.email', 'bench@localhost']);
  for (let folder = 0; folder < 100; folder += 1) {
    const sub = path.join(root, `pkg${folder}`);
    await fs.mkdir(sub);
    await Promise.all(
      Array.from({ length: FILES / 100 }, (_, i) =>
        fs.writeFile(path.join(sub, `file${i}.ts`), `export const value${i} = ${folder * 1000 + i};\n`.repeat(20)),
      ),
    );
  }
  sh(['add', '-A']);
  sh(['commit', '-q', '-m', 'generated']);
  return { dir, root, env, sh };
}

/** A bare `git worktree add -b`, spawned the way Node spawns anything: the floor Shepherd is measured against. */
function bareAdd(repo: Repo, branch: string, target: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['worktree', 'add', '-q', '-b', branch, '--', target, 'HEAD'], {
      cwd: repo.root,
      env: repo.env,
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`git worktree add exited ${code}`)),
    );
  });
}

/** How long one `spawn()` of git holds this process's event loop (its synchronous fork and exec), over 20 spawns. */
async function spawnHold(repo: Repo): Promise<Summary> {
  const holds: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const started = performance.now();
    const child = spawn('git', ['--version'], { cwd: repo.root, env: repo.env, stdio: 'ignore', detached: true });
    holds.push(performance.now() - started);
    await new Promise((resolve) => child.once('close', resolve));
  }
  return summarize(holds);
}

function removeWorktree(repo: Repo, target: string, branch: string): void {
  repo.sh(['worktree', 'remove', '--force', '--', target]);
  repo.sh(['branch', '-q', '-D', '--', branch]);
}

interface CreationResult {
  readonly bareMs: Summary;
  readonly shepherdMs: Summary;
  readonly ratio: Summary;
  readonly gitCallsPerCreate: number;
}

async function benchCreation(repo: Repo, git: GitRunner): Promise<CreationResult> {
  const folder = path.join(repo.dir, 'trees');
  // One untimed round of each warms the page cache, so neither side pays for the first read.
  removeWorktree(repo, path.join(folder, 'warm-bare'), 'warm-bare');
  const warm = await createWorktree(git, { folder: repo.root, name: 'warm', worktreesFolder: folder });
  removeWorktree(repo, warm.path, warm.branch);
  const bare: number[] = [];
  const shepherd: number[] = [];
  let calls = 0;
  for (let rep = 0; rep < REPS; rep += 1) {
    const runBare = async (): Promise<void> => {
      const target = path.join(folder, `bare-${rep}`);
      bare.push(await bareAdd(repo, `bare-${rep}`, target));
      removeWorktree(repo, target, `bare-${rep}`);
    };
    const runShepherd = async (): Promise<void> => {
      const before = git.calls;
      const started = performance.now();
      const made = await createWorktree(git, { folder: repo.root, name: `s-${rep}`, worktreesFolder: folder });
      shepherd.push(performance.now() - started);
      calls = git.calls - before;
      removeWorktree(repo, made.path, made.branch);
    };
    // Alternating order: neither side always runs right after a removal's disk writes.
    if (rep % 2 === 0) {
      await runBare();
      await runShepherd();
    } else {
      await runShepherd();
      await runBare();
    }
  }
  return {
    bareMs: summarize(bare),
    shepherdMs: summarize(shepherd),
    ratio: pairwiseRatio(shepherd, bare),
    gitCallsPerCreate: calls,
  };
}

interface TickResult {
  /** Share of the time this process's event loop ran JavaScript (the rest it waited). */
  readonly loopBusyPercent: number;
  readonly loopP50Ms: number;
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly gitCallsPerTick: number;
  readonly tickSummariesMs: Summary;
  readonly ticks: number;
}

/** Ten worktrees, each with an edited, a deleted and an untracked file, summarised on each tick. */
async function benchTick(repo: Repo, git: GitRunner): Promise<TickResult> {
  const folder = path.join(repo.dir, 'sessions');
  const worktrees: WorktreeInfo[] = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    const made = await createWorktree(git, { folder: repo.root, name: `session-${i}`, worktreesFolder: folder });
    await fs.appendFile(path.join(made.path, 'pkg1', 'file1.ts'), 'export const edited = true;\n');
    await fs.rm(path.join(made.path, 'pkg2', 'file2.ts'));
    await fs.writeFile(path.join(made.path, `notes-${i}.md`), 'a\nb\nc\n');
    worktrees.push(made);
  }
  const refreshing = new Set<number>();
  const lanes = new Semaphore(SUMMARY_LANES);
  const tickDurations: number[] = [];
  const probe = new LoopDelayProbe();
  const callsBefore = git.calls;
  const eluBefore = performance.eventLoopUtilization();
  probe.start();
  for (let tick = 0; tick < TICKS; tick += 1) {
    const started = performance.now();
    const jobs = worktrees.map(async (worktree, index) => {
      if (refreshing.has(index)) {
        return;
      }
      refreshing.add(index);
      try {
        await lanes.runExclusive(() => summarizeWorktree(git, worktree));
      } finally {
        refreshing.delete(index);
      }
    });
    await Promise.all(jobs);
    const took = performance.now() - started;
    tickDurations.push(took);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DEFAULT_TICK_MS - took)));
  }
  const loop = probe.stop();
  const elu = performance.eventLoopUtilization(eluBefore);
  return {
    loopBusyPercent: round(elu.utilization * 100, 2),
    loopP50Ms: loop.p50Ms,
    loopP99Ms: loop.p99Ms,
    loopMaxMs: loop.maxMs,
    gitCallsPerTick: round((git.calls - callsBefore) / TICKS, 1),
    tickSummariesMs: summarize(tickDurations),
    ticks: TICKS,
  };
}

function cell(summary: Summary, digits = 1): string {
  return `${summary.median.toFixed(digits)} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})`;
}

function markdown(creation: CreationResult, tick: TickResult, hold: Summary, startedAt: string): string {
  const overhead = (creation.ratio.median - 1) * 100;
  const cpus = os.cpus();
  return `# Shepherd bench: worktrees (issue #14)

${startedAt} · Node ${process.version} · ${os.platform()} ${os.release()} · ${cpus.length} × ${cpus[0]?.model ?? 'cpu'} · ${REPS} repetitions

Each cell: median (min–max). Shepherd ÷ bare is computed repetition by repetition, then summarized.

| Metric | Value | Goal | Met |
|---|---|---|---|
| Bare \`git worktree add -b\`, ${FILES} files (ms) | ${cell(creation.bareMs)} |  |  |
| Shepherd \`createWorktree\`, same repository (ms) | ${cell(creation.shepherdMs)} |  |  |
| Shepherd ÷ bare | ${cell(creation.ratio, 3)} (overhead ${overhead.toFixed(1)} %) | ≤ 1.10 | ${creation.ratio.median <= 1.1 ? '✅' : '❌'} |
| git calls per creation (bare: 1) | ${creation.gitCallsPerCreate} |  |  |
| ${SESSIONS} worktree sessions on the ${DEFAULT_TICK_MS} ms tick: event loop p50 / p99 / max (ms) | ${tick.loopP50Ms} / ${tick.loopP99Ms} / ${tick.loopMaxMs} | p99 < 10 ms | ${tick.loopP99Ms < 10 ? '✅' : '❌'} |
| Event loop busy (utilization) during the ticks | ${tick.loopBusyPercent} % |  |  |
| git calls per tick (${SESSIONS} sessions) | ${tick.gitCallsPerTick} |  |  |
| Time for one tick's ${SESSIONS} summaries (ms) | ${cell(tick.tickSummariesMs)} | < tick |  |
| One \`spawn()\` of git holds the event loop (ms) | ${cell(hold, 2)} |  |  |
| git calls per tick, ${SESSIONS} idle sessions | 0 (by design) |  |  |

## Notes

- The repository has ${FILES} files of 20 lines in 100 folders and one commit; git runs with no system or global
  configuration. Both sides put the worktree outside the repository and remove it (untimed) after each repetition.
- Bare is one \`git worktree add -q -b <branch> -- <dir> HEAD\` spawned by Node. Shepherd is \`createWorktree\`: one
  \`rev-parse\` (top folder, HEAD, base, branch), the folder checks (no process), then the same \`worktree add\`,
  through GitRunner (own process group, timeout, bounded output, per-folder queue).
- Each session's worktree has one edited, one deleted and one untracked file. A tick runs \`summarizeWorktree\` for
  every session, at most ${SUMMARY_LANES} at a time (git status --porcelain=v2 -z and git diff --numstat -z, so 2 calls per session), skipping
  a session whose previous summary still runs, as SessionWorktrees.refresh does; the event-loop delay is this
  process's over ${tick.ticks} ticks, measured with monitorEventLoopDelay (1 ms resolution, which the values include).
  This is the worst case: all ${SESSIONS} agents working at once. SessionWorktrees summarises an idle session's
  worktree only once after its turn ends (or after Accept, Keep, Discard, Rewind), so idle sessions cost no git call.
- What holds the loop is \`spawn()\` itself: Node forks the whole process synchronously, and on this shared 2-core
  machine (load average 6–8 from other jobs) one fork takes the time in the spawn row, so ${SESSIONS} × 2 calls per tick
  add up to the p99 above. The JavaScript around the calls (parsing, counting lines) is small.
`;
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const repo = await makeRepo();
  try {
    const git = new GitRunner({
      env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: String(repo.env.GIT_CONFIG_GLOBAL), HOME: repo.dir },
    });
    await bareAdd(repo, 'warm-bare', path.join(repo.dir, 'trees', 'warm-bare'));
    const creation = await benchCreation(repo, git);
    const tick = await benchTick(repo, git);
    const hold = await spawnHold(repo);
    await fs.mkdir(RESULTS_DIR, { recursive: true });
    await fs.writeFile(
      path.join(RESULTS_DIR, 'worktrees.json'),
      `${JSON.stringify({ startedAt, files: FILES, reps: REPS, creation, tick, spawnHoldMs: hold }, null, 2)}\n`,
    );
    const text = markdown(creation, tick, hold, startedAt);
    await fs.writeFile(path.join(RESULTS_DIR, 'worktrees.md'), text);
    process.stdout.write(text);
  } finally {
    await fs.rm(repo.dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `worktree bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
