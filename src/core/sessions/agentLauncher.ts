import { Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { Supervisor } from '../workers/supervisor';
import { AcpClientHost } from './acp/clientHost';
import { AgentConfig, isProtocolAgent } from './agentConfig';
import { AgentConnection, ConnectionOptions } from './agentConnection';
import { ProtocolConnection } from './protocolConnection';

/** What starting any agent needs: the supervisor that runs it and, for ACP agents, the editor's files. */
export interface AgentLaunchContext {
  readonly supervisor: Supervisor;
  readonly tasks: TaskRegistry;
  readonly logger: Logger;
  readonly host: AcpClientHost;
}

/**
 * Starts an agent process and connects to it in its kind's protocol. The ACP client (the SDK and its
 * schema library, ~14 MB of heap) is loaded the first time an ACP agent starts, not with the editor.
 */
export async function launchAgent(
  context: AgentLaunchContext,
  agent: AgentConfig,
  options: ConnectionOptions,
): Promise<AgentConnection> {
  if (isProtocolAgent(agent)) {
    return ProtocolConnection.start(context.supervisor, agent, options, context.logger);
  }
  const { AcpConnection } = await import('./acp/acpConnection');
  return AcpConnection.start(context, agent, options);
}
