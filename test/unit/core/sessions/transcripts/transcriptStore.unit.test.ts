import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoredSession } from '../../../../../src/core/sessions/transcripts/storedSession';
import { TranscriptStore } from '../../../../../src/core/sessions/transcripts/transcriptStore';

function stored(id: string, createdAt: number): StoredSession {
  return {
    version: 1,
    id,
    agentId: 'demo',
    title: id,
    resumeId: undefined,
    createdAt,
    usage: { inputTokens: 1, outputTokens: 2, costUsd: 0 },
    entries: [{ kind: 'user', id: 1, at: createdAt, text: 'hello' }],
  };
}

describe('TranscriptStore', () => {
  let dir = '';

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-transcripts-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads back what it saved, oldest first', async () => {
    const store = new TranscriptStore(dir);
    await store.save(stored('later', 2), []);
    await store.save(stored('first', 1), []);
    const { sessions, problems } = await store.loadAll();
    assert.deepEqual(problems, []);
    assert.deepEqual(sessions, [stored('first', 1), stored('later', 2)]);
  });

  it('reads back thinking and plan entries, and names a bad plan item', async () => {
    // A session whose agent thought aloud or made a plan used to be refused whole on restore.
    const store = new TranscriptStore(dir);
    const session: StoredSession = {
      ...stored('thinker', 1),
      entries: [
        { kind: 'thinking', id: 1, at: 1, text: 'let me see' },
        { kind: 'plan', id: 2, at: 2, items: [{ content: 'test', status: 'in_progress', priority: 'high' }] },
      ],
      closedAt: 5,
      renamed: true,
    };
    await store.save(session, []);
    const badPlan = { ...stored('bad-plan', 2), entries: [{ kind: 'plan', id: 1, at: 2, items: [{ content: 'x' }] }] };
    await fs.writeFile(path.join(dir, 'bad-plan.json'), JSON.stringify(badPlan));
    const { sessions, problems } = await store.loadAll();
    assert.deepEqual(sessions, [session]);
    assert.deepEqual(problems, ['bad-plan.json: entries[0]: items[0]: "status" is required']);
  });

  it("reads back an ACP tool call's kind, status, locations and diffs, and the agent's permission answers", async () => {
    // A panel revived after a reload used to lose them: they were dropped when the transcript was read.
    const store = new TranscriptStore(dir);
    const session: StoredSession = {
      ...stored('acp', 1),
      entries: [
        {
          kind: 'permission',
          id: 1,
          at: 1,
          requestId: 'r1',
          toolName: 'Edit notes.txt',
          input: '{}',
          description: undefined,
          decision: 'allow',
          choices: [
            { decision: 'allow', label: 'Allow once' },
            { decision: 'deny', label: 'Reject' },
          ],
        },
        {
          kind: 'tool',
          id: 2,
          at: 2,
          toolUseId: 't1',
          name: 'Edit notes.txt',
          input: '{}',
          output: undefined,
          isError: false,
          toolKind: 'edit',
          status: 'completed',
          locations: [
            { path: '/w/notes.txt', line: 3 },
            { path: '/w/other.txt', line: undefined },
          ],
          diffs: [{ path: '/w/notes.txt', oldText: undefined, newText: 'edited\n' }],
        },
      ],
    };
    await store.save(session, []);
    const badTool = {
      ...stored('bad-tool', 2),
      entries: [
        { kind: 'tool', id: 1, at: 2, toolUseId: 't', name: 'x', input: '', isError: false, locations: [{ line: 2 }] },
      ],
    };
    await fs.writeFile(path.join(dir, 'bad-tool.json'), JSON.stringify(badTool));
    const { sessions, problems } = await store.loadAll();
    assert.deepEqual(sessions, [session]);
    assert.deepEqual(problems, ['bad-tool.json: entries[0]: locations[0]: "path" is required']);
  });

  it('refuses a transcript with a malformed entry, naming it, and still loads the others', async () => {
    const store = new TranscriptStore(dir);
    await store.save(stored('good', 1), []);
    // Restoring an entry without text used to throw in the middle of the restore, losing every session.
    const bad = { ...stored('bad', 2), entries: [{ kind: 'user', id: 1, at: 2 }] };
    await fs.writeFile(path.join(dir, 'bad.json'), JSON.stringify(bad));
    await fs.writeFile(path.join(dir, 'id.json'), JSON.stringify({ ...stored('x', 3), id: '../escape' }));
    await fs.writeFile(path.join(dir, 'null.json'), 'null');
    const { sessions, problems } = await store.loadAll();
    assert.deepEqual(
      sessions.map((s) => s.id),
      ['good'],
    );
    assert.deepEqual(problems.sort(), [
      'bad.json: entries[0]: "text" is required',
      'id.json: "id" must be 1 to 80 lower-case letters, digits and dashes',
      'null.json: not a Shepherd transcript (no object with "version": 1)',
    ]);
  });

  it('reads a worktree record field by field and refuses one that lacks a field, naming it', async () => {
    const store = new TranscriptStore(dir);
    const worktree = {
      repoRoot: '/r',
      path: '/r.worktrees/x',
      branch: 'shepherd/x',
      baseCommit: 'c0ffee',
      baseLabel: 'main',
    };
    await store.save({ ...stored('placed', 1), cwd: '/r.worktrees/x', worktree }, []);
    const { branch: _dropped, ...partial } = worktree;
    await fs.writeFile(path.join(dir, 'partial.json'), JSON.stringify({ ...stored('partial', 2), worktree: partial }));
    await fs.writeFile(path.join(dir, 'text.json'), JSON.stringify({ ...stored('text', 3), worktree: 'main' }));
    const { sessions, problems } = await store.loadAll();
    assert.deepEqual(sessions, [{ ...stored('placed', 1), cwd: '/r.worktrees/x', worktree }]);
    assert.deepEqual(problems.sort(), [
      'partial.json: worktree: "branch" is required',
      'text.json: "worktree" must be an object with "repoRoot", "path", "branch", "baseCommit", "baseLabel"',
    ]);
  });
});
