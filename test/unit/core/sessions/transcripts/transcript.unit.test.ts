import * as assert from 'node:assert/strict';
import { ToolCallChange } from '../../../../../src/core/sessions/protocols/agentEvents';
import { Transcript } from '../../../../../src/core/sessions/transcripts/transcript';

function call(toolCallId: string, status: ToolCallChange['status']): ToolCallChange {
  return {
    toolCallId,
    title: `run ${toolCallId}`,
    toolKind: 'execute',
    status,
    rawInput: { command: 'npm test' },
    output: undefined,
    locations: undefined,
    diffs: undefined,
  };
}

describe('Transcript', () => {
  it('settles the tool calls still pending or running when a turn ends, and leaves finished ones alone', () => {
    const transcript = new Transcript((error) => assert.fail(String(error)));
    transcript.upsertToolCall(call('denied', 'pending'));
    transcript.upsertToolCall(call('cut-off', 'in_progress'));
    transcript.upsertToolCall({ ...call('done', 'completed'), output: 'ok' });
    transcript.addToolUse('claude-tool', 'Bash', { command: 'ls' });
    const updates: string[] = [];
    transcript.onDidChange((change) => change.type === 'update' && updates.push(change.entry.kind));

    transcript.settleToolCalls();

    const tools = transcript.list().filter((entry) => entry.kind === 'tool');
    assert.deepEqual(
      tools.map((entry) => entry.kind === 'tool' && [entry.toolUseId, entry.status, entry.isError, entry.output]),
      [
        ['denied', 'failed', true, 'The turn ended before this tool ran.'],
        ['cut-off', 'failed', true, 'The turn ended before this tool ran.'],
        ['done', 'completed', false, 'ok'],
        // A protocol without tool statuses (Claude's stream-json) reports results itself.
        ['claude-tool', undefined, false, undefined],
      ],
    );
    assert.deepEqual(updates, ['tool', 'tool'], 'the panel is told of each settled call');
  });
});
