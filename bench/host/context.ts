import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '../../src/core/base/logger';
import { Supervisor } from '../../src/core/workers/supervisor';
import { CpuPriority, DEFAULT_SESSION_CPU_PRIORITY } from '../../src/core/process/cpuPriority';
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_WORKER_DEFAULTS,
  WorkerDefinition,
} from '../../src/core/definitions/workerDefinition';
import { killRepProcesses } from '../orphans';
import { MARKER_VAR } from '../../test/helpers/processes';
import { createCoreServices } from '../../src/core/shepherdCore';

/** What a scenario running in the host gets from its entry point. */
export interface HostContext {
  readonly repMarker: string;
  /** Warnings and errors of the core; returned with the result so the report can show them. */
  readonly problems: string[];
  readonly logger: Logger;
}

export function createContext(repMarker: string): HostContext {
  const problems: string[] = [];
  // The core's info lines (every spawn, every stop) would only cost time; its complaints are kept.
  const logger: Logger = {
    info: () => undefined,
    warn: (message) => problems.push(`warn: ${message}`),
    error: (message) => problems.push(`error: ${message}`),
  };
  return { repMarker, problems, logger };
}

/** A worker definition as the extension would build it, minus restarts: the bench wants none. */
export function benchDefinition(
  id: string,
  command: string,
  args: readonly string[],
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
    restart: { ...DEFAULT_RESTART_POLICY, mode: 'never' },
    graceMs: DEFAULT_WORKER_DEFAULTS.graceMs,
    healthPatterns: DEFAULT_WORKER_DEFAULTS.healthPatterns,
    outputBufferBytes: DEFAULT_WORKER_DEFAULTS.outputBufferBytes,
    maxRuntimeMs: undefined,
    autoStart: false,
    source: 'adhoc',
    ...overrides,
  };
}

export interface SupervisorSetup {
  readonly registryCapacity?: number;
  /** Agents' priority; the extension's default when not given. */
  readonly sessionCpuPriority?: CpuPriority;
}

/**
 * Runs `body` with a Supervisor configured like the extension's (default tick and batching, a status
 * file) whose workers carry the repetition's marker. The supervisor is shut down and every marked
 * process killed afterwards, whatever happened; a process that needed that kill is a problem.
 */
export async function withSupervisor<T>(
  context: HostContext,
  setup: SupervisorSetup,
  body: (supervisor: Supervisor) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-bench-host-'));
  const supervisor = new Supervisor({
    logger: context.logger,
    ...createCoreServices(context.logger),
    extraEnv: { [MARKER_VAR]: context.repMarker },
    statusFilePath: path.join(dir, 'status.json'),
    registryCapacity: setup.registryCapacity,
    // As the extension starts agents by default (shepherd.sessions.cpuPriority).
    sessionCpuPriority: setup.sessionCpuPriority ?? DEFAULT_SESSION_CPU_PRIORITY,
  });
  try {
    return await body(supervisor);
  } finally {
    await supervisor.shutdown(500);
    const leftover = await killRepProcesses(context.repMarker);
    if (leftover.length > 0) {
      context.problems.push(
        `bench: ${leftover.length} marked process(es) outlived supervisor.shutdown() and were SIGKILLed`,
      );
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
}
