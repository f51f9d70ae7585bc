import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AgentConfig } from '../../../src/core/sessions/agentConfig';
import { SessionManager, SessionManagerOptions } from '../../../src/core/sessions/sessionManager';
import { TranscriptEntry } from '../../../src/shared/sessionModel';
import { TranscriptStore } from '../../../src/core/sessions/transcripts/transcriptStore';
import { useFaultScenario } from '../../helpers/faultHarness';
import { findMarked, fixture, waitFor } from '../../helpers/processes';

const FAKE_KEY = 'sk-fake-agent-key-98765';

const hostile: AgentConfig = {
  id: 'hostile',
  label: 'Hostile',
  kind: 'claude',
  command: process.execPath,
  args: [fixture('faults/hostile-claude.js')],
  cwd: undefined,
  env: { FAKE_API_KEY: FAKE_KEY },
  endMarker: undefined,
  idleGapMs: 1_000,
};

describe('fault injection: agents (claude protocol through the SessionManager)', function () {
  this.timeout(30_000);
  const h = useFaultScenario();
  let manager: SessionManager;
  let store: TranscriptStore;

  function makeManager(options: Partial<SessionManagerOptions> = {}): SessionManager {
    store = new TranscriptStore(path.join(h.tempDir, 'sessions'));
    manager = new SessionManager({
      supervisor: h.supervisor,
      tasks: h.tasks,
      logger: h.logger,
      store,
      poolSize: 0,
      tickMs: 50,
      ...options,
    });
    const created = manager;
    h.defer(() => created.shutdown());
    return manager;
  }

  function entries(id: string): readonly TranscriptEntry[] {
    return manager.transcript(id);
  }

  function assistantText(id: string): string {
    return entries(id)
      .filter((e) => e.kind === 'assistant')
      .map((e) => ('text' in e ? e.text : ''))
      .join('|');
  }

  function listenerFailures(): string[] {
    return h.logger.lines.filter((l) => /threw|listener failed|background task .* failed/.test(l));
  }

  it('7a. malformed, truncated, wrong-typed, deeply nested and invalid UTF-8 lines are refused one by one; the turn goes on', async () => {
    makeManager();
    const session = await manager.create(hostile, h.tempDir);
    await manager.send(session.id, 'malformed', h.tempDir);
    const workerId = manager.get(session.id)?.workerId ?? '';
    // The count comes on stderr, which may reach the output buffer a batch after the turn's end on stdout.
    const report = await waitFor('the fixture to report its bad inputs', () =>
      h.supervisor.output(workerId).find((l) => l.text.startsWith('bad inputs: ')),
    );
    const badInputs = Number(report?.text.slice('bad inputs: '.length) ?? 0);
    assert.ok(badInputs > 15, `the agent reported ${badInputs} bad inputs`);
    h.badInputs(badInputs);
    const text = assistantText(session.id);
    assert.ok(text.includes('line\u2028separator\u2029inside '), 'U+2028/U+2029 stay inside the content');
    assert.ok(
      text.includes('survived'),
      `the valid delta after the garbage arrived: ${JSON.stringify(text.slice(0, 200))}`,
    );
    const notices = entries(session.id).filter(
      (e) => e.kind === 'notice' && e.text.startsWith('Ignored a line from the agent'),
    );
    assert.equal(notices.length, 3, 'at most three protocol notices per turn reach the transcript');
    assert.equal(manager.get(session.id)?.state, 'idle');
    assert.deepEqual(listenerFailures(), [], 'no hostile line made a listener throw');
    // The deeply nested tool input is shown as something, not lost.
    const deep = entries(session.id).find((e) => e.kind === 'tool' && e.toolUseId === 'deep');
    assert.ok(deep, 'the tool call with a deeply nested input is in the transcript');
    // A second turn still works: nothing in the decoder was left half-read.
    await manager.send(session.id, 'still alive?', h.tempDir);
    assert.match(assistantText(session.id), /you said: still alive\?$/);
    h.faults(1);
  });

  it('7b. one 5 MB event is taken whole, U+2028 included, without stalling the loop, and persisted', async function () {
    makeManager();
    const session = await manager.create(hostile, h.tempDir);
    await manager.send(session.id, 'big', h.tempDir);
    await h.assertResponsive('after a 5 MB event');
    const big = entries(session.id).find((e) => e.kind === 'assistant' && e.text.startsWith('big:'));
    assert.ok(big && 'text' in big, 'the 5 MB reply is in the transcript');
    assert.equal(big.text.length, 5_000_009);
    assert.ok(big.text.endsWith(':end') && big.text.includes('\u2028'));
    await manager.shutdown();
    const file = path.join(h.tempDir, 'sessions', `${session.id}.json`);
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { entries: TranscriptEntry[] };
    const savedBig = saved.entries.find((e) => e.kind === 'assistant' && e.text.startsWith('big:'));
    assert.ok(savedBig && 'text' in savedBig && savedBig.text === big.text, 'the saved transcript holds the same text');
    h.badInputs(1);
    h.faults(1);
  });

  it('8. an agent killed mid-turn with half a line on stdout fails the turn clearly, and the next message resumes', async () => {
    makeManager();
    const session = await manager.create(hostile, h.tempDir);
    await manager.send(session.id, 'hello', h.tempDir);
    const firstWorker = manager.get(session.id)?.workerId ?? '';
    await manager.send(session.id, 'die-truncated', h.tempDir);
    const all = entries(session.id);
    assert.ok(
      all.some((e) => e.kind === 'notice' && /truncated line/.test(e.text)),
      'the half line is reported',
    );
    assert.ok(
      all.some(
        (e) =>
          e.kind === 'error' &&
          e.text ===
            'The turn failed: the agent process was killed by SIGKILL in the middle of a turn. Your next message resumes the conversation.',
      ),
      JSON.stringify(all.filter((e) => e.kind === 'error')),
    );
    assert.equal(manager.get(session.id)?.state, 'exited');
    assert.ok(h.activity.some((e) => e.kind === 'crashed' && e.workerId === firstWorker && /SIGKILL/.test(e.message)));
    await manager.send(session.id, 'back?', h.tempDir);
    assert.match(assistantText(session.id), /you said: back\?$/);
    assert.ok(h.supervisor.definition(manager.get(session.id)?.workerId ?? '')?.args.includes('--resume'));
    h.faults(1);
  });

  it('9. an agent that hangs with no output at all is flagged stalled, survives an interrupt, and is killed on close', async function () {
    this.timeout(20_000);
    makeManager({ stallTimeoutMs: 300 });
    const session = await manager.create(hostile, h.tempDir);
    await manager.send(session.id, 'hello', h.tempDir);
    const turn = manager.send(session.id, 'silent', h.tempDir);
    await waitFor('stalled', () => (manager.get(session.id)?.state === 'stalled' ? true : undefined), 5_000);
    const workerId = manager.get(session.id)?.workerId ?? '';
    assert.equal(h.supervisor.get(workerId)?.sessionState, 'stalled');
    assert.ok(entries(session.id).some((e) => e.kind === 'notice' && /it may be stalled/.test(e.text)));
    manager.interrupt(session.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(manager.get(session.id)?.state, 'stalled', 'the hung agent ignores the interrupt');
    // It also ignores SIGTERM: closing the session needs the SIGKILL after the agent grace period.
    await manager.close(session.id);
    await turn;
    assert.deepEqual(await findMarked(h.marker), []);
    assert.match(
      h.activity.find((e) => e.kind === 'stopped' && e.workerId === workerId)?.message ?? '',
      /killed with SIGKILL/,
    );
    h.faults(1);
  });

  it('10b. an agent whose binary is missing, is not executable, or whose folder is gone fails with a clear transcript entry', async () => {
    makeManager();
    const cases: Array<[AgentConfig, string, RegExp]> = [
      [
        { ...hostile, id: 'gone', command: 'shepherd-no-such-agent', args: [] },
        h.tempDir,
        /command "shepherd-no-such-agent" was not found.*npm install -g @anthropic-ai\/claude-code/,
      ],
      [
        { ...hostile, id: 'noexec', command: fixture('not-executable.txt'), args: [] },
        h.tempDir,
        /cannot be executed: permission denied/,
      ],
      [{ ...hostile, id: 'nowhere' }, path.join(h.tempDir, 'no-such-folder'), /working directory .* does not exist/],
    ];
    for (const [agent, cwd, reason] of cases) {
      const session = await manager.create(agent, cwd);
      assert.equal(manager.get(session.id)?.state, 'failed', agent.id);
      const error = entries(session.id).find((e) => e.kind === 'error');
      assert.match(error && 'text' in error ? error.text : '', reason);
    }
    h.badInputs(cases.length);
    h.faults(cases.length);
  });

  it('security: an agent that prints its key keeps it out of the log and the saved transcript (0600, folder 0700)', async () => {
    makeManager();
    const session = await manager.create(hostile, h.tempDir);
    await manager.send(session.id, 'leak-key', h.tempDir);
    await manager.send(session.id, `my own message mentions ${FAKE_KEY}`, h.tempDir);
    await manager.shutdown();
    const dir = path.join(h.tempDir, 'sessions');
    const file = path.join(dir, `${session.id}.json`);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
    const saved = await fs.readFile(file, 'utf8');
    assert.ok(!saved.includes(FAKE_KEY), 'the saved transcript holds the key');
    assert.match(saved, /my key is •••/);
    const leaking = h.logger.lines.filter((l) => l.includes(FAKE_KEY));
    assert.deepEqual(leaking, [], 'the log holds the key');
    assert.ok(
      h.logger.lines.some((l) => l.includes('not valid JSON') && l.includes('•••')),
      'the refused line is logged, masked',
    );
    h.badInputs(2);
  });
});
