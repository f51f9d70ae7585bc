import * as assert from 'node:assert/strict';
import { AgentEvent } from '../../../../../src/core/sessions/protocols/agentEvents';
import { ClaudeProtocol } from '../../../../../src/core/sessions/protocols/claudeProtocol';
import { PiProtocol } from '../../../../../src/core/sessions/protocols/piProtocol';

function lines(...values: unknown[]): Buffer {
  return Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
}

function costs(events: AgentEvent[]): Array<number | undefined> {
  return events.flatMap((e) => (e.type === 'turn-end' ? [e.costUsd] : []));
}

// The shapes below are what the real CLIs print (Claude Code 2.1.197, pi 0.73.1); the tests in
// claudeCli.unit.test.ts and piCli.unit.test.ts run the CLIs themselves.
describe('agent protocol decoding', () => {
  it("Claude: turns the process's running total_cost_usd into each turn's cost", () => {
    const protocol = new ClaudeProtocol();
    const result = (total: number): unknown => ({
      type: 'result',
      subtype: 'success',
      is_error: false,
      total_cost_usd: total,
      usage: { input_tokens: 11, output_tokens: 7 },
    });
    const events = [0.000138, 0.000276, 0.000276, 0.0005].flatMap((total) => {
      protocol.beginTurn();
      return protocol.decode(lines(result(total)));
    });
    const perTurn = costs(events).map((c) => Math.round((c ?? NaN) * 1e6));
    assert.deepEqual(perTurn, [138, 138, 0, 224]);
  });

  it('Claude: Allow on an input too deeply nested to echo back denies it with the reason, instead of throwing', () => {
    let input: unknown = { command: 'echo' };
    for (let depth = 0; depth < 100_000; depth++) {
      input = { nested: input };
    }
    const line = new ClaudeProtocol().encodePermission({ requestId: 'req-1', input }, 'allow');
    const sent = JSON.parse(line) as {
      response: { request_id: string; response: { behavior: string; message: string } };
    };
    assert.equal(sent.response.request_id, 'req-1');
    assert.equal(sent.response.response.behavior, 'deny');
    assert.match(sent.response.response.message, /could not pass this tool's input back/);
  });

  it("Claude: a message that follows another's text opens a new paragraph, unless a tool came between", () => {
    const protocol = new ClaudeProtocol();
    const start = { type: 'stream_event', event: { type: 'message_start' } };
    const delta = (text: string): unknown => ({
      type: 'stream_event',
      event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    });
    const said = (text: string): unknown => ({
      type: 'assistant',
      message: { role: 'assistant', content: [{ type: 'text', text }] },
    });
    const tool = { type: 'assistant', message: { content: [{ type: 'tool_use', id: 't1', name: 'LS', input: {} }] } };
    protocol.beginTurn();
    const events = protocol.decode(
      lines(start, delta('```'), said('```'), start, delta('Anything'), delta(' else?'), said('Anything else?')),
    );
    // Run on, the fence would have become "```Anything else?" and swallowed the rest of the reply.
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])),
      ['```', '\n\nAnything', ' else?'],
    );
    protocol.beginTurn();
    const afterTool = protocol.decode(lines(said('first'), tool, said('second'), said('third')));
    assert.deepEqual(
      afterTool.flatMap((e) => (e.type === 'assistant-text' ? [e.text] : [])),
      ['first', 'second', '\n\nthird'],
    );
  });

  it('Claude: a total that went down started afresh, and counts whole', () => {
    const protocol = new ClaudeProtocol();
    const result = (total: number): unknown => ({ type: 'result', subtype: 'success', total_cost_usd: total });
    assert.deepEqual(costs(protocol.decode(lines(result(0.5), result(0.2)))), [0.5, 0.2]);
  });

  it('pi: asks get_state once started, and reads its session file and model as ready', () => {
    const protocol = new PiProtocol(undefined);
    const handshake = JSON.parse(protocol.handshake()) as { type: string; id: string };
    assert.equal(handshake.type, 'get_state');
    const events = protocol.decode(
      lines({
        id: handshake.id,
        type: 'response',
        command: 'get_state',
        success: true,
        data: {
          model: { id: 'mock-model', provider: 'mockllm' },
          sessionFile: '/tmp/s/session.jsonl',
          sessionId: 'abc',
        },
      }),
    );
    assert.deepEqual(events, [{ type: 'ready', resumeId: '/tmp/s/session.jsonl', model: 'mock-model' }]);
    assert.deepEqual(new PiProtocol('/chosen.jsonl').launchArgs('/tmp/s/session.jsonl'), [
      '--mode',
      'rpc',
      '--session',
      '/tmp/s/session.jsonl',
    ]);
    assert.deepEqual(new PiProtocol('/chosen.jsonl').launchArgs(undefined), [
      '--mode',
      'rpc',
      '--session',
      '/chosen.jsonl',
    ]);
  });

  it('pi: a failed get_state is reported, not taken for a session', () => {
    const protocol = new PiProtocol(undefined);
    const id = (JSON.parse(protocol.handshake()) as { id: string }).id;
    const events = protocol.decode(
      lines({ id, type: 'response', command: 'get_state', success: false, error: 'busy' }),
    );
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, 'protocol-error');
  });
});
