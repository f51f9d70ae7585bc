import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AcpSignIn } from '../../../../../src/core/sessions/acp/acpSignIn';
import { AcpClientHost, DISK_FILES } from '../../../../../src/core/sessions/acp/clientHost';
import { SignInEvent } from '../../../../../src/core/sessions/sessionEvents';
import { TranscriptStore } from '../../../../../src/core/sessions/transcripts/transcriptStore';
import { assistantTexts, transcriptLines } from '../../../../helpers/agentSessions';
import { fakeAcpAgent, useAcpSessions } from '../../../../helpers/fakeAcp';
import { waitFor } from '../../../../helpers/processes';

const GOOD_KEY = 'sk-good-5f0d1c9e7a';
const BAD_KEY = 'sk-bad-71c3a09e44';

describe('ACP sign-in (authenticate)', function () {
  this.timeout(30_000);
  const acp = useAcpSessions();
  const h = acp.h;

  /** A host whose SecretStorage holds `signIn` (or nothing) for every agent. */
  function hostWith(signIn: () => AcpSignIn | undefined): AcpClientHost {
    return { files: DISK_FILES, isTrusted: () => true, signIns: { get: async () => signIn() } };
  }

  it('offers the agent methods when it wants a sign-in, naming the env variable a key goes in', async () => {
    const { manager, workspace } = await acp.open({ host: hostWith(() => undefined) });
    const asked: SignInEvent[] = [];
    manager.onDidNeedSignIn((event) => asked.push(event));
    const session = await manager.create(fakeAcpAgent({ FAKE_ACP_AUTH_VAR: 'FAKE_API_KEY' }), workspace);
    assert.equal(manager.get(session.id)?.state, 'failed');
    assert.equal(manager.get(session.id)?.needsSignIn, true, 'the failure is a sign-in, not a broken agent');
    assert.match(transcriptLines(manager, session.id), /asks you to sign in \(Fake key, Log in with a browser\)/);
    assert.deepEqual(
      asked.map((event) => [event.session.id, event.methods.map((m) => [m.id, m.apiKeyVar])]),
      [
        [
          session.id,
          [
            ['fake-key', 'FAKE_API_KEY'],
            ['fake-login', undefined],
          ],
        ],
      ],
    );
  });

  it('warms no spare of an agent that waits for a sign-in, and one as soon as it is signed in', async () => {
    let signIn: AcpSignIn | undefined;
    const { manager, workspace } = await acp.open({ host: hostWith(() => signIn), poolSize: 1 });
    const spares: string[] = [];
    h.supervisor.onDidChangeWorker((change) => {
      if (change.kind === 'added' && manager.isWarmSpare(change.view.id)) {
        spares.push(change.view.id);
      }
    });
    const agent = fakeAcpAgent({ FAKE_ACP_AUTH_VAR: 'FAKE_API_KEY' });
    const session = await manager.create(agent, workspace);
    assert.equal(manager.get(session.id)?.needsSignIn, true);
    // A pooled start would be a background task of the manager's: none may be under way or done.
    assert.deepEqual(
      h.tasks.names().filter((name) => /warm pool/.test(name)),
      [],
    );
    assert.equal(spares.join(', '), '', 'no agent was started in the background only to ask for a sign-in');

    signIn = { methodId: 'fake-key', env: { FAKE_API_KEY: GOOD_KEY } };
    await manager.send(session.id, 'hi', workspace);
    assert.deepEqual(assistantTexts(manager, session.id), ['You said: hi']);
    // Ready once its handshake is done, which is when the pool's fill task ends.
    await waitFor('a warm spare of the signed-in agent, ready', () =>
      spares.length === 1 && !h.tasks.names().some((name) => /warm pool/.test(name)) ? true : undefined,
    );
    const second = await manager.create(agent, workspace);
    assert.ok(spares.includes(second.workerId ?? ''), 'the next session takes the spare');
    assert.equal(h.logger.lines.filter((line) => /warm pool/.test(line)).length, 0, h.logger.lines.join('\n'));
  });

  it('hands a stored key to the agent in its env only: never to its terminals, the transcript, the log or the file', async () => {
    let signIn: AcpSignIn = { methodId: 'fake-key', env: { FAKE_API_KEY: BAD_KEY } };
    const store = new TranscriptStore(path.join(h.tempDir, 'transcripts'));
    const { manager, workspace } = await acp.open({ host: hostWith(() => signIn), store });
    const asked: SignInEvent[] = [];
    manager.onDidNeedSignIn((event) => asked.push(event));
    const session = await manager.create(fakeAcpAgent({ FAKE_ACP_AUTH_VAR: 'FAKE_API_KEY' }), workspace);
    assert.equal(asked.length, 1, 'a refused key asks again');
    assert.match(transcriptLines(manager, session.id), /signing in failed/);

    signIn = { methodId: 'fake-key', env: { FAKE_API_KEY: GOOD_KEY } };
    await manager.send(session.id, 'hi there', workspace);
    assert.deepEqual(assistantTexts(manager, session.id), ['You said: hi there']);
    const worker = h.supervisor.get(manager.get(session.id)?.workerId ?? '');
    assert.ok(worker?.envNames.includes('FAKE_API_KEY'), 'the worker lists the variable by name');
    await manager.send(session.id, 'terminal printenv FAKE_API_KEY', workspace);
    assert.match(assistantTexts(manager, session.id)[1] ?? '', /"exitCode":1/, 'the terminal has no key');

    await waitFor('the saved transcript', async () => ((await fs.readdir(store.dir)).length > 0 ? true : undefined));
    await manager.shutdown();
    const saved = await Promise.all(
      (await fs.readdir(store.dir)).map((file) => fs.readFile(path.join(store.dir, file), 'utf8')),
    );
    for (const [where, text] of [
      ['transcript', transcriptLines(manager, session.id)],
      ['saved transcript', saved.join('\n')],
      ['log', h.logger.lines.join('\n')],
      ['worker views', JSON.stringify(h.supervisor.snapshot())],
    ]) {
      assert.ok(!text.includes(GOOD_KEY) && !text.includes(BAD_KEY), `a key is in the ${where}`);
    }
  });
});
