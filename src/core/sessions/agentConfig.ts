import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { ParseResult } from '../definitions/definitionParser';
import { AgentProtocol } from './protocols/agentProtocol';
import { ClaudeProtocol } from './protocols/claudeProtocol';
import { DEFAULT_IDLE_GAP_MS, LineProtocol } from './protocols/lineProtocol';
import { PiProtocol } from './protocols/piProtocol';
import { FieldReader, isObject, oneOf } from '../../shared/untrusted';

export type AgentKind = 'claude' | 'pi' | 'line' | 'demo' | 'acp';
export const AGENT_KINDS: readonly AgentKind[] = ['claude', 'pi', 'line', 'demo', 'acp'];

/** The kinds spoken to through a line-based AgentProtocol; `acp` is a JSON-RPC connection instead. */
export type ProtocolAgentKind = Exclude<AgentKind, 'acp'>;

/** One configured agent CLI that sessions can be opened with. */
export interface AgentConfig {
  readonly id: string;
  readonly label: string;
  readonly kind: AgentKind;
  readonly command: string;
  /** The user's extra args, before the protocol's own. */
  readonly args: readonly string[];
  /** Undefined: the workspace folder. */
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** Line protocol only. */
  readonly endMarker: string | undefined;
  readonly idleGapMs: number;
}

/** An agent whose kind speaks a line-based AgentProtocol. */
export type ProtocolAgentConfig = AgentConfig & { readonly kind: ProtocolAgentKind };

export function isProtocolAgent(agent: AgentConfig): agent is ProtocolAgentConfig {
  return agent.kind !== 'acp';
}

/** The npm packages of the ACP agents Shepherd lists by default, by command. */
const ACP_PACKAGES: Readonly<Record<string, string>> = {
  gemini: '@google/gemini-cli',
  'codex-acp': '@zed-industries/codex-acp',
  'claude-agent-acp': '@agentclientprotocol/claude-agent-acp',
};

/** What a user needs to read when an agent's CLI is missing. */
export function installHint(agent: AgentConfig): string {
  switch (agent.kind) {
    case 'claude':
      return l10n.t(
        'Install {0} with `{1}`, or set its path in the `shepherd.agents` setting.',
        'Claude Code',
        'npm install -g @anthropic-ai/claude-code',
      );
    case 'pi':
      return l10n.t(
        'Install {0} with `{1}`, or set its path in the `shepherd.agents` setting.',
        'pi',
        'npm install -g @mariozechner/pi-coding-agent',
      );
    case 'demo':
      return l10n.t('The demo agent ships with Shepherd; reinstalling the extension restores it.');
    case 'line':
      return l10n.t('Check the command of agent "{0}" in the `shepherd.agents` setting.', agent.id);
    case 'acp': {
      const pkg = ACP_PACKAGES[agent.command];
      return pkg
        ? l10n.t('Install it with `{0}`, or set its path in the `shepherd.agents` setting.', `npm install -g ${pkg}`)
        : l10n.t('Check the command of agent "{0}" in the `shepherd.agents` setting.', agent.id);
    }
  }
}

/** The protocol that speaks to a process of this agent. Demo speaks Claude Code's protocol. */
export function createProtocol(agent: ProtocolAgentConfig, sessionFile: string | undefined): AgentProtocol {
  switch (agent.kind) {
    case 'claude':
    case 'demo':
      return new ClaudeProtocol();
    case 'pi':
      return new PiProtocol(sessionFile);
    case 'line':
      return new LineProtocol({ endMarker: agent.endMarker, idleGapMs: agent.idleGapMs });
  }
}

/** Whether the agent's conversations survive a restart of its process. */
export function canResume(agent: AgentConfig): boolean {
  return agent.kind !== 'line';
}

/** The agents every user has, found on PATH (and the built-in demo at `demoScript`). */
export function defaultAgents(demo: { nodePath: string; script: string }): AgentConfig[] {
  const base = { args: [], cwd: undefined, env: {}, endMarker: undefined, idleGapMs: DEFAULT_IDLE_GAP_MS };
  return [
    { ...base, id: 'claude', label: 'Claude Code', kind: 'claude', command: 'claude' },
    { ...base, id: 'pi', label: 'pi', kind: 'pi', command: 'pi' },
    { ...base, id: 'gemini', label: 'Gemini CLI', kind: 'acp', command: 'gemini', args: ['--acp'] },
    { ...base, id: 'codex', label: 'Codex (codex-acp)', kind: 'acp', command: 'codex-acp' },
    { ...base, id: 'claude-acp', label: 'Claude (claude-agent-acp)', kind: 'acp', command: 'claude-agent-acp' },
    {
      ...base,
      id: 'demo',
      label: l10n.t('Demo agent (canned replies)'),
      kind: 'demo',
      command: demo.nodePath,
      args: [demo.script],
      // In desktop VS Code the extension host's executable is Electron; this makes it behave as Node.
      env: { ELECTRON_RUN_AS_NODE: '1' },
    },
  ];
}

/** Reads one `shepherd.agents` entry; every problem is named by field. */
export function parseAgentConfig(raw: unknown, baseDir: string): ParseResult<AgentConfig> {
  if (!isObject(raw)) {
    return { ok: false, errors: [l10n.t('must be an object with "id" and "kind"')] };
  }
  const read = new FieldReader(raw);
  const id = read.requiredString('id');
  const kindText = read.requiredString('kind');
  const kind = oneOf(AGENT_KINDS, kindText);
  if (kindText !== undefined && !kind) {
    read.fail('kind', l10n.t('must be one of {0}', AGENT_KINDS.join(', ')));
  }
  const args = read.strings('args') ?? [];
  const env = read.stringRecord('env') ?? {};
  const idleGapMs = read.integer('idleGapMs', 50, 600_000) ?? DEFAULT_IDLE_GAP_MS;
  const cwd = read.string('cwd');
  const command =
    kind === 'line' || kind === 'demo' || kind === 'acp' ? read.requiredString('command') : read.string('command');
  const label = read.string('label');
  const endMarker = read.string('endMarker');
  if (read.errors.length > 0 || !id || !kind) {
    return { ok: false, errors: read.errors };
  }
  return {
    ok: true,
    value: {
      id,
      label: label ?? id,
      kind,
      command: command ?? (kind === 'pi' ? 'pi' : 'claude'),
      args,
      cwd: cwd === undefined ? undefined : path.resolve(baseDir, cwd),
      env,
      endMarker,
      idleGapMs,
    },
  };
}
