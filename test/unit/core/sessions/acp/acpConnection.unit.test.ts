import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CARRY_OVER_LIMIT_CHARS } from '../../../../../src/core/sessions/acp/acpCarryOver';
import { ACP_CANCEL_GRACE_MS } from '../../../../../src/core/sessions/acp/acpTurn';
import { AcpClientHost, DISK_FILES } from '../../../../../src/core/sessions/acp/clientHost';
import { assistantTexts, recordStates, transcriptLines } from '../../../../helpers/agentSessions';
import { fakeAcpAgent, useAcpSessions } from '../../../../helpers/fakeAcp';
import { waitFor } from '../../../../helpers/processes';

/** The text blocks of every prompt the fake agent received, in order (FAKE_ACP_PROMPT_LOG). */
async function promptsSent(file: string): Promise<string[][]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string[]);
}

describe('ACP sessions (scripted agent)', function () {
  this.timeout(30_000);
  const acp = useAcpSessions();
  const h = acp.h;

  it('runs a turn: streamed text, thinking, a plan updated in place, modes, commands, tokens and cost', async () => {
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    const states = recordStates(manager, session.id);
    await manager.send(session.id, 'hi there', workspace);
    await manager.send(session.id, 'again', workspace);
    assert.deepEqual(assistantTexts(manager, session.id), ['You said: hi there', 'You said: again']);
    const entries = manager.transcript(session.id);
    assert.deepEqual(
      entries.filter((e) => e.kind === 'thinking').map((e) => e.kind === 'thinking' && e.text),
      ['Thinking about it.', 'Thinking about it.'],
    );
    const plans = entries.flatMap((e) => (e.kind === 'plan' ? [e.items] : []));
    assert.equal(plans.length, 2, 'one plan per turn, each updated in place');
    assert.deepEqual(
      plans[0]?.map((item) => item.status),
      ['completed', 'in_progress'],
    );
    const view = manager.get(session.id);
    assert.equal(view?.state, 'idle');
    assert.deepEqual(view?.usage, { inputTokens: 22, outputTokens: 14, costUsd: 0.25 });
    assert.deepEqual(view?.context, { usedTokens: 1200, sizeTokens: 200000 });
    assert.deepEqual(
      view?.modes?.available.map((m) => m.id),
      ['default', 'yolo'],
    );
    assert.deepEqual(
      view?.commands?.map((c) => c.name),
      ['compress'],
    );
    assert.deepEqual(states.states.slice(states.states.indexOf('busy')), ['busy', 'idle', 'busy', 'idle']);
    assert.doesNotMatch(transcriptLines(manager, session.id), /^(notice|error):/m);

    await manager.setMode(session.id, 'yolo');
    await waitFor('the mode update', () => (manager.get(session.id)?.modes?.currentId === 'yolo' ? true : undefined));
    states.dispose();
  });

  it('asks permission with the agent own options: allow writes the file, deny does not', async () => {
    const { manager, workspace } = await acp.open();
    await fs.writeFile(path.join(workspace, 'notes.txt'), 'original\n');
    const session = await manager.create(fakeAcpAgent(), workspace);
    for (const decision of ['deny', 'allow'] as const) {
      const turn = manager.send(session.id, 'edit', workspace);
      const request = await waitFor('the permission request', () =>
        manager.transcript(session.id).find((e) => e.kind === 'permission' && e.decision === undefined),
      );
      assert.equal(manager.get(session.id)?.state, 'waiting-for-input');
      assert.ok(request.kind === 'permission');
      assert.deepEqual(
        request.choices?.map((c) => `${c.decision}=${c.label}`),
        ['allow=Allow once', 'allow-session=Always allow edits', 'deny=Reject'],
      );
      assert.equal(manager.respond(session.id, request.requestId, decision), true);
      await turn;
      const content = await fs.readFile(path.join(workspace, 'notes.txt'), 'utf8');
      assert.equal(content, decision === 'allow' ? 'edited\n' : 'original\n');
    }
    assert.deepEqual(assistantTexts(manager, session.id), ['permission: selected no', 'permission: selected yes']);
    const tools = manager.transcript(session.id).filter((e) => e.kind === 'tool');
    assert.deepEqual(
      tools.map((t) => t.kind === 'tool' && `${t.toolKind}:${t.status}:${t.diffs?.length}:${t.locations?.[0]?.line}`),
      ['edit:failed:0:3', 'edit:completed:1:3'],
    );
  });

  it('interrupts with session/cancel: a pending permission is answered cancelled and the session is idle', async () => {
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    const turn = manager.send(session.id, 'edit', workspace);
    await waitFor('the permission request', () => manager.transcript(session.id).find((e) => e.kind === 'permission'));
    manager.interrupt(session.id);
    await turn;
    assert.deepEqual(assistantTexts(manager, session.id), ['permission: cancelled ']);
    assert.match(transcriptLines(manager, session.id), /notice:Interrupted\./);
    assert.equal(manager.get(session.id)?.state, 'idle');
  });

  it('interrupts a stream mid-way and goes on', async () => {
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    const turn = manager.send(session.id, 'slow', workspace);
    await waitFor('the stream', () => (assistantTexts(manager, session.id).join('').includes('w3') ? true : undefined));
    manager.interrupt(session.id);
    await turn;
    assert.ok(!assistantTexts(manager, session.id)[0]?.includes('w399'));
    assert.match(transcriptLines(manager, session.id), /notice:Interrupted\./);
    await manager.send(session.id, 'after', workspace);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'You said: after');
  });

  it('shows a stop reason other than end_turn', async () => {
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    await manager.send(session.id, 'refuse', workspace);
    assert.match(transcriptLines(manager, session.id), /notice:The agent refused to go on \(refusal\)\./);
  });

  it('serves reads of open documents (unsaved text) with line and limit', async () => {
    const host: AcpClientHost = {
      files: { ...DISK_FILES, openDocumentText: (file) => (file.endsWith('open.txt') ? 'a\nb\nc\nd\n' : undefined) },
      isTrusted: () => true,
    };
    const { manager, workspace } = await acp.open({ host });
    await fs.writeFile(path.join(workspace, 'open.txt'), 'on disk\n');
    const session = await manager.create(fakeAcpAgent(), workspace);
    await manager.send(session.id, `read ${path.join(workspace, 'open.txt')} 2 2`, workspace);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'content: b\nc');
  });

  it('refuses file requests in Restricted Mode, with the reason', async () => {
    const { manager, workspace } = await acp.open({ host: { files: DISK_FILES, isTrusted: () => false } });
    await fs.writeFile(path.join(workspace, 'a.txt'), 'secret\n');
    const session = await manager.create(fakeAcpAgent(), workspace);
    await manager.send(session.id, `read ${path.join(workspace, 'a.txt')}`, workspace);
    assert.match(assistantTexts(manager, session.id).at(-1) ?? '', /refused: .*Restricted Mode/);
  });

  it('runs a terminal as a supervised worker with an output limit, and cancel kills it leaving no process', async () => {
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    const turn = manager.send(session.id, 'terminal sleep 30', workspace);
    const worker = await waitFor('the terminal worker', () =>
      h.supervisor.snapshot().find((w) => w.label.includes('$ sleep 30') && w.state === 'running'),
    );
    assert.equal(worker.source, 'session');
    assert.deepEqual(h.supervisor.definition(worker.id)?.args, ['30'], 'args passed literally');
    manager.interrupt(session.id);
    await turn;
    assert.match(assistantTexts(manager, session.id).at(-1) ?? '', /exit \{"exitCode":null,"signal":"SIGTERM"\}/);
    assert.equal(h.supervisor.get(worker.id), undefined, 'the agent released it');
  });

  it('keeps the last outputByteLimit bytes of a terminal and says it truncated them', async () => {
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent(), workspace);
    await manager.send(
      session.id,
      `terminal ${process.execPath} -e process.stdout.write('x'.repeat(500)+'END\\n')`,
      workspace,
    );
    const reply = assistantTexts(manager, session.id).at(-1) ?? '';
    const output = JSON.parse(reply.slice(reply.indexOf('output ') + 7)) as { output: string; truncated: boolean };
    assert.equal(output.truncated, true);
    assert.equal(Buffer.byteLength(output.output), 64);
    assert.ok(output.output.endsWith('END\n'));
  });

  it('refuses an unsupported ACP version with a clear error', async () => {
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent({ FAKE_ACP_VERSION: '99' }), workspace);
    assert.equal(manager.get(session.id)?.state, 'failed');
    assert.match(transcriptLines(manager, session.id), /speaks ACP version 99, and Shepherd speaks version 1/);
  });

  it('reports an agent killed mid-turn and resumes the conversation through session/load', async () => {
    const state = path.join(h.tempDir, 'agent-state');
    await fs.mkdir(state);
    const { manager, workspace } = await acp.open();
    const prompts = path.join(h.tempDir, 'prompts.jsonl');
    const agent = fakeAcpAgent({ FAKE_ACP_STATE_DIR: state, FAKE_ACP_PROMPT_LOG: prompts });
    const session = await manager.create(agent, workspace);
    await manager.send(session.id, 'first', workspace);
    const firstWorker = manager.get(session.id)?.workerId;
    await manager.send(session.id, 'die', workspace);
    assert.match(
      transcriptLines(manager, session.id),
      /error:The turn failed: the agent process was killed by SIGKILL/,
    );
    await manager.send(session.id, 'third', workspace);
    assert.notEqual(manager.get(session.id)?.workerId, firstWorker);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'You said: third');
    assert.match(transcriptLines(manager, session.id), /notice:Resuming the conversation/);
    assert.doesNotMatch(transcriptLines(manager, session.id), /replayed/, 'the replay is not shown twice');
    assert.deepEqual((await promptsSent(prompts)).at(-1), ['third'], 'a reloaded conversation needs no carry-over');
  });

  it('resumes an agent that replays the conversation after answering session/load (Gemini CLI), replay left out', async () => {
    const state = path.join(h.tempDir, 'agent-state');
    await fs.mkdir(state);
    const { manager, workspace } = await acp.open();
    const session = await manager.create(
      fakeAcpAgent({ FAKE_ACP_STATE_DIR: state, FAKE_ACP_LATE_REPLAY: '1' }),
      workspace,
    );
    await manager.send(session.id, 'first', workspace);
    await manager.send(session.id, 'die', workspace);
    await manager.send(session.id, 'third', workspace);
    assert.equal(
      assistantTexts(manager, session.id).at(-1),
      'You said: third',
      'the resumed reply is the new one only',
    );
    assert.doesNotMatch(transcriptLines(manager, session.id), /replayed/, 'no replayed text');
    const tools = manager.transcript(session.id).flatMap((e) => (e.kind === 'tool' ? [e.name] : []));
    assert.deepEqual(tools, [], 'no replayed tool call');
    // 11 + 7 tokens for each answered turn; the replayed spend so far (0.25 $) is not the resumed turn's.
    assert.deepEqual(manager.get(session.id)?.usage, { inputTokens: 22, outputTokens: 14, costUsd: 0.25 });
  });

  it('says so when the agent cannot reload the conversation after a kill, instead of a silent fresh start', async () => {
    const state = path.join(h.tempDir, 'agent-state');
    await fs.mkdir(state);
    const prompts = path.join(h.tempDir, 'prompts.jsonl');
    const { manager, workspace } = await acp.open();
    const session = await manager.create(
      fakeAcpAgent({ FAKE_ACP_STATE_DIR: state, FAKE_ACP_PROMPT_LOG: prompts }),
      workspace,
    );
    await manager.send(session.id, 'first', workspace);
    await manager.send(session.id, 'die', workspace);
    // The agent lost its saved session (Gemini CLI 0.61 was seen answering session/load this way).
    await fs.rm(state, { recursive: true });
    await fs.mkdir(state);
    await manager.send(session.id, 'third', workspace);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'You said: third');
    assert.match(
      transcriptLines(manager, session.id),
      /notice:The agent could not reload the conversation \(no such session\); starting a new one\. Your message gives the new one the last 4 messages of this conversation\./,
    );
    // The new session's first prompt carries the earlier exchange ahead of the user's message.
    const [carried, message] = (await promptsSent(prompts)).at(-1) ?? [];
    assert.equal(message, 'third');
    assert.match(
      carried ?? '',
      /User: first\n\nAssistant: You said: first\n\nUser: die\n\nAssistant: about to crash\n\n\[Shepherd\] End of/,
    );
  });

  it('carries the conversation over to an agent that cannot reload one, once, bounded', async () => {
    const prompts = path.join(h.tempDir, 'prompts.jsonl');
    const { manager, workspace } = await acp.open();
    const session = await manager.create(fakeAcpAgent({ FAKE_ACP_PROMPT_LOG: prompts }), workspace);
    const long = `start ${'x'.repeat(CARRY_OVER_LIMIT_CHARS)} end`;
    await manager.send(session.id, long, workspace);
    await manager.send(session.id, 'first', workspace);
    await manager.restartAgent(session.id, workspace);
    await manager.send(session.id, 'second', workspace);
    await manager.send(session.id, 'third', workspace);
    assert.match(
      transcriptLines(manager, session.id),
      /notice:This agent cannot reload a conversation: it starts a new one\. Your message gives the new one the last 3 messages/,
    );
    const sent = await promptsSent(prompts);
    assert.equal(sent.length, 4);
    const [carried, message] = sent[2];
    assert.equal(message, 'second');
    assert.ok(carried.length <= CARRY_OVER_LIMIT_CHARS + 500, `the carry-over is bounded: ${carried.length} chars`);
    // Newest first until the bound: the long reply is cut from its start, the long message left out.
    assert.match(carried, /:\n\nAssistant: …x+ end\n\nUser: first\n\nAssistant: You said: first\n\n\[Shepherd\] End/);
    assert.doesNotMatch(carried, /start x/);
    assert.deepEqual(sent[3], ['third'], 'only the first prompt of the new process carries it');
  });

  it('ends a turn the agent never answers once the cancel grace passes, after the stall watchdog flagged it', async function () {
    this.timeout(30_000);
    const { manager, workspace } = await acp.open({ stallTimeoutMs: 300 });
    const session = await manager.create(fakeAcpAgent(), workspace);
    const turn = manager.send(session.id, 'hang', workspace);
    await waitFor('the stall', () => (manager.get(session.id)?.state === 'stalled' ? true : undefined), 5_000);
    const cancelledAt = Date.now();
    manager.interrupt(session.id);
    await turn;
    assert.ok(Date.now() - cancelledAt >= ACP_CANCEL_GRACE_MS - 50);
    assert.equal(manager.get(session.id)?.state, 'idle');
    assert.match(transcriptLines(manager, session.id), /did not confirm the cancel/);
  });
});
