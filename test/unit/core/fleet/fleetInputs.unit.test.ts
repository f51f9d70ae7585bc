import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { newNonce, signCommand, verifyCommand } from '../../../../src/core/fleet/commandSigning';
import { checkCommand } from '../../../../src/core/fleet/commandCheck';
import { parseFleetSettings } from '../../../../src/core/fleet/fleetSettings';
import { buildHeartbeat, MAX_PUBLISHED_WORKERS } from '../../../../src/core/fleet/heartbeat';
import { parseHeartbeat } from '../../../../src/core/fleet/heartbeatParser';
import { NonceBook } from '../../../../src/core/fleet/nonceBook';
import { WorkerView } from '../../../../src/core/workers/workerView';

function view(id: string, commandLine: string): WorkerView {
  return {
    id,
    label: id,
    source: 'settings',
    state: 'running',
    health: 'ok',
    commandLine,
    cwd: '/srv/secret-project',
    envNames: ['API_KEY'],
    pid: 42,
    pgid: 42,
    startedAt: Date.now() - 1_000,
    cpuPercent: 1,
    rssBytes: 1_000,
    processCount: 1,
    lastExit: undefined,
    restartCount: 0,
    lastHealthMatch: undefined,
    message: undefined,
    lastLines: [],
    killAt: undefined,
    nextRestartAt: undefined,
    droppedLines: 0,
    definitionChanged: false,
    localUrls: [],
    sessionState: undefined,
  };
}

const identity = {
  hostId: 'box',
  machine: 'box',
  role: 'peer' as const,
  name: 'box',
  version: '1',
  intervalMs: 5_000,
  remoteControl: false,
  shareCommandLines: false,
};

describe('fleet settings', () => {
  it('is off without a URL, and reads the defaults', () => {
    assert.deepEqual(parseFleetSettings({}), { kind: 'off' });
    const parsed = parseFleetSettings({ redisUrl: 'rediss://cache.example:6380/2' });
    assert.equal(parsed.kind, 'ok');
    if (parsed.kind === 'ok') {
      assert.equal(parsed.settings.namespace, 'shepherd');
      assert.equal(parsed.settings.heartbeatSeconds, 5);
      assert.equal(parsed.settings.allowRemoteControl, false);
      assert.equal(parsed.settings.shareCommandLines, false);
    }
  });

  it('refuses a password in the URL and says where it goes instead', () => {
    const parsed = parseFleetSettings({ redisUrl: 'redis://admin:hunter2@cache:6379' });
    assert.equal(parsed.kind, 'invalid');
    const message = parsed.kind === 'invalid' ? parsed.errors.join(' ') : '';
    assert.match(message, /holds a password/);
    assert.match(message, /Connect to Fleet/);
    assert.ok(!message.includes('hunter2'), 'the message must not repeat the password');
  });

  it('names every bad field: scheme, namespace with glob characters, heartbeat out of range', () => {
    const parsed = parseFleetSettings({ redisUrl: 'http://cache', namespace: 'a*b', heartbeatSeconds: 0 });
    assert.equal(parsed.kind, 'invalid');
    const errors = parsed.kind === 'invalid' ? parsed.errors.join('\n') : '';
    assert.match(errors, /redis:\/\/ or rediss:\/\//);
    assert.match(errors, /"namespace"/);
    assert.match(errors, /"heartbeatSeconds"/);
  });
});

describe('heartbeats', () => {
  it('publish the program name only, never env, cwd or arguments, unless command lines are shared', () => {
    const workers = [view('api', '/usr/bin/node server.js --token •••')];
    const text = JSON.stringify(buildHeartbeat(identity, workers, []));
    assert.equal(buildHeartbeat(identity, workers, []).workers[0].command, 'node');
    for (const hidden of ['server.js', 'secret-project', 'API_KEY', '--token']) {
      assert.ok(!text.includes(hidden), `the heartbeat holds ${hidden}`);
    }
    const shared = buildHeartbeat({ ...identity, shareCommandLines: true }, workers, []);
    assert.equal(shared.workers[0].command, '/usr/bin/node server.js --token •••');
  });

  it('are bounded, and read back as written', () => {
    const workers = Array.from({ length: MAX_PUBLISHED_WORKERS + 10 }, (_, i) => view(`w${i}`, 'sleep 1'));
    const heartbeat = buildHeartbeat(identity, workers, []);
    assert.equal(heartbeat.workers.length, MAX_PUBLISHED_WORKERS);
    assert.equal(heartbeat.omitted, 10);
    const parsed = parseHeartbeat(JSON.stringify(heartbeat), false);
    assert.deepEqual(parsed, { ok: true, heartbeat });
  });

  it('never throws on any input, and whatever it accepts is within the bounds', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const parsed = parseHeartbeat(text, false);
          if (parsed.ok) {
            assert.ok(parsed.heartbeat.workers.length <= MAX_PUBLISHED_WORKERS);
          } else {
            assert.ok(parsed.reason.length > 0);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('command signatures and checks', () => {
  const secret = 'fleet-secret';
  const claims = {
    namespace: 'ns',
    targetHost: 'box',
    workerId: 'web',
    action: 'stop',
    nonce: newNonce(),
    issuedAt: Date.now(),
  };

  it('a signature covers every claim', () => {
    const sig = signCommand(secret, claims);
    assert.ok(verifyCommand(secret, claims, sig));
    for (const key of Object.keys(claims) as Array<keyof typeof claims>) {
      const changed = { ...claims, [key]: typeof claims[key] === 'number' ? 1 : 'other' };
      assert.ok(!verifyCommand(secret, changed, sig), `${key} is not covered`);
    }
    assert.ok(!verifyCommand('other-secret', claims, sig));
  });

  it('a redelivered entry is recognised, a copied one is a replay', () => {
    const book = new NonceBook();
    assert.equal(book.claim('n1', '1-0', 0).kind, 'new');
    assert.equal(book.claim('n1', '1-0', 1).kind, 'redelivered');
    assert.equal(book.claim('n1', '2-0', 2).kind, 'replayed');
    assert.equal(book.claim('n1', '3-0', 10 * 60_000).kind, 'new', 'forgotten once older than the age limit');
  });

  it('refuses any entry of random fields, and never throws', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (fields) => {
        const result = checkCommand('1-0', fields, {
          namespace: 'ns',
          selfHostId: 'box',
          secret,
          allowRemoteControl: true,
          now: Date.now(),
          nonces: new NonceBook(),
          hasWorker: () => true,
        });
        assert.equal(result.kind, 'refused');
      }),
      { numRuns: 1_000 },
    );
  });
});
