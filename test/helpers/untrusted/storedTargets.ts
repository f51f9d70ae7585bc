import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkStatusContents } from '../../../src/core/recovery/statusFile';
import { parseStoredSession } from '../../../src/core/sessions/transcripts/storedSession';
import { anyText, maybe, tampered } from './arbitraries';
import { checkMessage, target } from './parserTarget';

/** Files Shepherd wrote and reads back: the status file and stored transcripts. */

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

export const statusFile = target(
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
    kind: fc.constantFrom(
      'user' as const,
      'assistant' as const,
      'thinking' as const,
      'error' as const,
      'notice' as const,
    ),
    id: fc.nat(),
    at: fc.integer({ min: 0 }),
    text: anyText,
  },
  { noNullPrototype: true },
);

const planEntry = fc.record(
  {
    kind: fc.constant('plan' as const),
    id: fc.nat(),
    at: fc.integer({ min: 0 }),
    items: fc.array(
      fc.record(
        {
          content: anyText,
          status: fc.constantFrom('pending' as const, 'in_progress' as const, 'completed' as const),
          priority: fc.constantFrom('high' as const, 'medium' as const, 'low' as const),
        },
        { noNullPrototype: true },
      ),
      { maxLength: 3 },
    ),
  },
  { noNullPrototype: true },
);

export const transcriptEntry = fc.oneof(
  textEntry,
  planEntry,
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
    closedAt: fc.integer({ min: 0 }),
    renamed: fc.boolean(),
    dailyUsage: fc.array(
      fc.record(
        {
          day: fc
            .date({ min: new Date(2000, 0, 1), max: new Date(2099, 11, 31), noInvalidDate: true })
            .map((date) => date.toISOString().slice(0, 10)),
          inputTokens: fc.nat(),
          outputTokens: fc.nat(),
          costUsd: fc.double({ min: 0, max: 100, noNaN: true }),
        },
        { noNullPrototype: true },
      ),
      { maxLength: 3 },
    ),
  },
  {
    noNullPrototype: true,
    // Optional fields are absent, not undefined, in what Shepherd writes and reads back (older versions
    // have no dailyUsage at all).
    requiredKeys: ['version', 'id', 'agentId', 'title', 'resumeId', 'createdAt', 'usage', 'entries'],
  },
);

export const storedTranscripts = target(
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
