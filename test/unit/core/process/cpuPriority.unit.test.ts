import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { AUTOGROUP_RETRY_MS } from '../../../../src/core/process/cpuPriority';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';
import { findMarked, fixture, MARKER_VAR, newMarker, waitFor } from '../../../helpers/processes';

const run = promisify(execFile);

/** What /proc says of a process's scheduling group: "/autogroup-123 nice 19". */
async function autogroupNice(pid: number): Promise<number> {
  const text = await fs.readFile(`/proc/${pid}/autogroup`, 'utf8');
  const match = / nice (-?\d+)/.exec(text);
  assert.ok(match, `unexpected /proc/${pid}/autogroup: ${text}`);
  return Number(match[1]);
}

/** The PID of the worker's running leader. */
function leaderOf(view: { readonly pid: number | undefined }): number {
  assert.ok(view.pid !== undefined, 'the worker runs');
  return view.pid;
}

/** A /proc file's text, or undefined when its process ended meanwhile (processes come and go while /proc is read). */
async function readIfAlive(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') {
      return undefined;
    }
    throw error;
  }
}

/** The processes of group `pgid` other than its leader whose command line is `command`, from /proc. */
async function membersRunning(pgid: number, command: string): Promise<number[]> {
  const members: number[] = [];
  for (const name of await fs.readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === pgid) {
      continue;
    }
    const stat = await readIfAlive(`/proc/${pid}/stat`);
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields && Number(fields[2]) === pgid) {
      const cmdline = (await readIfAlive(`/proc/${pid}/cmdline`)) ?? '';
      if (cmdline.split('\0').join(' ').trim() === command) {
        members.push(pid);
      }
    }
  }
  return members;
}

const AUTOGROUPS = process.platform === 'linux';

describe('CPU priority of agents and their commands', function () {
  before(function () {
    if (!AUTOGROUPS) {
      this.skip();
    }
  });

  describe('a supervisor whose sessions run at the lowest priority', () => {
    const h = useSupervisor({ sessionCpuPriority: 'lowest' });

    it('lowers a session worker’s whole group, children started later included, and leaves other workers alone', async () => {
      // The agent starts a command of its own a moment after it was lowered.
      h.supervisor.upsert(
        definition('agent', '/bin/sh', ['-c', 'sleep 0.3; sleep 30 & wait'], { source: 'session', graceMs: 200 }),
      );
      h.supervisor.upsert(definition('server', '/bin/sleep', ['30'], { graceMs: 200 }));
      const agent = leaderOf(await h.supervisor.start('agent'));
      const server = leaderOf(await h.supervisor.start('server'));

      await waitFor(
        'the agent’s group at nice 19',
        async () => ((await autogroupNice(agent)) === 19 ? true : undefined),
        3_000,
      );
      assert.equal(os.getPriority(agent), 19, 'the leader itself, for systems without autogroups');
      const [child] = await waitFor(
        'the agent’s own command',
        async () => {
          const members = await membersRunning(agent, 'sleep 30');
          return members.length > 0 ? members : undefined;
        },
        3_000,
      );
      assert.equal(await autogroupNice(child), 19, 'what the agent starts later is in its lowered group');

      assert.equal(await autogroupNice(server), 0, 'a worker of the user’s runs like any program');
      assert.equal(os.getPriority(server), 0);
    });

    it('gives a stopping agent its normal weight back, so it handles SIGTERM in time', async () => {
      const seen = path.join(h.tempDir, 'nice-at-sigterm');
      const script = path.join(h.tempDir, 'agent.sh');
      // On SIGTERM the agent waits (up to 2 s) for its group's nice value to come back to 0, and writes what it saw.
      await fs.writeFile(
        script,
        [
          'out="$1"',
          'on_term() {',
          '  i=0; n=19',
          '  while [ $i -lt 40 ]; do',
          '    n=$(cut -d\' \' -f3 /proc/$$/autogroup); [ "$n" = 0 ] && break; sleep 0.05; i=$((i + 1))',
          '  done',
          '  echo "$n" > "$out"; exit 0',
          '}',
          'trap on_term TERM',
          'while :; do sleep 0.1; done',
          '',
        ].join('\n'),
      );
      h.supervisor.upsert(definition('agent', '/bin/sh', [script, seen], { source: 'session', graceMs: 5_000 }));
      const agent = leaderOf(await h.supervisor.start('agent'));
      await waitFor(
        'the agent’s group at nice 19',
        async () => ((await autogroupNice(agent)) === 19 ? true : undefined),
        3_000,
      );
      const result = await h.supervisor.stop('agent');
      assert.equal(result?.outcome, 'exited', 'it ended by itself within the grace');
      assert.equal(
        (await fs.readFile(seen, 'utf8')).trim(),
        '0',
        'its group weighed as much as a normal program again',
      );
    });

    it('applies a changed setting to running agents and to later ones, never to the user’s workers', async () => {
      h.supervisor.upsert(definition('first', '/bin/sleep', ['30'], { source: 'session', graceMs: 200 }));
      h.supervisor.upsert(definition('server', '/bin/sleep', ['30'], { graceMs: 200 }));
      const first = leaderOf(await h.supervisor.start('first'));
      const server = leaderOf(await h.supervisor.start('server'));
      const groupAt = (pid: number, niceness: number) =>
        waitFor(
          `the group of ${pid} at nice ${niceness}`,
          async () => ((await autogroupNice(pid)) === niceness ? true : undefined),
          3_000,
        );
      await groupAt(first, 19);

      h.supervisor.setSessionCpuPriority('normal');
      await groupAt(first, 0);
      h.supervisor.upsert(definition('second', '/bin/sleep', ['30'], { source: 'session', graceMs: 200 }));
      const second = leaderOf(await h.supervisor.start('second'));
      // Give a (wrong) lowering the time it would take, then check it did not happen.
      await new Promise((resolve) => setTimeout(resolve, 3 * AUTOGROUP_RETRY_MS));
      assert.equal(await autogroupNice(second), 0);
      assert.equal(os.getPriority(second), 0);

      h.supervisor.setSessionCpuPriority('low');
      await groupAt(first, 10);
      await groupAt(second, 10);
      assert.equal(os.getPriority(second), 10, 'the leader itself, for systems without autogroups');
      assert.equal(os.getPriority(first), 19, 'a leader’s own nice value never goes back down: that needs privilege');
      assert.equal(await autogroupNice(server), 0, 'a worker of the user’s runs like any program');
      assert.equal(os.getPriority(server), 0);
    });
  });

  describe('as an unprivileged user', () => {
    it('waits out the kernel’s one change per 100 ms and lowers every group of a burst', async function () {
      this.timeout(20_000);
      const marker = newMarker();
      const groups = 4;
      const command = [process.execPath, fixture('lower-priorities.js'), String(groups)];
      // Root is not rate-limited: the fixture runs as nobody, the way a user's editor would.
      const argv =
        process.getuid?.() === 0
          ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...command]
          : command;
      try {
        const { stdout } = await run(argv[0], argv.slice(1), { env: { ...process.env, [MARKER_VAR]: marker } });
        const report = JSON.parse(stdout) as {
          uid: number;
          elapsedMs: number;
          autogroups: string[];
          problems: string[];
        };
        assert.notEqual(report.uid, 0);
        assert.deepEqual(report.problems, []);
        assert.equal(report.autogroups.length, groups);
        for (const line of report.autogroups) {
          assert.match(line, / nice 10$/);
        }
        assert.ok(
          report.elapsedMs >= (groups - 1) * 100,
          `${groups} changes took ${report.elapsedMs} ms: the kernel allows one per 100 ms`,
        );
      } finally {
        assert.deepEqual(await findMarked(marker), [], 'the fixture’s groups are gone');
      }
    });
  });
});
