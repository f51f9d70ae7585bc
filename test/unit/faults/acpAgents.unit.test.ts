import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import { MAX_PROTOCOL_NOTICES_PER_TURN } from '../../../src/core/sessions/session';
import { assistantTexts, transcriptLines } from '../../helpers/agentSessions';
import { fakeAcpAgent } from '../../helpers/fakeAcp';
import { useFaultScenario } from '../../helpers/faultHarness';
import { findMarked, waitFor } from '../../helpers/processes';

/** Every file under `dir`, with its content, so a test can prove nothing there changed. */
async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files.set(file, await fs.readFile(file, 'utf8'));
    }
  }
  return files;
}

describe('fault injection: a hostile ACP agent', function () {
  this.timeout(60_000);
  const h = useFaultScenario();

  async function open(): Promise<{ manager: SessionManager; workspace: string; outside: string }> {
    const workspace = path.join(h.tempDir, 'workspace');
    const outside = path.join(h.tempDir, 'outside');
    await fs.mkdir(workspace);
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'secret.txt'), 'secret\n');
    const manager = new SessionManager({
      supervisor: h.supervisor,
      tasks: h.tasks,
      logger: h.logger,
      store: undefined,
      poolSize: 0,
      tickMs: 50,
    });
    h.defer(() => manager.shutdown());
    return { manager, workspace, outside };
  }

  it('is refused every read and write outside the folder (.., absolute, symlinks): 0 files touched', async () => {
    const { manager, workspace, outside } = await open();
    await fs.symlink(outside, path.join(workspace, 'link-dir'));
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(workspace, 'link-file'));
    await fs.symlink(path.join(outside, 'new.txt'), path.join(workspace, 'dangling'));
    const before = await snapshotTree(h.tempDir);
    const attempts = [
      path.join(workspace, '..', 'outside', 'secret.txt'),
      '../outside/secret.txt',
      path.join(outside, 'secret.txt'),
      path.join(outside, 'created.txt'),
      '/etc/passwd-shepherd-test',
      path.join(workspace, 'link-dir', 'secret.txt'),
      path.join(workspace, 'link-dir', 'created.txt'),
      path.join(workspace, 'link-file'),
      path.join(workspace, 'dangling'),
    ];
    const session = await manager.create(fakeAcpAgent(), workspace);
    await manager.send(session.id, `escape ${attempts.join(' ')}`, workspace);
    h.badInputs(attempts.length * 2);
    const lines = (assistantTexts(manager, session.id).at(-1) ?? '').split('\n');
    assert.equal(lines.length, attempts.length);
    for (const line of lines) {
      assert.match(line, /read=error -32602: Invalid params: .+ write=error -32602: Invalid params: .+/, line);
    }
    assert.deepEqual(await snapshotTree(h.tempDir), before, 'no file was created or changed anywhere');
    await assert.rejects(fs.stat('/etc/passwd-shepherd-test'));
  });

  it('floods session/update, sends malformed JSON-RPC and calls unknown methods: bounded notices, the session goes on', async () => {
    const { manager, workspace } = await open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    await manager.send(session.id, 'flood 20000', workspace);
    assert.equal(assistantTexts(manager, session.id).at(-1)?.length, 20_000, 'every chunk arrived, in one entry');
    await h.assertResponsive('after a flood of 20,000 session/update notifications');
    await manager.send(session.id, 'malformed', workspace);
    h.badInputs(5);
    assert.equal(
      assistantTexts(manager, session.id).at(-1),
      'unknown method answered: error -32601: "Method not found": shepherd/doesNotExist',
    );
    const notices = transcriptLines(manager, session.id).match(/^notice:Ignored a line from the agent/gm) ?? [];
    assert.ok(notices.length > 0 && notices.length <= MAX_PROTOCOL_NOTICES_PER_TURN, `${notices.length} notices`);
    assert.ok(h.logger.lines.some((line) => /not valid JSON/.test(line)));
    assert.ok(h.logger.lines.some((line) => /a response to a request Shepherd did not send/.test(line)));
    await manager.send(session.id, 'still there?', workspace);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'You said: still there?');
    assert.equal(manager.get(session.id)?.state, 'idle');
  });

  it('starts 50 terminals and exits: every terminal is ended, 0 orphans', async () => {
    const { manager, workspace } = await open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    const started = new Set<string>();
    const watch = h.supervisor.onDidChangeWorker(({ view }) => {
      if (view.label.includes('$ sleep 60') && view.state === 'running') {
        started.add(view.id);
      }
    });
    await manager.send(session.id, 'terminals 50', workspace);
    watch.dispose();
    assert.equal(started.size, 50, 'each terminal ran as a worker of its own');
    assert.match(transcriptLines(manager, session.id), /error:The turn failed: the agent process exited with code 0/);
    await waitFor(
      'the terminals to be released',
      () => (h.supervisor.snapshot().some((w) => w.label.includes('$ sleep')) ? undefined : true),
      20_000,
    );
    const sleepers = (await findMarked(h.marker)).length;
    assert.equal(sleepers, 0, `${sleepers} processes outlived the agent`);
    h.faults(50);
  });
});
