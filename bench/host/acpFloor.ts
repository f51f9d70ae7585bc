import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as os from 'node:os';
import { MARKER_VAR } from '../../test/helpers/processes';
import { CpuPriorities } from '../../src/core/process/cpuPriority';
import { TaskRegistry } from '../../src/core/base/taskRegistry';
import { errnoCode } from '../../src/shared/untrusted';
import { LoopDelayProbe } from '../eventLoop';
import { ACP_AGENT } from '../paths';
import { sleep } from '../processes';
import { HostContext } from './context';
import { AcpFloorParams, AcpFloorResult } from './protocol';

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the agent and its group are gone already.
    if (errnoCode(error) !== 'ESRCH') {
      throw error;
    }
  }
}

/** The JSON-RPC lines that open a session and ask for the paced stream, as Shepherd would send them. */
function promptLines(chunks: number, chunkDelayMs: number): string {
  const messages = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 1, clientCapabilities: {} } },
    { jsonrpc: '2.0', id: 2, method: 'session/new', params: { cwd: os.tmpdir(), mcpServers: [] } },
    {
      jsonrpc: '2.0',
      id: 3,
      method: 'session/prompt',
      params: { sessionId: 'floor', prompt: [{ type: 'text', text: `pace ${chunks} ${chunkDelayMs}` }] },
    },
  ];
  return messages.map((message) => `${JSON.stringify(message)}\n`).join('');
}

/**
 * The machine's own floor for 10d: the same agents streaming the same way, each in a session of its
 * own at the priority Shepherd would give it, their output thrown away (stdout is /dev/null), while
 * this host does nothing but measure its event loop. What is left is the delay the OS adds to a
 * process that shares 2 cores with the agents and whatever else runs.
 */
export async function acpFloor(context: HostContext, params: AcpFloorParams): Promise<AcpFloorResult> {
  const agents: ChildProcess[] = [];
  try {
    for (let i = 0; i < params.sessions; i++) {
      const agent = spawn(process.execPath, [ACP_AGENT], {
        detached: true,
        stdio: ['pipe', 'ignore', 'inherit'],
        env: { ...process.env, [MARKER_VAR]: context.repMarker },
      });
      agent.stdin?.on('error', (error) => context.problems.push(`warn: floor agent stdin: ${error.message}`));
      agents.push(agent);
    }
    await Promise.all(agents.map((agent) => once(agent, 'spawn')));
    const priorities = new CpuPriorities(context.logger, new TaskRegistry(context.logger));
    for (const agent of agents) {
      priorities.apply(agent.pid as number, params.cpuPriority);
    }
    await priorities.settled();
    const probe = new LoopDelayProbe();
    probe.start();
    for (const agent of agents) {
      agent.stdin?.write(promptLines(params.chunks, params.chunkDelayMs));
    }
    await sleep(params.seconds * 1_000);
    const loop = probe.stop();
    return { loop, loadAverage1m: os.loadavg()[0] };
  } finally {
    // A killed agent at the lowest priority may take a moment to finish exiting on a busy machine:
    // wait for every exit, so none is still dying when the next measurement starts.
    const exits = agents.map((agent) =>
      agent.pid === undefined || agent.exitCode !== null || agent.signalCode !== null
        ? Promise.resolve()
        : once(agent, 'exit'),
    );
    for (const agent of agents) {
      if (agent.pid !== undefined) {
        killGroup(agent.pid);
      }
    }
    await Promise.all(exits);
  }
}
