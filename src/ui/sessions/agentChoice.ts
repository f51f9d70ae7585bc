import type { AgentConfig } from '../../core/sessions/agentConfig';

/** One row of the agent picker, before it is put into words. */
export interface AgentChoice {
  readonly agent: AgentConfig;
  readonly installed: boolean;
  /** The row the picker starts on; at most one, and never an agent that is not installed. */
  readonly isDefault: boolean;
}

/**
 * The picker's rows: the default first, then the other installed agents, then those not installed,
 * each group in the settings' order. The default is the last agent used when it is still installed;
 * otherwise the first installed agent that is not the demo, and the demo when nothing else is installed.
 */
export function orderAgentChoices(
  agents: readonly AgentConfig[],
  installed: ReadonlySet<string>,
  lastUsedId: string | undefined,
): AgentChoice[] {
  const isInstalled = (agent: AgentConfig): boolean => installed.has(agent.id);
  const ready = agents.filter(isInstalled);
  const missing = agents.filter((agent) => !isInstalled(agent));
  const preferred =
    ready.find((agent) => agent.id === lastUsedId) ??
    ready.find((agent) => agent.kind !== 'demo') ??
    ready.find((agent) => agent.kind === 'demo');
  const rest = ready.filter((agent) => agent !== preferred);
  return [
    ...(preferred ? [{ agent: preferred, installed: true, isDefault: true }] : []),
    ...rest.map((agent) => ({ agent, installed: true, isDefault: false })),
    ...missing.map((agent) => ({ agent, installed: false, isDefault: false })),
  ];
}
