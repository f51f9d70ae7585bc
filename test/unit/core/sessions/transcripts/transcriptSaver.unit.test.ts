import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TaskRegistry } from '../../../../../src/core/base/taskRegistry';
import { TranscriptSaver } from '../../../../../src/core/sessions/transcripts/transcriptSaver';
import { StoredSession } from '../../../../../src/core/sessions/transcripts/storedSession';
import { TranscriptStore } from '../../../../../src/core/sessions/transcripts/transcriptStore';
import { RecordingLogger } from '../../../../helpers/supervisorFixture';

const SESSION_ID = 'saver-test';

function snapshot(title: string): StoredSession {
  return {
    version: 1,
    id: SESSION_ID,
    agentId: 'fake',
    title,
    resumeId: undefined,
    createdAt: 1,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    entries: [],
  };
}

describe('TranscriptSaver', () => {
  let dir = '';
  let store: TranscriptStore;
  let saver: TranscriptSaver;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-saver-'));
    store = new TranscriptStore(dir);
    saver = new TranscriptSaver(store, new TaskRegistry(new RecordingLogger()));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs every queued save, each reading the session when it starts rather than when queued', async () => {
    let title = 'first';
    const started: string[] = [];
    for (const next of ['second', 'third', 'last']) {
      saver.save(
        SESSION_ID,
        () => {
          started.push(title);
          return snapshot(title);
        },
        () => [],
      );
      title = next;
    }
    await saver.flush();
    // No save starts before the caller's code has run on: each writes the session as it is by then.
    assert.deepEqual(started, ['last', 'last', 'last']);
    const { sessions } = await store.loadAll();
    assert.deepEqual(
      sessions.map((s) => s.title),
      ['last'],
    );
  });

  it('settles a session once its queued saves landed, the last one winning', async () => {
    for (let i = 0; i < 5; i++) {
      saver.save(
        SESSION_ID,
        () => snapshot(`save ${i}`),
        () => ['unused-secret'],
      );
    }
    await saver.settled(SESSION_ID);
    const { sessions } = await store.loadAll();
    assert.deepEqual(
      sessions.map((s) => s.title),
      ['save 4'],
    );
  });
});
