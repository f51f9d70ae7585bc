import * as assert from 'node:assert/strict';
import { SessionView } from '../../../../src/shared/sessionModel';
import { WorkerView } from '../../../../src/core/workers/workerView';
import {
  describeWorker,
  formatBytes,
  formatDuration,
  groupOf,
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

  it('describes a running worker by pid, uptime, CPU and memory', () => {
    const running = view({
      state: 'running',
      pid: 4242,
      startedAt: 1_000,
      cpuPercent: 1.25,
      rssBytes: 120 * 1024 * 1024,
    });
    assert.equal(describeWorker(running, 1_000 + 192_000, false), 'pid 4242 · 3m 12s · 1.3% CPU · 120 MB');
  });

  it('leaves out what is not known yet', () => {
    assert.equal(describeWorker(view({ state: 'running', pid: 7, startedAt: 0 }), 5_000, false), 'pid 7 · 5s');
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
  });

  it('adds degraded, pending changes and missing trust', () => {
    const described = describeWorker(
      view({ state: 'stopping', pid: 9, health: 'degraded', definitionChanged: true }),
      0,
      true,
    );
    assert.equal(described, 'stopping · pid 9 · degraded · restart to apply changes · needs workspace trust');
  });

  it('builds a context value of whole words that menus can match', () => {
    assert.equal(
      workerContextValue(view({ state: 'running', pid: 1 }), noFlags),
      'worker;running;ok;settings;stoppable;restartable;haspid;',
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
});
