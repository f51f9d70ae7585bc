import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoredSession } from '../../../../../src/core/sessions/transcripts/storedSession';
import {
  MAX_HISTORY_SESSIONS,
  TranscriptHistory,
} from '../../../../../src/core/sessions/transcripts/transcriptHistory';
import { TranscriptStore } from '../../../../../src/core/sessions/transcripts/transcriptStore';

function stored(id: string, at: number, text: string, extra: Partial<StoredSession> = {}): StoredSession {
  return {
    version: 1,
    id,
    agentId: 'demo',
    title: `title of ${id}`,
    resumeId: undefined,
    createdAt: at,
    usage: { inputTokens: 10, outputTokens: 20, costUsd: 0.5 },
    entries: [
      { kind: 'user', id: 1, at, text },
      { kind: 'assistant', id: 2, at: at + 5, text: 'sure' },
    ],
    cwd: '/work/project',
    ...extra,
  };
}

describe('TranscriptHistory', () => {
  let dir = '';
  let store: TranscriptStore;
  let history: TranscriptHistory;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-history-'));
    store = new TranscriptStore(dir);
    history = new TranscriptHistory(store);
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists open and closed sessions newest first, with agent, folder, usage per day and when they closed', async () => {
    await store.save(stored('old', 1_000, 'first'), []);
    const daily = [{ day: '2026-12-01', inputTokens: 10, outputTokens: 20, costUsd: 0.5 }];
    await store.save(stored('new', 3_000, 'third', { closedAt: 4_000, resumeId: 'r-1', dailyUsage: daily }), []);
    await store.save(stored('mid', 2_000, 'second'), []);
    await fs.writeFile(path.join(dir, 'broken.json'), '{');
    const { items, problems } = await history.list();
    assert.deepEqual(
      items.map((item) => [item.id, item.lastAt, item.closedAt, item.hasResumeId]),
      [
        ['new', 3_005, 4_000, true],
        ['mid', 2_005, undefined, false],
        ['old', 1_005, undefined, false],
      ],
    );
    assert.equal(items[0]?.cwd, '/work/project');
    assert.deepEqual(items[0]?.usage, { inputTokens: 10, outputTokens: 20, costUsd: 0.5 });
    // The usage view charts closed sessions per day from these.
    assert.deepEqual(items[0]?.dailyUsage, daily);
    assert.deepEqual(items[1]?.dailyUsage, [], 'a transcript without per-day records');
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^broken\.json: /);
  });

  it('finds a word from an old transcript, ignoring case, with a one-line snippet around it', async () => {
    const long = `${'before '.repeat(20)}the Zanzibar\nplan ${'after '.repeat(20)}`;
    await store.save(stored('old', 1_000, long, { closedAt: 1_500 }), []);
    await store.save(stored('other', 2_000, 'nothing to see'), []);
    const result = await history.search('zanzibar');
    assert.deepEqual(
      result.hits.map((hit) => hit.id),
      ['old'],
    );
    const snippet = result.hits[0]?.snippet ?? '';
    assert.match(snippet, /^….*the Zanzibar plan.*…$/);
    assert.doesNotMatch(snippet, /\n/);
    assert.equal(result.truncated, false);
  });

  it('treats the query as text, not as a pattern, and finds nothing for blanks', async () => {
    await store.save(stored('a', 1_000, 'costs (a lot) here'), []);
    await store.save(stored('b', 2_000, 'she said "hi\\there"'), []);
    assert.equal((await history.search('(a lot)')).hits.length, 1);
    // Quotes and backslashes are escaped in the file: the search still finds them in the text.
    assert.deepEqual(
      (await history.search('"HI\\there"')).hits.map((hit) => hit.snippet),
      ['she said "hi\\there"'],
    );
    assert.equal((await history.search('.*')).hits.length, 0);
    assert.equal((await history.search('   ')).hits.length, 0);
  });

  it('keeps the newest closed sessions past the bound and never deletes an open one', async function () {
    this.timeout(60_000);
    const extra = 3;
    for (let i = 0; i < MAX_HISTORY_SESSIONS + extra; i++) {
      await store.save(stored(`closed-${i}`, i, 'x', { closedAt: 10_000 + i }), []);
    }
    await store.save(stored('open-old', 0, 'x'), []);
    const { removed, problems } = await history.prune();
    assert.deepEqual(removed.sort(), ['closed-0', 'closed-1', 'closed-2']);
    assert.deepEqual(problems, []);
    const left = await fs.readdir(dir);
    assert.ok(left.includes('open-old.json'));
    assert.equal(left.length, MAX_HISTORY_SESSIONS + 1);
  });
});
