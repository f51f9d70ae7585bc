import * as assert from 'node:assert/strict';
import { SessionView } from '../../../../src/shared/sessionModel';
import { WorkerView } from '../../../../src/core/workers/workerView';
import {
  describeWorker,
  formatBytes,
  formatDuration,
  groupOf,
  killCountdown,
  shortWorkerName,
  workerContextValue,
} from '../../../../src/ui/workers/workerFormat';

function view(overrides: Partial<WorkerView>): WorkerView {
  return {
    id: 'api',
    label: 'api',
    source: 'settings',
    state: 'stopped',
    health: 'ok',
    commandLine: 'node api.js',
    cwd: '/w',
    envNames: [],
    pid: undefined,
    pgid: undefined,
    startedAt: undefined,
    cpuPercent: undefined,
    rssBytes: undefined,
    processCount: undefined,
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
    ...overrides,
  };
}

const noFlags = { removable: false, restricted: false, session: undefined };

describe('workerFormat', () => {
  it('formats durations with at most two units', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(42_900), '42s');
    assert.equal(formatDuration(192_000), '3m 12s');
    assert.equal(formatDuration(3_600_000), '1h');
    assert.equal(formatDuration(2 * 3_600_000 + 5 * 60_000 + 7_000), '2h 5m');
    assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d 4h');
    assert.equal(formatDuration(-5), '0s');
  });

  it('formats bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(45 * 1024 * 1024), '45 MB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GB');
  });

  it('describes a running worker by its state and uptime only; pid, CPU and memory are for the tooltip', () => {
    const running = view({
      state: 'running',
      pid: 4242,
      startedAt: 1_000,
      cpuPercent: 1.25,
      rssBytes: 120 * 1024 * 1024,
    });
    assert.equal(describeWorker(running, 1_000 + 192_000, false), 'running · 3m 12s');
    assert.equal(describeWorker(view({ state: 'starting', pid: 7 }), 5_000, false), 'starting');
  });

  it('counts down to SIGKILL while a worker stops', () => {
    const stopping = view({ state: 'stopping', pid: 9, killAt: 10_000 });
    assert.equal(describeWorker(stopping, 7_500, false), 'stopping · SIGKILL in 3 s');
    assert.equal(describeWorker(stopping, 9_001, false), 'stopping · SIGKILL in 1 s');
    assert.equal(describeWorker(stopping, 10_000, false), 'stopping · killing');
    assert.equal(killCountdown(12_000, 10_000), 'SIGKILL in 2 s');
  });

  it('describes a worker without a process by its state and exit', () => {
    assert.equal(
      describeWorker(view({ state: 'crashed', lastExit: { code: 2, signal: null, at: 0 } }), 0, false),
      'crashed · exit code 2',
    );
    assert.equal(
      describeWorker(view({ state: 'exited', lastExit: { code: null, signal: 'SIGTERM', at: 0 } }), 0, false),
      'exited · killed by SIGTERM',
    );
    assert.equal(describeWorker(view({ state: 'backoff' }), 0, false), 'waiting to restart');
    assert.equal(
      describeWorker(view({ state: 'backoff', nextRestartAt: 3_000 }), 0, false),
      'waiting to restart · in 3s',
    );
  });

  it('adds degraded, pending changes and missing trust', () => {
    const described = describeWorker(
      view({ state: 'stopping', pid: 9, health: 'degraded', definitionChanged: true }),
      0,
      true,
    );
    assert.equal(described, 'stopping · degraded · restart to apply changes · needs workspace trust');
  });

  it('builds a context value of whole words that menus can match', () => {
    assert.equal(
      workerContextValue(view({ state: 'running', pid: 1 }), noFlags),
      'worker;running;ok;settings;stoppable;restartable;haspid;',
    );
    assert.equal(
      workerContextValue(view({ state: 'running', pid: 1, localUrls: ['http://localhost:3000'] }), noFlags),
      'worker;running;ok;settings;stoppable;restartable;haspid;url;',
      'a worker that printed a local URL offers Open in Browser',
    );
    assert.equal(
      workerContextValue(view({ state: 'failed', source: 'adhoc' }), {
        removable: true,
        restricted: false,
        session: undefined,
      }),
      'worker;failed;ok;adhoc;startable;restartable;removable;',
    );
    assert.equal(
      workerContextValue(view({}), { removable: false, restricted: true, session: undefined }),
      'worker;stopped;ok;settings;startable;restricted;',
    );
  });

  it('marks the worker of an agent session so the tree offers Open Session', () => {
    const session: SessionView = {
      id: 's1',
      title: 'Demo 1',
      agentId: 'demo',
      agentLabel: 'Demo agent',
      isDemo: true,
      state: 'busy',
      model: undefined,
      workerId: 'session-s1-1',
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      lastActivity: 0,
      createdAt: 0,
      message: undefined,
      canResume: true,
    };
    assert.match(
      workerContextValue(view({ state: 'running', pid: 1, source: 'session' }), {
        removable: false,
        restricted: false,
        session,
      }),
      /;session;$/,
    );
  });

  it('groups by source, by state, or not at all', () => {
    assert.deepEqual(groupOf(view({ source: 'procfile' }), 'source'), { key: 'procfile', label: 'Procfile' });
    assert.equal(groupOf(view({ state: 'backoff' }), 'state')?.key, 'attention');
    assert.equal(groupOf(view({ state: 'stopping' }), 'state')?.key, 'running');
    assert.equal(groupOf(view({ state: 'exited' }), 'state')?.key, 'stopped');
    assert.equal(groupOf(view({}), 'none'), undefined);
  });

  it('gives a typed command a short name: the program and its first argument', () => {
    assert.equal(shortWorkerName('npm run dev'), 'npm run');
    assert.equal(shortWorkerName('"/usr/bin/node" "/srv/app/server.js" --port 3000'), 'node server.js');
    assert.equal(shortWorkerName('PORT=3000 DEBUG=1 python3 -m http.server | tee log'), 'python3 -m');
    assert.equal(shortWorkerName('htop'), 'htop');
  });
});
