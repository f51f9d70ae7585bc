import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { Logger } from '../../src/core/base/logger';
import { Supervisor, SupervisorOptions } from '../../src/core/workers/supervisor';
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_WORKER_DEFAULTS,
  WorkerDefinition,
} from '../../src/core/definitions/workerDefinition';
import { findMarked, killMarked, MARKER_VAR, newMarker } from './processes';
import { createCoreServices } from '../../src/core/shepherdCore';
import { TaskRegistry } from '../../src/core/base/taskRegistry';
import { ActivityLog } from '../../src/core/base/activityLog';

/** A logger that keeps what it was told, so tests can assert on messages. */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

/** A definition with test-friendly defaults: short grace, quick backoff. */
export function definition(
  id: string,
  command: string,
  args: string[],
  overrides: Partial<WorkerDefinition> = {},
): WorkerDefinition {
  return {
    id,
    label: id,
    command,
    args,
    cwd: os.tmpdir(),
    env: {},
    shell: false,
    restart: { ...DEFAULT_RESTART_POLICY, backoffBaseMs: 20, backoffMaxMs: 100 },
    graceMs: 1_000,
    healthPatterns: DEFAULT_WORKER_DEFAULTS.healthPatterns,
    outputBufferBytes: DEFAULT_WORKER_DEFAULTS.outputBufferBytes,
    maxRuntimeMs: undefined,
    autoStart: false,
    source: 'adhoc',
    ...overrides,
  };
}

export interface SupervisorHarness {
  supervisor: Supervisor;
  tasks: TaskRegistry;
  activity: ActivityLog;
  logger: RecordingLogger;
  marker: string;
  tempDir: string;
}

/**
 * Registers mocha hooks that give each test a fresh Supervisor whose workers carry a unique marker,
 * and that afterwards shut it down, kill anything marked that is left, and fail the test if there was.
 */
export function useSupervisor(options: Partial<SupervisorOptions> = {}): SupervisorHarness {
  const harness = {} as SupervisorHarness;
  beforeEach(async () => {
    harness.marker = newMarker();
    harness.logger = new RecordingLogger();
    harness.tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-test-'));
    const services = createCoreServices(harness.logger);
    harness.tasks = services.tasks;
    harness.activity = services.activity;
    harness.supervisor = new Supervisor({
      logger: harness.logger,
      ...services,
      extraEnv: { [MARKER_VAR]: harness.marker },
      ...options,
    });
  });
  afterEach(async () => {
    await harness.supervisor.shutdown(200);
    const leaked = await findMarked(harness.marker);
    await killMarked(harness.marker);
    await fs.rm(harness.tempDir, { recursive: true, force: true });
    assert.deepEqual(leaked, [], `processes outlived the test: ${leaked.join(', ')}`);
  });
  return harness;
}
