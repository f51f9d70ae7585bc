import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { AgentConfig } from '../../../../src/core/sessions/agentConfig';
import { SessionManager, SessionManagerOptions } from '../../../../src/core/sessions/sessionManager';
import { TranscriptStore } from '../../../../src/core/sessions/transcripts/transcriptStore';
import { dayOf } from '../../../../src/core/sessions/usageSummary';
import { fixture, findMarked, waitFor } from '../../../helpers/processes';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';

const fakeAgent: AgentConfig = {
  id: 'fake',
  label: 'Fake',
  kind: 'claude',
  command: process.execPath,
  args: [fixture('fake-claude.js')],
  cwd: undefined,
  env: { FAKE_API_KEY: 'sk-fake-secret-12345' },
  endMarker: undefined,
  idleGapMs: 1_000,
};

describe('SessionManager', () => {
  const h = useSupervisor({ tickMs: 100 });
  let manager: SessionManager;

  function makeManager(options: Partial<SessionManagerOptions> = {}): SessionManager {
    manager = new SessionManager({
      supervisor: h.supervisor,
      tasks: h.tasks,
      logger: h.logger,
      store: undefined,
      poolSize: 0,
      tickMs: 50,
      ...options,
    });
    return manager;
  }

  afterEach(async () => {
    await manager?.shutdown();
  });

  function text(id: string): string {
    return manager
      .transcript(id)
      .map((e) => ('text' in e ? `${e.kind}:${e.text}` : `${e.kind}`))
      .join('\n');
  }

  function assistantText(id: string): string {
    return manager
      .transcript(id)
      .filter((e) => e.kind === 'assistant')
      .map((e) => ('text' in e ? e.text : ''))
      .join('|');
  }

  it('does not mark an agent degraded when its words mention a rate limit: its protocol output is not a log', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'rate limit '.repeat(12), h.tempDir);
    const workerId = manager.get(session.id)?.workerId ?? '';
    assert.match(assistantText(session.id), /rate limit/);
    // A plain worker printing the same words is degraded on a tick; that tick has scanned the agent's
    // output too, which was printed before.
    h.supervisor.upsert(
      definition('logger', process.execPath, ['-e', 'console.log("rate limit"); setInterval(() => {}, 1e3)']),
    );
    await h.supervisor.start('logger');
    await waitFor('the plain worker degraded', () => h.supervisor.get('logger')?.health === 'degraded');
    assert.equal(h.supervisor.get(workerId)?.health, 'ok');
  });

  it('runs a two-turn conversation with streamed text, usage and cost, and no duplicated final text', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'hello', h.tempDir);
    await manager.send(session.id, 'again', h.tempDir);
    assert.equal(assistantText(session.id), 'you said: hello|you said: again');
    const view = manager.get(session.id);
    assert.equal(view?.state, 'idle');
    assert.equal(view?.model, 'fake-model');
    assert.deepEqual(view?.usage, { inputTokens: 22, outputTokens: 14, costUsd: 0.5 });
    assert.equal(h.supervisor.get(view?.workerId ?? '')?.sessionState, 'idle');
  });

  it('answers status queries while a turn is held in flight', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    const turn = manager.send(session.id, 'slow 25', h.tempDir);
    await waitFor('the turn to start', () => (manager.get(session.id)?.state === 'busy' ? true : undefined));
    // Queries are synchronous: they cannot wait for the turn lock.
    assert.equal(manager.get(session.id)?.state, 'busy');
    assert.equal(manager.list().length, 1);
    const other = await manager.create(fakeAgent, h.tempDir);
    assert.equal(manager.get(session.id)?.state, 'busy', 'creating another session did not wait for the turn');
    assert.equal(manager.get(other.id)?.state, 'idle');
    await turn;
  });

  it("runs two sessions' turns in parallel", async () => {
    makeManager();
    const a = await manager.create(fakeAgent, h.tempDir);
    const b = await manager.create(fakeAgent, h.tempDir);
    let aEnded = false;
    let bStreamedBeforeAEnded = false;
    manager.onDidChangeTranscript((event) => {
      if (event.sessionId === b.id && !aEnded) {
        bStreamedBeforeAEnded = true;
      }
    });
    await Promise.all([
      manager.send(a.id, 'slow 15', h.tempDir).then(() => (aEnded = true)),
      manager.send(b.id, 'slow 15', h.tempDir),
    ]);
    assert.ok(bStreamedBeforeAEnded);
  });

  it('rejects a turn whose agent dies mid-turn with a clear error, and resumes on the next message', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'hello', h.tempDir);
    const firstWorker = manager.get(session.id)?.workerId ?? '';
    await manager.send(session.id, 'crash', h.tempDir);
    assert.match(
      text(session.id),
      /error:The turn failed: the agent process exited with code 3 in the middle of a turn\. Your next message resumes the conversation\./,
    );
    assert.equal(manager.get(session.id)?.state, 'exited');
    await manager.send(session.id, 'back?', h.tempDir);
    const view = manager.get(session.id);
    assert.notEqual(view?.workerId, firstWorker);
    assert.ok(h.supervisor.definition(view?.workerId ?? '')?.args.includes('--resume'));
    assert.match(assistantText(session.id), /you said: back\?$/);
    assert.equal(h.supervisor.get(firstWorker), undefined, 'the dead agent worker was retired');
  });

  it('interrupts a turn mid-stream', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    const turn = manager.send(session.id, 'slow 200', h.tempDir);
    await waitFor('streaming', () => (assistantText(session.id).includes('d2') ? true : undefined));
    manager.interrupt(session.id);
    await turn;
    assert.match(text(session.id), /notice:Interrupted\./);
    assert.ok(!assistantText(session.id).includes('d199'));
    assert.equal(manager.get(session.id)?.state, 'idle');
  });

  it('stops idle agents but skips busy ones, and resumes the idle one transparently', async () => {
    makeManager({ idleTimeoutMs: 300 });
    const idle = await manager.create(fakeAgent, h.tempDir);
    const busy = await manager.create(fakeAgent, h.tempDir);
    await manager.send(idle.id, 'hello', h.tempDir);
    void manager.send(busy.id, 'hang', h.tempDir);
    // Its agent starts for this turn: on a loaded machine that can take longer than the idle timeout.
    await waitFor('the busy turn to start', () => (manager.get(busy.id)?.state === 'busy' ? true : undefined), 5_000);
    await waitFor('the idle agent to stop', () => (manager.get(idle.id)?.state === 'exited' ? true : undefined), 5_000);
    assert.equal(manager.get(busy.id)?.state, 'busy');
    await manager.send(idle.id, 'still there?', h.tempDir);
    assert.match(assistantText(idle.id), /you said: still there\?$/);
    assert.ok(h.supervisor.definition(manager.get(idle.id)?.workerId ?? '')?.args.includes('--resume'));
  });

  it('marks a busy session stalled after the watchdog period, in the session and on its worker', async () => {
    makeManager({ stallTimeoutMs: 200 });
    const session = await manager.create(fakeAgent, h.tempDir);
    void manager.send(session.id, 'hang', h.tempDir);
    await waitFor('stalled', () => (manager.get(session.id)?.state === 'stalled' ? true : undefined), 5_000);
    assert.equal(h.supervisor.get(manager.get(session.id)?.workerId ?? '')?.sessionState, 'stalled');
    assert.match(text(session.id), /it may be stalled/);
  });

  it('applies new idle and stall timeouts to sessions that are already running', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    void manager.send(session.id, 'hang', h.tempDir);
    await waitFor('the turn to start', () => (manager.get(session.id)?.state === 'busy' ? true : undefined));
    manager.applySettings({ idleTimeoutMs: 30 * 60_000, stallTimeoutMs: 200 });
    await waitFor('stalled', () => (manager.get(session.id)?.state === 'stalled' ? true : undefined), 5_000);
    assert.match(text(session.id), /it may be stalled/);
  });

  it('keeps only one of two concurrent agent replacements, closing the loser', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'hello', h.tempDir);
    const [first, second] = await Promise.all([
      manager.restartAgent(session.id, h.tempDir),
      manager.restartAgent(session.id, h.tempDir),
    ]);
    assert.equal(first.workerId, second.workerId, 'both callers see the same winner');
    await waitFor('the loser and the original to be gone', async () =>
      (await findMarked(h.marker)).length === 1 ? true : undefined,
    );
    await manager.send(session.id, 'after restart', h.tempDir);
    assert.match(assistantText(session.id), /you said: after restart$/);
  });

  it('waits for input on a permission request and applies the decision', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    const turn = manager.send(session.id, 'permission', h.tempDir);
    await waitFor('waiting for input', () =>
      manager.get(session.id)?.state === 'waiting-for-input' ? true : undefined,
    );
    const request = manager.transcript(session.id).find((e) => e.kind === 'permission');
    assert.ok(request?.kind === 'permission' && request.toolName === 'Bash');
    assert.ok(manager.respond(session.id, request.requestId, 'deny'));
    await turn;
    assert.match(assistantText(session.id), /denied/);
    const decided = manager.transcript(session.id).find((e) => e.kind === 'permission');
    assert.equal(decided?.kind === 'permission' && decided.decision, 'deny');
  });

  it('survives malformed, truncated and huge lines and keeps U+2028 inside content', async () => {
    makeManager();
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'garbage', h.tempDir);
    const all = text(session.id);
    assert.match(all, /notice:Ignored a line from the agent: not valid JSON/);
    assert.ok(assistantText(session.id).includes('line\u2028separator\u2029inside '));
    const tool = manager.transcript(session.id).find((e) => e.kind === 'tool');
    assert.ok(
      tool?.kind === 'tool' && tool.output?.startsWith('z'.repeat(60_000)) && tool.output.endsWith('more characters)'),
    );
    assert.ok(assistantText(session.id).includes('after the big one'));
    assert.equal(manager.get(session.id)?.state, 'idle');
  });

  it('hands out a warm agent for a new session once the agent has been used, a spare until then', async () => {
    makeManager({ poolSize: 1 });
    await manager.create(fakeAgent, h.tempDir);
    await waitFor('the pool to fill', () =>
      h.supervisor.snapshot().some((v) => v.id.startsWith('pool-fake-') && v.state === 'running') ? true : undefined,
    );
    const spare = h.supervisor.snapshot().find((v) => v.id.startsWith('pool-fake-'))?.id ?? '';
    assert.equal(manager.isWarmSpare(spare), true, 'an idle pooled process is a warm spare');
    const first = manager.list()[0];
    assert.equal(manager.isWarmSpare(first.workerId ?? ''), false, "a session's agent is not a spare");
    const second = await manager.create(fakeAgent, h.tempDir);
    assert.equal(second.workerId, spare);
    assert.equal(manager.isWarmSpare(spare), false, 'a spare taken by a session is a spare no longer');
    await manager.send(second.id, 'warm?', h.tempDir);
    assert.equal(assistantText(second.id), 'you said: warm?');
  });

  it('warms one spare of an agent with a folder of its own, in that folder, where its next session takes it', async () => {
    makeManager({ poolSize: 1 });
    const own = path.join(h.tempDir, 'agent-home');
    await fs.mkdir(own);
    const homed: AgentConfig = { ...fakeAgent, cwd: own };
    await manager.create(homed, h.tempDir);
    await waitFor('a ready spare', () =>
      h.supervisor.snapshot().some((v) => manager.isWarmSpare(v.id)) &&
      !h.tasks.names().some((name) => /warm pool/.test(name))
        ? true
        : undefined,
    );
    const spares = h.supervisor.snapshot().filter((v) => manager.isWarmSpare(v.id));
    assert.deepEqual(
      spares.map((v) => v.cwd),
      [own],
      'one spare, in the folder the agent runs in',
    );
    const spare = spares[0];
    const second = await manager.create(homed, h.tempDir);
    assert.equal(second.workerId, spare?.id, 'the second session takes the spare');
  });

  it('fails a missing CLI with a message that says how to install it', async () => {
    makeManager();
    const session = await manager.create({ ...fakeAgent, command: 'shepherd-missing-claude', args: [] }, h.tempDir);
    assert.equal(manager.get(session.id)?.state, 'failed');
    assert.match(
      text(session.id),
      /command "shepherd-missing-claude" was not found.*npm install -g @anthropic-ai\/claude-code/,
    );
  });

  it('says how to install a missing CLI in a translated message too', async () => {
    l10n.config({ contents: { 'command "{0}" was not found (is it installed and on PATH?)': 'Befehl "{0}" fehlt' } });
    try {
      makeManager();
      const session = await manager.create({ ...fakeAgent, command: 'shepherd-missing-claude', args: [] }, h.tempDir);
      assert.match(
        text(session.id),
        /Befehl "shepherd-missing-claude" fehlt.*npm install -g @anthropic-ai\/claude-code/,
      );
    } finally {
      l10n.config({ contents: {} });
    }
  });

  it('gives no install hint when the CLI is there but does not start', async () => {
    makeManager();
    const notExecutable = fixture('not-executable.txt');
    const session = await manager.create({ ...fakeAgent, command: notExecutable, args: [] }, h.tempDir);
    assert.equal(manager.get(session.id)?.state, 'failed');
    assert.match(text(session.id), /cannot be executed/);
    assert.doesNotMatch(text(session.id), /npm install/);
  });

  it('persists transcripts 0600 without env values, and restores them in a new manager', async () => {
    const store = new TranscriptStore(path.join(h.tempDir, 'sessions'));
    makeManager({ store });
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'my key is sk-fake-secret-12345', h.tempDir);
    await manager.shutdown();
    const file = path.join(h.tempDir, 'sessions', `${session.id}.json`);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.ok(!(await fs.readFile(file, 'utf8')).includes('sk-fake-secret-12345'));
    makeManager({ store });
    await manager.restore([fakeAgent]);
    assert.equal(manager.get(session.id)?.state, 'exited');
    assert.match(assistantText(session.id), /you said: my key is •••/);
    await manager.send(session.id, 'resumed', h.tempDir);
    assert.match(assistantText(session.id), /you said: resumed$/);
  });

  it('counts each turn on its day for the usage view, and keeps the days with the transcript', async () => {
    const store = new TranscriptStore(path.join(h.tempDir, 'sessions'));
    makeManager({ store });
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'hello', h.tempDir);
    await manager.send(session.id, 'again', h.tempDir);
    const today = { day: dayOf(Date.now()), inputTokens: 22, outputTokens: 14, costUsd: 0.5 };
    assert.deepEqual(manager.usageRecords()[0].daily, [today]);
    await manager.shutdown();
    makeManager({ store });
    await manager.restore([fakeAgent]);
    const [restored] = manager.usageRecords();
    assert.deepEqual(restored.daily, [today], 'the days survive a reload');
    assert.equal(restored.agentLabel, fakeAgent.label);
  });

  it("keeps a worktree session's folder and worktree with its transcript, saved before any message", async () => {
    const store = new TranscriptStore(path.join(h.tempDir, 'sessions'));
    makeManager({ store });
    const worktree = {
      repoRoot: path.join(h.tempDir, 'repo'),
      path: h.tempDir,
      branch: 'shepherd/x',
      baseCommit: 'a'.repeat(40),
      baseLabel: 'main',
    };
    const session = await manager.create(fakeAgent, h.tempDir, { worktree });
    await manager.shutdown();
    makeManager({ store });
    await manager.restore([fakeAgent]);
    assert.deepEqual(manager.placeOf(session.id), { cwd: h.tempDir, worktree });
    assert.equal(manager.setWorktree(session.id, undefined), true);
    await manager.shutdown();
    makeManager({ store });
    await manager.restore([fakeAgent]);
    assert.deepEqual(manager.placeOf(session.id), { cwd: h.tempDir, worktree: undefined });
    assert.equal(manager.setWorktree('no-such-session', worktree), false);
  });

  it('titles a session from its first message, and a rename sticks across a reload and later messages', async () => {
    const store = new TranscriptStore(path.join(h.tempDir, 'sessions'));
    makeManager({ store });
    const session = await manager.create(fakeAgent, h.tempDir);
    assert.equal(session.title, 'Fake 1');
    await manager.send(session.id, '\n  Fix the   login bug\nthen more', h.tempDir);
    const workerId = manager.get(session.id)?.workerId ?? '';
    assert.equal(manager.get(session.id)?.title, 'Fix the login bug');
    assert.equal(h.supervisor.get(workerId)?.label, 'Fake · Fix the login bug');
    assert.throws(() => manager.rename(session.id, ' \n '), /cannot be empty/);
    manager.rename(session.id, 'Login\nwork');
    assert.equal(h.supervisor.get(workerId)?.label, 'Fake · Login work');
    await manager.shutdown();
    makeManager({ store });
    await manager.restore([fakeAgent]);
    assert.equal(manager.get(session.id)?.title, 'Login work');
    const renamedFirst = await manager.create(fakeAgent, h.tempDir);
    manager.rename(renamedFirst.id, 'Named by me');
    await manager.send(renamedFirst.id, 'hello', h.tempDir);
    assert.equal(manager.get(renamedFirst.id)?.title, 'Named by me');
  });

  it('keeps a closed session as history: not restored, but reopened to continue it', async () => {
    const store = new TranscriptStore(path.join(h.tempDir, 'sessions'));
    makeManager({ store });
    const session = await manager.create(fakeAgent, h.tempDir);
    await manager.send(session.id, 'remember this', h.tempDir);
    await manager.close(session.id);
    assert.equal(manager.get(session.id), undefined);
    const closed = await store.load(session.id);
    assert.ok(closed.closedAt !== undefined, 'the closed transcript was not marked closed');
    assert.ok(closed.resumeId, 'the fake agent gave a conversation id to resume');
    await manager.shutdown();
    makeManager({ store });
    await manager.restore([fakeAgent]);
    assert.deepEqual(manager.list(), [], 'a closed session came back on restore');
    const reopened = await manager.reopen(closed, fakeAgent);
    assert.equal(reopened.title, 'remember this');
    assert.equal((await store.load(session.id).then((s) => s.closedAt)) ?? 'open', 'open');
    await manager.send(session.id, 'and now', h.tempDir);
    assert.match(text(session.id), /Resuming the conversation/);
    assert.match(assistantText(session.id), /you said: remember this\|you said: and now$/);
  });
});
