import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Disposable } from '../../src/core/base/events';
import { SessionState } from '../../src/shared/sessionModel';
import { SessionManager } from '../../src/core/sessions/sessionManager';
import type { MockServerHandle } from '../fixtures/mockLlm/common';
import { SupervisorHarness, useSupervisor } from './supervisorFixture';

/** The session's transcript as `kind:text` lines (entries without text show their kind only). */
export function transcriptLines(manager: SessionManager, id: string): string {
  return manager
    .transcript(id)
    .map((e) => ('text' in e ? `${e.kind}:${e.text}` : e.kind))
    .join('\n');
}

/** The text of each assistant entry, in order. */
export function assistantTexts(manager: SessionManager, id: string): string[] {
  return manager.transcript(id).flatMap((e) => (e.kind === 'assistant' ? [e.text] : []));
}

export interface DeltaRecorder extends Disposable {
  /** The pieces each assistant entry was built from (its first text, then each delta), in arrival order. */
  readonly pieces: ReadonlyMap<number, readonly string[]>;
}

/** Records how the session's assistant entries grew, change by change, as the panel would see them. */
export function recordAssistantDeltas(manager: SessionManager, id: string): DeltaRecorder {
  const pieces = new Map<number, string[]>();
  const subscription = manager.onDidChangeTranscript(({ sessionId, change }) => {
    if (sessionId !== id) {
      return;
    }
    if (change.type === 'append' && change.entry.kind === 'assistant') {
      pieces.set(change.entry.id, [change.entry.text]);
    } else if (change.type === 'delta') {
      pieces.get(change.entryId)?.push(change.text);
    }
  });
  return { pieces, dispose: () => subscription.dispose() };
}

export interface StateRecorder extends Disposable {
  /** Every state the session was published in, consecutive repeats folded. */
  readonly states: readonly SessionState[];
}

export function recordStates(manager: SessionManager, id: string): StateRecorder {
  const states: SessionState[] = [];
  const subscription = manager.onDidChangeSession(({ view }) => {
    if (view.id === id && states[states.length - 1] !== view.state) {
      states.push(view.state);
    }
  });
  return { states, dispose: () => subscription.dispose() };
}

/** A session manager over the supervisor fixture, talking to a mock LLM server, for the real-CLI tests. */
export interface CliSessions {
  readonly h: SupervisorHarness;
  /**
   * Creates the test's workspace folder and a SessionManager (no transcript store, no pool) for agents
   * that talk to `mock`; the agents, the manager and the mock are closed after the test.
   */
  open(mock: MockServerHandle): Promise<{ manager: SessionManager; workspace: string }>;
}

export function useCliSessions(): CliSessions {
  let manager: SessionManager | undefined;
  let mock: MockServerHandle | undefined;
  // Registered before the supervisor fixture, so it runs first: the agents are closed through the
  // manager and the mock stops before the fixture proves that no process outlived the test.
  afterEach(async () => {
    try {
      await manager?.shutdown();
    } finally {
      manager = undefined;
      await mock?.close();
      mock = undefined;
    }
  });
  const h = useSupervisor({ tickMs: 100 });
  return {
    h,
    async open(server) {
      mock = server;
      const workspace = path.join(h.tempDir, 'workspace');
      await fs.mkdir(workspace);
      manager = new SessionManager({
        supervisor: h.supervisor,
        tasks: h.tasks,
        logger: h.logger,
        store: undefined,
        poolSize: 0,
        tickMs: 50,
      });
      return { manager, workspace };
    },
  };
}
