import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Disposable } from '../base/events';
import { DEFAULT_WORKER_DEFAULTS, WorkerDefinition } from '../definitions/workerDefinition';
import { Supervisor } from '../workers/supervisor';
import { WorkerView } from '../workers/workerView';
import { AgentConfig, installHint } from './agentConfig';
import { AgentStartError, ConnectionOptions } from './agentConnection';
import { RESTING_STATES } from '../workers/workerStates';
import { findCommand } from '../process/commandLookup';
import { errnoCode } from '../../shared/untrusted';

/** Agents flush their transcript on SIGTERM; three seconds is plenty and still feels prompt. */
export const AGENT_GRACE_MS = 3_000;

export function describeWorkerEnd(view: WorkerView): string {
  if (view.lastExit?.signal) {
    return l10n.t('the agent process was killed by {0}', view.lastExit.signal);
  }
  if (view.lastExit) {
    return l10n.t('the agent process exited with code {0}', String(view.lastExit.code));
  }
  return view.message ?? l10n.t('the agent process ended');
}

/** The supervisor worker that runs an agent process; `protocolArgs` follow the user's own args. */
export function agentWorkerDefinition(
  agent: AgentConfig,
  options: ConnectionOptions,
  protocolArgs: readonly string[],
): WorkerDefinition {
  return {
    id: options.workerId,
    label: options.label,
    command: agent.command,
    // The user's args first: for an agent run through an interpreter (node script.js) they name
    // the program, and the protocol's flags belong to the program, not the interpreter.
    args: [...agent.args, ...protocolArgs],
    cwd: options.cwd,
    env: agent.env,
    shell: false,
    // A session decides itself when to bring its agent back (the next message resumes it).
    restart: { ...DEFAULT_WORKER_DEFAULTS.restart, mode: 'never' },
    graceMs: AGENT_GRACE_MS,
    // Its stdout is protocol, not a log: the agent's own words ("we hit a rate limit") must not mark it
    // degraded, and its state comes from the protocol. Scanning it was also the tick's costliest part.
    healthPatterns: [],
    outputBufferBytes: DEFAULT_WORKER_DEFAULTS.outputBufferBytes,
    maxRuntimeMs: undefined,
    autoStart: false,
    source: 'session',
  };
}

/** Calls `onEnd` with how the worker's process ended, each time it reaches a final state. */
export function watchWorkerEnd(supervisor: Supervisor, workerId: string, onEnd: (how: string) => void): Disposable {
  return supervisor.onDidChangeWorker((change) => {
    if (change.view.id === workerId && RESTING_STATES.has(change.view.state)) {
      onEnd(describeWorkerEnd(change.view));
    }
  });
}

/**
 * Starts an upserted agent worker. A process that does not run is removed again and reported as an
 * AgentStartError saying how to install the agent when its command was not found.
 */
export async function startAgentWorker(supervisor: Supervisor, agent: AgentConfig, workerId: string): Promise<void> {
  const view = await supervisor.start(workerId);
  if (view.state === 'running') {
    return;
  }
  const definition = supervisor.definition(workerId);
  await supervisor.remove(workerId);
  const reason = view.message ?? l10n.t('the agent process is {0}', view.state);
  const missing = definition !== undefined && (await isNotInstalled(definition));
  throw new AgentStartError(missing ? l10n.t('{0}. {1}', reason, installHint(agent)) : reason);
}

/**
 * Whether an agent that did not start is simply not there, asked of the file system rather than of
 * the launcher's (translatable) words: a path names no file, or a bare name is no program on PATH.
 */
async function isNotInstalled(definition: WorkerDefinition): Promise<boolean> {
  const { command, cwd } = definition;
  if (path.basename(command) !== command) {
    return !(await pathExists(path.resolve(cwd, command)));
  }
  return (await findCommand(command, { ...process.env, ...definition.env }, cwd)) === undefined;
}

async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') {
      return false;
    }
    throw error;
  }
}
