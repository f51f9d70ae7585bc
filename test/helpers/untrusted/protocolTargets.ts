import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AgentEvent } from '../../../src/core/sessions/protocols/agentEvents';
import { AgentProtocol } from '../../../src/core/sessions/protocols/agentProtocol';
import { ClaudeProtocol } from '../../../src/core/sessions/protocols/claudeProtocol';
import { DecodedLine, JsonLineDecoder } from '../../../src/core/sessions/protocols/jsonLines';
import { LineProtocol } from '../../../src/core/sessions/protocols/lineProtocol';
import { PiProtocol } from '../../../src/core/sessions/protocols/piProtocol';
import { anyText, chunked, maybe, protocolStream, shaped } from './arbitraries';
import { checkMessage, target } from './parserTarget';

/** Agent protocol decoders and the JSON-lines framing under them. */

function totalChars(events: readonly AgentEvent[]): number {
  return events.reduce((sum, event) => sum + JSON.stringify({ ...event, input: undefined }).length, 0);
}

/** Every event one of the AgentEvent shapes, with fields of the declared types. */
export function checkAgentEvent(event: AgentEvent): void {
  const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
  switch (event.type) {
    case 'ready':
      assert.ok(optionalString(event.resumeId) && optionalString(event.model));
      return;
    case 'text-delta':
    case 'assistant-text':
      assert.equal(typeof event.text, 'string');
      assert.notEqual(event.text, '', 'an empty text event');
      return;
    case 'tool-use':
      assert.ok(typeof event.toolUseId === 'string' && typeof event.name === 'string');
      return;
    case 'tool-result':
      assert.ok(typeof event.toolUseId === 'string' && typeof event.output === 'string');
      assert.equal(typeof event.isError, 'boolean');
      return;
    case 'permission-request':
      assert.ok(typeof event.requestId === 'string' && event.requestId !== '' && typeof event.toolName === 'string');
      assert.ok(optionalString(event.description));
      return;
    case 'turn-end':
      assert.ok(['success', 'error', 'interrupted'].includes(event.outcome));
      assert.ok(optionalString(event.message));
      assert.ok(event.costUsd === undefined || Number.isFinite(event.costUsd));
      assert.ok(
        event.usage === undefined ||
          (Number.isFinite(event.usage.inputTokens) && Number.isFinite(event.usage.outputTokens)),
      );
      return;
    case 'protocol-error':
      assert.ok(event.reason.length > 0 && event.reason.length <= 200, event.reason);
      assert.ok(event.excerpt.length <= 121, `an excerpt of ${event.excerpt.length} characters`);
      return;
    default:
      assert.fail(`an event of unknown type ${JSON.stringify(event)}`);
  }
}

/** Feeds the chunks to a fresh protocol, then ends the stream. */
export function decodeAll(protocol: AgentProtocol, chunks: readonly Buffer[]): AgentEvent[] {
  return [...chunks.flatMap((chunk) => protocol.decode(chunk)), ...protocol.endOfStream()];
}

function checkEvents(chunks: readonly Buffer[], events: readonly AgentEvent[]): void {
  events.forEach(checkAgentEvent);
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  // Numbers grow when re-printed ("1e20" is 21 digits), and each event adds its own few words.
  assert.ok(events.length <= bytes + 1, `${events.length} events from ${bytes} bytes`);
  assert.ok(totalChars(events) <= 8 * bytes + 256 * events.length + 256, 'the events outgrow their input');
}

const contentBlock = shaped({
  type: fc.constantFrom('text', 'tool_use', 'tool_result', 'image'),
  text: anyText,
  id: anyText,
  name: anyText,
  input: fc.jsonValue({ maxDepth: 2 }),
  tool_use_id: anyText,
  content: fc.oneof(anyText, fc.array(shaped({ type: fc.constant('text'), text: anyText }), { maxLength: 3 })),
  is_error: fc.boolean(),
});

export const claudeEvent = shaped({
  type: fc.constantFrom('system', 'stream_event', 'assistant', 'user', 'result', 'control_request', 'other'),
  subtype: fc.constantFrom('init', 'success', 'error_during_execution', 'can_use_tool'),
  session_id: anyText,
  model: anyText,
  event: shaped({
    type: fc.constantFrom('message_start', 'content_block_delta'),
    delta: shaped({ type: fc.constant('text_delta'), text: anyText }),
  }),
  message: shaped({ role: fc.constantFrom('assistant', 'user'), content: fc.array(contentBlock, { maxLength: 3 }) }),
  is_error: fc.boolean(),
  result: anyText,
  errors: fc.array(anyText, { maxLength: 2 }),
  usage: shaped({ input_tokens: fc.nat(), output_tokens: fc.nat(), cache_read_input_tokens: fc.nat() }),
  total_cost_usd: fc.double({ min: 0, max: 10, noNaN: true }),
  request_id: anyText,
  request: shaped({
    subtype: fc.constant('can_use_tool'),
    tool_name: anyText,
    input: fc.jsonValue({ maxDepth: 2 }),
    description: anyText,
  }),
});

export const piEvent = shaped({
  type: fc.constantFrom(
    'response',
    'message_update',
    'message_end',
    'tool_execution_start',
    'tool_execution_end',
    'agent_end',
  ),
  id: fc.constantFrom('shepherd-get-state', '1'),
  command: fc.constantFrom('get_state', 'prompt', 'abort'),
  success: fc.boolean(),
  error: anyText,
  data: shaped({ sessionFile: anyText, model: shaped({ id: anyText }) }),
  assistantMessageEvent: shaped({ type: fc.constant('text_delta'), delta: anyText }),
  message: shaped({
    role: fc.constant('assistant'),
    stopReason: fc.constantFrom('stop', 'error', 'aborted'),
    errorMessage: anyText,
    usage: shaped({ input: fc.nat(), output: fc.nat(), cacheRead: fc.nat(), cost: shaped({ total: fc.double() }) }),
  }),
  toolCallId: anyText,
  toolName: anyText,
  args: fc.jsonValue({ maxDepth: 2 }),
  result: fc.oneof(shaped({ content: anyText }), anyText),
  isError: fc.boolean(),
});

export const claudeLines = target(
  'claude protocol lines',
  chunked(protocolStream(claudeEvent)),
  (chunks) => decodeAll(new ClaudeProtocol(), chunks),
  checkEvents,
);

export const piLines = target(
  'pi protocol lines',
  chunked(protocolStream(piEvent)),
  (chunks) => decodeAll(new PiProtocol(undefined), chunks),
  checkEvents,
);

export const lineOptions = fc.record({
  // Never empty: the agent config refuses an empty marker.
  endMarker: maybe(fc.constantFrom('>>>', 'END', 'ok')),
  idleGapMs: fc.constant(1_500),
});

export const lineLines = target(
  'line protocol output',
  fc.tuple(chunked(fc.uint8Array({ maxLength: 200 })), lineOptions),
  ([chunks, options]) => decodeAll(new LineProtocol(options), chunks),
  ([chunks], events) => checkEvents(chunks, events),
);

export const jsonLines = target(
  'JSON lines framing',
  chunked(protocolStream(fc.jsonValue({ maxDepth: 3 }))),
  (chunks) => {
    const decoder = new JsonLineDecoder();
    return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
  },
  (chunks, lines: DecodedLine[]) => {
    const text = Buffer.concat(chunks).toString('utf8');
    assert.ok(lines.length <= text.split('\n').length, 'more lines than the input has');
    for (const line of lines) {
      if (line.ok) {
        assert.ok(!line.raw.includes('\n'));
        assert.deepEqual(JSON.parse(line.raw), line.value);
      } else {
        checkMessage(line.reason);
        assert.ok(line.excerpt.length <= 121);
      }
    }
  },
);
