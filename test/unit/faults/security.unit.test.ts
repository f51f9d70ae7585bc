import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useFaultScenario } from '../../helpers/faultHarness';
import { fixture, waitFor } from '../../helpers/processes';
import { definition } from '../../helpers/supervisorFixture';

const ENV_SECRET = 'sk-fake-worker-env-secret-4242';
const ARG_SECRET = 'sk-fake-worker-arg-secret-1717';

describe('fault injection: secrets and literal arguments', function () {
  this.timeout(30_000);
  const h = useFaultScenario({ withStatusFile: true });

  it('a worker with a key in its env and args: views, status file, activity log and logs never hold the values', async () => {
    const env = { API_KEY: ENV_SECRET };
    const never = {
      mode: 'never' as const,
      maxRestarts: 0,
      windowMs: 1,
      backoffBaseMs: 0,
      backoffMaxMs: 0,
      minUptimeMs: 0,
    };
    // It prints its own env value: that is its output, which Shepherd shows but never stores or logs.
    h.supervisor.upsert(
      definition('keyed', 'sh', ['-c', 'echo "key=$API_KEY"; sleep 1000', 'keyed', '--api-key', ARG_SECRET], { env }),
    );
    h.supervisor.upsert(
      definition('keyed-crash', 'sh', ['-c', 'echo "bad key $API_KEY" >&2; exit 2', 'x', `--token=${ARG_SECRET}`], {
        env,
        restart: never,
      }),
    );
    h.supervisor.upsert(
      definition('keyed-missing', `no-such-tool-${ENV_SECRET.slice(0, 3)}`, ['--password', ARG_SECRET], { env }),
    );
    h.supervisor.upsert(definition('keyed-shell', `echo ${ENV_SECRET} && sleep 1000`, [], { env, shell: true }));
    for (const id of ['keyed', 'keyed-crash', 'keyed-missing', 'keyed-shell']) {
      await h.supervisor.start(id);
    }
    await waitFor('the crash', () => (h.supervisor.get('keyed-crash')?.state === 'crashed' ? true : undefined));
    await waitFor('the output', () =>
      h.supervisor.output('keyed').some((l) => l.text === `key=${ENV_SECRET}`) ? true : undefined,
    );
    assert.ok(await h.supervisor.writeStatusNow());
    await h.supervisor.stopAll();
    assert.ok(await h.supervisor.writeStatusNow());
    h.supervisor.killAllSync();

    const status = await fs.readFile(h.statusPath, 'utf8');
    assert.equal((await fs.stat(h.statusPath)).mode & 0o777, 0o600);
    const places: Array<[string, string]> = [
      ['the status file', status],
      ['the views', JSON.stringify(h.supervisor.snapshot())],
      ['the activity log', JSON.stringify(h.activity)],
      ['the log', h.logger.lines.join('\n')],
    ];
    for (const [where, text] of places) {
      assert.ok(!text.includes(ENV_SECRET), `${where} holds the env value`);
      assert.ok(!text.includes(ARG_SECRET), `${where} holds the key given as an argument`);
    }
    assert.match(status, /--api-key •••/);
    assert.match(status, /--token=•••/);
    assert.ok(h.supervisor.snapshot().every((v) => v.envNames.join() === 'API_KEY'));
    h.badInputs(4);
  });

  it('the synchronous status write of the exit hook keeps the file 0600 even over a leftover temporary file', async () => {
    // A crash between writing and renaming leaves the temporary file; a later write reuses its name.
    const file = path.join(h.tempDir, 'exit-hook', 'status.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, 'leftover', { mode: 0o644 });
    await fs.chmod(temp, 0o644);
    // No periodic write: only the exit hook's synchronous one touches the file.
    const supervisor = h.extraSupervisor({ statusFilePath: file, statusFileIntervalMs: Number.MAX_SAFE_INTEGER });
    supervisor.upsert(definition('sync', 'sleep', ['1000']));
    await supervisor.start('sync');
    supervisor.killAllSync();
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    h.badInputs(1);
  });

  it('arguments with spaces, quotes, $(…), backticks and globs reach the process literally: no shell unless asked', async () => {
    const args = [
      'two words',
      '"double quoted"',
      "'single quoted'",
      '$(touch pwned-dollar)',
      '`touch pwned-backtick`',
      '; touch pwned-semicolon',
      '| touch pwned-pipe',
      '&& touch pwned-and',
      '*',
      '$HOME',
      '${PATH}',
      '\\n',
      'new\nline',
      '',
      'ünïcødé ✓',
      '--flag=$(id)',
    ];
    const never = {
      mode: 'never' as const,
      maxRestarts: 0,
      windowMs: 1,
      backoffBaseMs: 0,
      backoffMaxMs: 0,
      minUptimeMs: 0,
    };
    h.supervisor.upsert(
      definition('literal', process.execPath, [fixture('faults/print-argv.js'), ...args], {
        cwd: h.tempDir,
        restart: never,
      }),
    );
    await h.supervisor.start('literal');
    const line = await waitFor('the argv line', () =>
      h.supervisor.output('literal').find((l) => l.text.startsWith('[')),
    );
    assert.deepEqual(JSON.parse(line.text), args);
    assert.deepEqual(
      (await fs.readdir(h.tempDir)).filter((name) => name.startsWith('pwned')),
      [],
      'nothing ran',
    );
    // The same text with shell: true is a command line, by the user's explicit choice.
    h.supervisor.upsert(definition('shelled', 'echo $((6 * 7))', [], { cwd: h.tempDir, shell: true, restart: never }));
    await h.supervisor.start('shelled');
    await waitFor('the shell', () => (h.supervisor.output('shelled').some((l) => l.text === '42') ? true : undefined));
    h.badInputs(args.length);
  });
});
