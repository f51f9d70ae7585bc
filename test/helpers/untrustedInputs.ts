import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseWorkerDefinition, parseWorkerList } from '../../src/core/definitions/definitionParser';
import { parseProcfile } from '../../src/core/definitions/procfile';
import { DEFAULT_WORKER_DEFAULTS, RESTART_MODES } from '../../src/core/definitions/workerDefinition';
import { checkStatusContents } from '../../src/core/recovery/statusFile';
import { AGENT_KINDS, parseAgentConfig } from '../../src/core/sessions/agentConfig';
import { AgentEvent } from '../../src/core/sessions/protocols/agentEvents';
import { AgentProtocol } from '../../src/core/sessions/protocols/agentProtocol';
import { ClaudeProtocol } from '../../src/core/sessions/protocols/claudeProtocol';
import { DecodedLine, JsonLineDecoder } from '../../src/core/sessions/protocols/jsonLines';
import { LineProtocol } from '../../src/core/sessions/protocols/lineProtocol';
import { PiProtocol } from '../../src/core/sessions/protocols/piProtocol';
import { parseStoredSession } from '../../src/core/sessions/transcripts/storedSession';
import { parseWebviewMessage } from '../../src/shared/sessionProtocol';
import { isObject } from '../../src/shared/untrusted';

/**
 * Every parser of untrusted input, as a property-test target: hostile inputs, biased towards the
 * shapes the parser expects so that its deep paths are reached, and the checks every answer must
 * pass. The unit properties run each one 1,000 times; `npm run fuzz` runs them 100,000 times.
 */

/** Cases per parser in the unit run: enough to reach every field of every shape, cheap on 2 cores. */
export const UNIT_RUNS = 1_000;

/** One generated case: `run` calls the parser and returns the check of its answer, timed apart. */
export interface ParserCase {
  readonly input: unknown;
  readonly run: () => () => void;
}

export interface ParserTarget {
  readonly name: string;
  readonly cases: fc.Arbitrary<ParserCase>;
}

function target<I, O>(
  name: string,
  inputs: fc.Arbitrary<I>,
  parse: (input: I) => O,
  check: (input: I, output: O) => void,
): ParserTarget {
  return {
    name,
    cases: inputs.map((input) => ({
      input,
      run: () => {
        const output = parse(input);
        return () => check(input, output);
      },
    })),
  };
}

// ---- Building blocks ------------------------------------------------------------------------

/** Strings of any code units, lone surrogates, control characters and newlines included. */
export const anyText = fc.string({ unit: 'binary', maxLength: 40 });

/** A value of the wrong kind for almost any field. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, '', ' ', '\n', [], {}),
  anyText,
  fc.jsonValue({ maxDepth: 2 }),
);

/**
 * An object whose fields are mostly well formed, sometimes junk, sometimes absent, with the odd
 * unknown key: the input that reaches every branch of a field-by-field parser.
 */
export function shaped(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, good] of Object.entries(fields)) {
    model[key] = fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: junk });
  }
  return fc
    .tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(anyText, junk, { maxKeys: 1 }))
    .map(([known, extra]) =>
      Object.keys(extra).length > 0 && known.extra === undefined ? { ...extra, ...known } : known,
    );
}

/** Hostile input for an object parser: shaped objects most of the time, anything at all otherwise. */
function hostile(shape: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: shape }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });
}

/** Splits bytes at arbitrary points, as a pipe delivers them. */
export function chunked(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Buffer[]> {
  return fc.tuple(bytes, fc.array(fc.nat(), { maxLength: 6 })).map(([all, cuts]) => {
    const points = [...new Set(cuts.map((cut) => (all.length === 0 ? 0 : cut % all.length)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let start = 0;
    for (const point of [...points, all.length]) {
      chunks.push(Buffer.from(all.subarray(start, point)));
      start = point;
    }
    return chunks;
  });
}

/** A protocol stream: JSON lines of event-like objects mixed with junk lines and raw bytes. */
export function protocolStream(event: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  const line = fc.oneof(
    { weight: 6, arbitrary: event.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: anyText },
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(line, { maxLength: 8 }).map((lines) => Buffer.from(lines.join('\n'))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  );
}

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

/** Error messages are short lines: they go to a log and a notification. */
function checkMessage(message: string, max = 400): void {
  assert.ok(message.length > 0 && message.length <= max, `a message of ${message.length} characters: ${message}`);
  assert.ok(!message.includes('\n'), `a message over several lines: ${message}`);
}

// ---- Agent protocols ------------------------------------------------------------------------

const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined });

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

const claudeLines = target(
  'claude protocol lines',
  chunked(protocolStream(claudeEvent)),
  (chunks) => decodeAll(new ClaudeProtocol(), chunks),
  checkEvents,
);

const piLines = target(
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

const lineLines = target(
  'line protocol output',
  fc.tuple(chunked(fc.uint8Array({ maxLength: 200 })), lineOptions),
  ([chunks, options]) => decodeAll(new LineProtocol(options), chunks),
  ([chunks], events) => checkEvents(chunks, events),
);

const jsonLines = target(
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

// ---- Settings entries -----------------------------------------------------------------------

export const definitionContext = { source: 'settings' as const, defaults: DEFAULT_WORKER_DEFAULTS, baseDir: '/work' };

const restartLimits = {
  maxRestarts: fc.integer({ min: 0, max: 1_000 }),
  windowMs: fc.integer({ min: 1, max: 86_400_000 }),
  backoffBaseMs: fc.integer({ min: 0, max: 3_600_000 }),
  backoffMaxMs: fc.integer({ min: 0, max: 3_600_000 }),
  minUptimeMs: fc.integer({ min: 0, max: 86_400_000 }),
};

/** Well-formed values for each field of a worker definition. */
export const workerFields = {
  id: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
  label: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
  command: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
  args: fc.array(anyText, { maxLength: 3 }),
  cwd: fc.constantFrom('web', '/srv/api', '../up', 'a b'),
  env: fc.dictionary(fc.string({ maxLength: 8 }), anyText, { maxKeys: 3 }),
  shell: fc.boolean(),
  restart: fc.oneof(
    fc.constantFrom(...RESTART_MODES),
    fc.record({ mode: fc.constantFrom(...RESTART_MODES), ...restartLimits }, { requiredKeys: [] }),
  ),
  graceMs: fc.integer({ min: 0, max: 600_000 }),
  healthPatterns: fc.array(fc.constantFrom('ready', '/rate limit/i', 'x+y'), { maxLength: 3 }),
  outputBufferBytes: fc.integer({ min: 1_024, max: 1_073_741_824 }),
  maxRuntimeMs: fc.integer({ min: 1, max: 2_147_483_647 }),
  autoStart: fc.boolean(),
};

function within(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Each message names a field in quotes, or says what the whole entry must be. */
function checkFieldErrors(errors: readonly string[]): void {
  assert.ok(errors.length > 0, 'refused without a reason');
  for (const error of errors) {
    checkMessage(error);
    assert.match(error, /"[^"]*"|^must be an/, `a message that names no field: ${error}`);
  }
}

const settingsEntries = target(
  'settings entries (shepherd.workers)',
  hostile(shaped(workerFields)),
  (raw) => parseWorkerDefinition(raw, definitionContext),
  (_raw, parsed) => {
    if (!parsed.ok) {
      checkFieldErrors(parsed.errors);
      return;
    }
    const definition = parsed.value;
    assert.ok(definition.id !== '' && definition.command.trim() !== '' && path.isAbsolute(definition.cwd));
    assert.ok(Object.values(definition.env).every((value) => typeof value === 'string'));
    assert.ok(RESTART_MODES.includes(definition.restart.mode));
    const { restart } = definition;
    assert.ok(within(definition.graceMs, 0, 600_000) && within(definition.outputBufferBytes, 1_024, 1_073_741_824));
    assert.ok(definition.maxRuntimeMs === undefined || within(definition.maxRuntimeMs, 1, 2_147_483_647));
    assert.ok(within(restart.maxRestarts, 0, 1_000) && within(restart.windowMs, 1, 86_400_000));
    assert.ok(within(restart.backoffBaseMs, 0, 3_600_000) && within(restart.backoffMaxMs, 0, 3_600_000));
    assert.ok(within(restart.minUptimeMs, 0, 86_400_000));
  },
);

const settingsLists = target(
  'settings lists (shepherd.workers)',
  hostile(fc.array(hostile(shaped(workerFields)), { maxLength: 4 })),
  (raw) => parseWorkerList(raw, definitionContext),
  (raw, { definitions, problems }) => {
    const length = Array.isArray(raw) ? raw.length : 1;
    assert.ok(definitions.length + problems.length <= length, 'more results than entries');
    assert.equal(new Set(definitions.map((d) => d.id)).size, definitions.length, 'a repeated id was accepted');
    problems.forEach((problem) => checkFieldErrors(problem.errors));
  },
);

export const agentFields = {
  id: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
  label: workerFields.label,
  kind: fc.constantFrom(...AGENT_KINDS),
  command: workerFields.command,
  args: workerFields.args,
  cwd: workerFields.cwd,
  env: workerFields.env,
  endMarker: fc.constantFrom('>>>', 'END'),
  idleGapMs: fc.integer({ min: 50, max: 600_000 }),
};

const agentEntries = target(
  'agent config (shepherd.agents)',
  hostile(shaped(agentFields)),
  (raw) => parseAgentConfig(raw, '/work'),
  (_raw, parsed) => {
    if (!parsed.ok) {
      checkFieldErrors(parsed.errors);
      return;
    }
    const agent = parsed.value;
    assert.ok(agent.id !== '' && agent.command !== '' && AGENT_KINDS.includes(agent.kind));
    assert.ok(agent.cwd === undefined || path.isAbsolute(agent.cwd));
    assert.ok(within(agent.idleGapMs, 50, 600_000));
  },
);

// ---- Files Shepherd wrote, read back --------------------------------------------------------

const pid = fc.integer({ min: 2, max: 4_194_304 });

export const statusWorker = fc
  .record({
    id: anyText,
    label: anyText,
    state: fc.constantFrom('running', 'stopped', 'backoff'),
    command: anyText,
    pid: maybe(pid),
    startToken: maybe(anyText),
    startedAt: maybe(fc.integer({ min: 0 })),
    restartCount: fc.nat(),
  })
  .map((worker) => ({ ...worker, pgid: worker.pid }));

export const statusContents = fc.record(
  {
    version: fc.constant(1 as const),
    writtenAt: fc.integer({ min: 0 }),
    host: fc.record(
      { pid: fc.integer({ min: 1, max: 4_194_304 }), startToken: maybe(anyText) },
      { noNullPrototype: true },
    ),
    workers: fc.array(statusWorker, { maxLength: 3 }),
  },
  { noNullPrototype: true },
);

/** Shepherd's own output with one value replaced by junk here and there. */
function tampered(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), junk), { maxLength: 2 })).map(([value, edits]) => {
    const copy: unknown = JSON.parse(JSON.stringify(value));
    for (const [choice, replacement] of edits) {
      const slots = objectsIn(copy);
      const slot = slots[choice % slots.length];
      const keys = slot ? Object.keys(slot) : [];
      if (slot && keys.length > 0) {
        slot[keys[choice % keys.length] ?? ''] = replacement;
      }
    }
    return copy;
  });
}

function objectsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    return value.flatMap(objectsIn);
  }
  if (isObject(value)) {
    return [value, ...Object.values(value).flatMap(objectsIn)];
  }
  return [];
}

const statusFile = target(
  'status file',
  fc.oneof({ weight: 4, arbitrary: tampered(statusContents) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }),
  (value) => checkStatusContents(value),
  (_value, checked) => {
    if ('reason' in checked) {
      checkMessage(checked.reason);
      return;
    }
    for (const worker of checked.contents.workers) {
      assert.equal(worker.pgid, worker.pid, 'a pgid that is not its own pid');
      assert.ok(worker.pid === undefined || (Number.isInteger(worker.pid) && worker.pid > 1));
    }
    assert.deepEqual(checkStatusContents(JSON.parse(JSON.stringify(checked.contents))), checked);
  },
);

const textEntry = fc.record(
  {
    kind: fc.constantFrom('user' as const, 'assistant' as const, 'error' as const, 'notice' as const),
    id: fc.nat(),
    at: fc.integer({ min: 0 }),
    text: anyText,
  },
  { noNullPrototype: true },
);

export const transcriptEntry = fc.oneof(
  textEntry,
  fc.record(
    {
      kind: fc.constant('tool' as const),
      id: fc.nat(),
      at: fc.integer({ min: 0 }),
      toolUseId: anyText,
      name: anyText,
      input: anyText,
      output: maybe(anyText),
      isError: fc.boolean(),
    },
    { noNullPrototype: true },
  ),
  fc.record(
    {
      kind: fc.constant('permission' as const),
      id: fc.nat(),
      at: fc.integer({ min: 0 }),
      requestId: anyText,
      toolName: anyText,
      input: anyText,
      description: maybe(anyText),
      decision: maybe(fc.constantFrom('allow' as const, 'deny' as const, 'allow-session' as const)),
    },
    { noNullPrototype: true },
  ),
);

export const storedSession = fc.record(
  {
    version: fc.constant(1 as const),
    id: fc.stringMatching(/^[a-z0-9-]{1,80}$/),
    agentId: anyText,
    title: anyText,
    resumeId: maybe(anyText),
    createdAt: fc.integer({ min: 0 }),
    usage: fc.record(
      { inputTokens: fc.nat(), outputTokens: fc.nat(), costUsd: fc.double({ min: 0, max: 100, noNaN: true }) },
      { noNullPrototype: true },
    ),
    entries: fc.array(transcriptEntry, { maxLength: 4 }),
  },
  { noNullPrototype: true },
);

const storedTranscripts = target(
  'stored transcripts',
  fc.oneof({ weight: 4, arbitrary: tampered(storedSession) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }),
  (value) => parseStoredSession(value),
  (_value, parsed) => {
    if (!parsed.ok) {
      checkMessage(parsed.reason);
      return;
    }
    assert.match(parsed.session.id, /^[a-z0-9-]{1,80}$/);
    assert.deepEqual(parseStoredSession(JSON.parse(JSON.stringify(parsed.session))), parsed);
  },
);

// ---- Webview messages and Procfiles ---------------------------------------------------------

export const webviewMessageShape = shaped({
  // Structured clone carries BigInts and nested values: a type of any kind must be described safely.
  type: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('ready', 'send', 'interrupt', 'permission', 'openLink', 'runCommand') },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withMap: true }) },
  ),
  text: fc.oneof(anyText, fc.constant('x'.repeat(100_001))),
  requestId: anyText,
  decision: fc.constantFrom('allow', 'deny', 'allow-session', 'always'),
  href: anyText,
});

const MESSAGE_KEYS: Record<string, readonly string[]> = {
  ready: ['type'],
  interrupt: ['type'],
  send: ['type', 'text'],
  permission: ['type', 'requestId', 'decision'],
  openLink: ['type', 'href'],
};

const webviewMessages = target(
  'webview messages',
  fc.oneof(
    { weight: 4, arbitrary: webviewMessageShape },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withMap: true }) },
  ),
  (value) => parseWebviewMessage(value),
  (_value, parsed) => {
    if (!parsed.ok) {
      checkMessage(parsed.reason);
      return;
    }
    const keys = MESSAGE_KEYS[parsed.message.type];
    assert.ok(keys, `an accepted message of type ${parsed.message.type}`);
    assert.deepEqual(Object.keys(parsed.message).sort(), [...keys].sort());
    for (const value of Object.values(parsed.message)) {
      assert.equal(typeof value, 'string');
    }
  },
);

export const procfileLine = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), anyText).map(([n, c]) => `${n}: ${c}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '  ', 'web', ': x', 'a b: c', 'web:', '\r') },
  { weight: 1, arbitrary: anyText },
);

export const procfileContext = { baseDir: '/work', defaults: DEFAULT_WORKER_DEFAULTS, idPrefix: 'procfile-work-' };

const procfiles = target(
  'Procfiles',
  fc.array(procfileLine, { maxLength: 8 }).map((lines) => lines.join('\n')),
  (text) => parseProcfile(text, procfileContext),
  (text, { definitions, problems }) => {
    const lines = text.split('\n').length;
    assert.ok(definitions.length + problems.length <= lines, 'more results than lines');
    for (const problem of problems) {
      assert.ok(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lines);
      checkMessage(problem.message);
    }
    assert.equal(new Set(definitions.map((d) => d.id)).size, definitions.length, 'a repeated id was accepted');
    for (const definition of definitions) {
      assert.ok(definition.id.startsWith(procfileContext.idPrefix) && definition.shell && !definition.autoStart);
    }
  },
);

/** Every parser of untrusted input in Shepherd. A new parser belongs here, and so gets fuzzed. */
export const PARSER_TARGETS: readonly ParserTarget[] = [
  claudeLines,
  piLines,
  lineLines,
  jsonLines,
  settingsEntries,
  settingsLists,
  agentEntries,
  statusFile,
  storedTranscripts,
  webviewMessages,
  procfiles,
];

export function targetNamed(name: string): ParserTarget {
  const found = PARSER_TARGETS.find((t) => t.name === name);
  assert.ok(found, `no parser target named ${name}`);
  return found;
}

/** The invariants of one target, checked on `numRuns` generated cases. */
export function assertInvariants(parser: ParserTarget, numRuns = UNIT_RUNS): void {
  fc.assert(
    fc.property(parser.cases, (one) => one.run()()),
    { numRuns },
  );
}
