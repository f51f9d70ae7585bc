import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AcpClientHost } from '../../src/core/sessions/acp/clientHost';
import { AgentConfig } from '../../src/core/sessions/agentConfig';
import { SessionManager } from '../../src/core/sessions/sessionManager';
import { TranscriptStore } from '../../src/core/sessions/transcripts/transcriptStore';
import { fixture } from './processes';
import { SupervisorHarness, useSupervisor } from './supervisorFixture';

/** The scripted ACP agent of test/fixtures/acp, run by this Node. */
export function fakeAcpAgent(env: Record<string, string> = {}): AgentConfig {
  return {
    id: 'fake-acp',
    label: 'Fake ACP agent',
    kind: 'acp',
    command: process.execPath,
    args: [fixture('acp/fake-acp-agent.js')],
    cwd: undefined,
    env,
    endMarker: undefined,
    idleGapMs: 1_000,
  };
}

export interface AcpSessions {
  readonly h: SupervisorHarness;
  /** A workspace folder (inside the test's temp dir) and a manager whose ACP agents are served by `host`. */
  open(options?: {
    host?: AcpClientHost;
    stallTimeoutMs?: number;
    store?: TranscriptStore;
    poolSize?: number;
  }): Promise<{ manager: SessionManager; workspace: string }>;
}

/** A SessionManager over the supervisor fixture for ACP agents; shut down before the fixture checks for leftovers. */
export function useAcpSessions(): AcpSessions {
  let manager: SessionManager | undefined;
  afterEach(async () => {
    await manager?.shutdown();
    manager = undefined;
  });
  const h = useSupervisor({ tickMs: 100 });
  return {
    h,
    async open(options = {}) {
      const workspace = path.join(h.tempDir, 'workspace');
      await fs.mkdir(workspace);
      manager = new SessionManager({
        supervisor: h.supervisor,
        tasks: h.tasks,
        logger: h.logger,
        store: options.store,
        acpHost: options.host,
        poolSize: options.poolSize ?? 0,
        tickMs: 50,
        stallTimeoutMs: options.stallTimeoutMs,
      });
      return { manager, workspace };
    },
  };
}
