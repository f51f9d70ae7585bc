import * as os from 'node:os';
import * as vscode from 'vscode';
import { CPU_PRIORITIES, CpuPriority, DEFAULT_SESSION_CPU_PRIORITY } from '../../core/process/cpuPriority';
import { AgentConfig, defaultAgents, parseAgentConfig } from '../../core/sessions/agentConfig';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_STALL_TIMEOUT_MS } from '../../core/sessions/sessionWatchdog';
import { DEFAULT_POOL_SIZE } from '../../core/sessions/warmPool';
import { SECTION } from '../settings/configuration';
import { isObject, oneOf, stringField } from '../../shared/untrusted';

/** The bundled demo agent: run with the extension host's own Node (Electron as Node on the desktop). */
export interface DemoAgentLocation {
  readonly nodePath: string;
  readonly script: string;
}

export interface SessionSettings {
  readonly idleTimeoutMs: number;
  readonly stallTimeoutMs: number;
  readonly poolSize: number;
  /** Notify when a turn ends or an agent waits for input while its panel is hidden. */
  readonly notifications: boolean;
  /** The CPU priority agents and their commands start with. */
  readonly cpuPriority: CpuPriority;
}

const MINUTE_MS = 60_000;

function baseDir(): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
}

/**
 * The built-in agents with the user's `shepherd.agents` entries over them: an entry with the id of
 * a built-in one (claude, pi, demo) replaces it. Each invalid entry is named in `problems` and
 * skipped; the others still count.
 */
export function readAgents(demo: DemoAgentLocation, problems: string[]): AgentConfig[] {
  const agents = new Map(defaultAgents(demo).map((agent) => [agent.id, agent]));
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown>('agents');
  if (raw === undefined) {
    return [...agents.values()];
  }
  if (!Array.isArray(raw)) {
    problems.push(vscode.l10n.t('{0}.agents must be an array of agent entries', SECTION));
    return [...agents.values()];
  }
  raw.forEach((entry: unknown, index) => {
    const parsed = parseAgentConfig(entry, baseDir());
    if (!parsed.ok) {
      const id = isObject(entry) ? stringField(entry, 'id') : undefined;
      const name = id === undefined ? `#${index + 1}` : `"${id}"`;
      problems.push(vscode.l10n.t('{0}.agents entry {1}: {2}', SECTION, name, parsed.errors.join('; ')));
      return;
    }
    agents.set(parsed.value.id, parsed.value);
  });
  return [...agents.values()];
}

function minutesSetting(
  config: vscode.WorkspaceConfiguration,
  key: string,
  fallbackMs: number,
  problems: string[],
): number {
  const value = config.get<unknown>(key);
  if (value === undefined) {
    return fallbackMs;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 24 * 60) {
    return Math.round(value * MINUTE_MS);
  }
  problems.push(
    vscode.l10n.t(
      '{0}.{1} must be a number of minutes above 0 and at most 1440; using {2}',
      SECTION,
      key,
      fallbackMs / MINUTE_MS,
    ),
  );
  return fallbackMs;
}

function readCpuPriority(config: vscode.WorkspaceConfiguration, problems: string[]): CpuPriority {
  const value = config.get<unknown>('sessions.cpuPriority');
  if (value === undefined) {
    return DEFAULT_SESSION_CPU_PRIORITY;
  }
  const priority = oneOf(CPU_PRIORITIES, value);
  if (priority === undefined) {
    problems.push(
      vscode.l10n.t(
        '{0}.sessions.cpuPriority must be one of {1}; using {2}',
        SECTION,
        CPU_PRIORITIES.join(', '),
        DEFAULT_SESSION_CPU_PRIORITY,
      ),
    );
    return DEFAULT_SESSION_CPU_PRIORITY;
  }
  return priority;
}

export function readSessionSettings(problems: string[]): SessionSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const pool = config.get<unknown>('sessions.poolSize');
  let poolSize = DEFAULT_POOL_SIZE;
  if (pool !== undefined) {
    if (typeof pool === 'number' && Number.isInteger(pool) && pool >= 0 && pool <= 5) {
      poolSize = pool;
    } else {
      problems.push(
        vscode.l10n.t(
          '{0}.sessions.poolSize must be a whole number from 0 to 5; using {1}',
          SECTION,
          DEFAULT_POOL_SIZE,
        ),
      );
    }
  }
  return {
    cpuPriority: readCpuPriority(config, problems),
    idleTimeoutMs: minutesSetting(config, 'sessions.idleTimeoutMinutes', DEFAULT_IDLE_TIMEOUT_MS, problems),
    stallTimeoutMs: minutesSetting(config, 'sessions.stallTimeoutMinutes', DEFAULT_STALL_TIMEOUT_MS, problems),
    poolSize,
    notifications: config.get<unknown>('sessions.notifications') !== false,
  };
}
