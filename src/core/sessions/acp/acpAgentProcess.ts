import { Disposable, DisposableStore } from '../../base/events';
import { Supervisor } from '../../workers/supervisor';
import { AgentConfig } from '../agentConfig';
import { ConnectionOptions } from '../agentConnection';
import { agentWorkerDefinition, startAgentWorker, watchWorkerEnd } from '../agentWorker';
import { AcpFiles } from './acpFiles';
import { AcpWorkerStream, StreamListener } from './acpStream';
import { AcpTerminals } from './acpTerminals';
import { AcpClientHost } from './clientHost';
import { WorkspaceSandbox } from './workspaceSandbox';

/**
 * The machine's side of an ACP agent: its supervised worker, its stdio as the SDK's message stream,
 * and the files and terminals it is served inside its folder. The connection above speaks the protocol.
 */
export class AcpAgentProcess implements Disposable {
  readonly stream: AcpWorkerStream;
  readonly files: AcpFiles;
  readonly terminals: AcpTerminals;
  /** Epoch ms of the agent's last stdout (or of the last prompt sent), for the stall watchdog. */
  lastOutputAt = Date.now();
  private readonly subscriptions = new DisposableStore();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly agent: AgentConfig,
    private readonly options: ConnectionOptions,
    host: AcpClientHost,
    listener: StreamListener,
  ) {
    const workerId = options.workerId;
    this.stream = new AcpWorkerStream((text) => supervisor.write(workerId, text), listener);
    const sandbox = new WorkspaceSandbox(options.cwd);
    this.files = new AcpFiles(sandbox, host);
    // The commands the agent runs get the agent's configured env, never its sign-in key.
    this.terminals = new AcpTerminals(supervisor, { workerId, label: agent.label }, sandbox, agent.env);
  }

  /**
   * Spawns the agent with `env` (its configured env and any sign-in key); `onEnd` hears how its
   * process ended, each time it does.
   */
  async start(env: Readonly<Record<string, string>>, onEnd: (how: string) => void): Promise<void> {
    const workerId = this.options.workerId;
    this.supervisor.upsert(agentWorkerDefinition({ ...this.agent, env }, this.options, []));
    this.subscriptions.add(
      this.supervisor.tapStdout(workerId, (chunk) => {
        this.lastOutputAt = Date.now();
        this.stream.push(chunk);
      }),
    );
    this.subscriptions.add(watchWorkerEnd(this.supervisor, workerId, onEnd));
    await startAgentWorker(this.supervisor, this.agent, workerId);
  }

  /** Stops the process but keeps its worker listed. */
  async stop(): Promise<void> {
    await this.supervisor.stop(this.options.workerId);
  }

  /** Releases the agent's terminals and forgets its worker (stopping its process group). */
  async remove(): Promise<void> {
    this.dispose();
    await this.terminals.releaseAll();
    await this.supervisor.remove(this.options.workerId);
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.stream.dispose();
  }
}
