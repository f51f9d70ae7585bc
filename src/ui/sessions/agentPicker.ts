import * as os from 'node:os';
import * as vscode from 'vscode';
import { AgentConfig, installHint } from '../../core/sessions/agentConfig';
import { findCommand } from '../../core/process/commandLookup';
import { AgentChoice, orderAgentChoices } from './agentChoice';

/** The memento key of the last agent a session was started with. */
const LAST_AGENT_KEY = 'shepherd.lastAgentId';

interface AgentItem extends vscode.QuickPickItem {
  readonly choice: AgentChoice;
}

/**
 * The last agent used: this workspace's first, then the last one used in any window, so a new
 * workspace starts with the agent the user reaches for everywhere else.
 */
export class LastUsedAgent {
  constructor(
    private readonly workspace: vscode.Memento,
    private readonly global: vscode.Memento,
  ) {}

  get(): string | undefined {
    return this.workspace.get<string>(LAST_AGENT_KEY) ?? this.global.get<string>(LAST_AGENT_KEY);
  }

  async remember(agentId: string): Promise<void> {
    await Promise.all([this.workspace.update(LAST_AGENT_KEY, agentId), this.global.update(LAST_AGENT_KEY, agentId)]);
  }
}

/** The ids of the agents whose program exists, looked up as the agent's process would find it. */
async function installedAgentIds(agents: readonly AgentConfig[]): Promise<Set<string>> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  const found = await Promise.all(
    agents.map(async (agent) => {
      const env = { PATH: agent.env.PATH ?? process.env.PATH, PATHEXT: process.env.PATHEXT };
      return (await findCommand(agent.command, env, agent.cwd ?? folder)) ? agent.id : undefined;
    }),
  );
  return new Set(found.filter((id): id is string => id !== undefined));
}

function describeChoice(choice: AgentChoice, lastUsedId: string | undefined): string {
  const { agent } = choice;
  if (!choice.installed) {
    return vscode.l10n.t('not installed: how to install');
  }
  const what =
    agent.kind === 'demo'
      ? vscode.l10n.t('demo: canned replies, no API key needed')
      : `${agent.kind} · ${agent.command}`;
  return agent.id === lastUsedId ? vscode.l10n.t('{0} · last used', what) : what;
}

function toItem(choice: AgentChoice, lastUsedId: string | undefined, trusted: boolean): AgentItem {
  const { agent } = choice;
  const needsTrust = !trusted && agent.kind !== 'demo';
  return {
    choice,
    label: choice.installed ? agent.label : `$(warning) ${agent.label}`,
    description: describeChoice(choice, lastUsedId),
    detail: !choice.installed
      ? installHint(agent)
      : needsTrust
        ? vscode.l10n.t('Needs a trusted workspace')
        : undefined,
  };
}

/**
 * Asks which agent to start, the default first. An agent that is not installed says how to install
 * it; picking it anyway asks before trying (the lookup cannot see a program a login shell would add).
 */
export async function pickAgent(
  agents: readonly AgentConfig[],
  lastUsed: LastUsedAgent,
): Promise<AgentConfig | undefined> {
  const lastUsedId = lastUsed.get();
  const choices = orderAgentChoices(agents, await installedAgentIds(agents), lastUsedId);
  const items = choices.map((choice) => toItem(choice, lastUsedId, vscode.workspace.isTrusted));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: vscode.l10n.t('Start a session with which agent?'),
    matchOnDescription: true,
  });
  if (!picked || picked.choice.installed) {
    return picked?.choice.agent;
  }
  const agent = picked.choice.agent;
  const tryAnyway = vscode.l10n.t('Try Anyway');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} was not found: {1}', agent.label, installHint(agent)),
    tryAnyway,
  );
  return answer === tryAnyway ? agent : undefined;
}
