import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentConfig } from '../../src/core/sessions/agentConfig';
import { CpuPriority } from '../../src/core/process/cpuPriority';
import { SessionManager } from '../../src/core/sessions/sessionManager';
import { TranscriptChange } from '../../src/shared/sessionModel';
import { TranscriptStore } from '../../src/core/sessions/transcripts/transcriptStore';
import { Supervisor } from '../../src/core/workers/supervisor';
import { ExtensionMessage } from '../../src/shared/sessionProtocol';
import { ACP_AGENT, STREAM_AGENT } from '../paths';
import { sleep, waitUntil } from '../processes';
import { maxOf, percentile } from '../stats';
import { HostContext, withSupervisor } from './context';
import { ReadProbe } from './readProbe';
import {
  SessionEventsParams,
  SessionEventsResult,
  SessionStatusParams,
  SessionStatusResult,
  SessionTtftParams,
  SessionTtftResult,
} from './protocol';
import { TaskRegistry } from '../../src/core/base/taskRegistry';

/** Speaks Claude Code's protocol (kind 'claude'), run by this very Node like the demo agent. */
const BENCH_AGENT: AgentConfig = {
  id: 'bench',
  label: 'Bench agent',
  kind: 'claude',
  command: process.execPath,
  args: [STREAM_AGENT],
  cwd: undefined,
  env: {},
  endMarker: undefined,
  idleGapMs: 1_000,
};

/** The fake ACP agent (bench/agents/acpAgent.ts): the same "burst N" over ACP's session/update. */
export const ACP_BENCH_AGENT: AgentConfig = { ...BENCH_AGENT, id: 'bench-acp', kind: 'acp', args: [ACP_AGENT] };

/** Deltas streamed once before the measured burst, so the figures are those of a warmed-up host. */
const WARM_UP_EVENTS = 1_000;
/** How long the status reader runs alone, before the turn, as the noise floor of the machine. */
const BASELINE_MS = 500;
/** A pooled agent has usually idled a while before a session takes it; give it time to boot. */
const POOL_SETTLE_MS = 1_000;

export interface SessionSetup {
  readonly poolSize: number;
  /** Agents' priority; the extension's default when not given. */
  readonly cpuPriority?: CpuPriority;
}

/** A SessionManager as the extension builds it (transcripts persisted), over a bench supervisor. */
export async function withSessions<T>(
  context: HostContext,
  setup: SessionSetup,
  body: (manager: SessionManager, supervisor: Supervisor, cwd: string) => Promise<T>,
): Promise<T> {
  return withSupervisor(context, { sessionCpuPriority: setup.cpuPriority }, async (supervisor) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-bench-sessions-'));
    const manager = new SessionManager({
      supervisor,
      tasks: new TaskRegistry(context.logger),
      logger: context.logger,
      store: new TranscriptStore(path.join(dir, 'transcripts')),
      poolSize: setup.poolSize,
    });
    try {
      return await body(manager, supervisor, dir);
    } finally {
      await manager.shutdown();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
}

export function isAssistantText(change: TranscriptChange): boolean {
  return change.type === 'delta' || (change.type === 'append' && change.entry.kind === 'assistant');
}

export function spread(values: readonly number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
  return { p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), maxMs: maxOf(values) };
}

/**
 * Scenario 6a: status queries (get of the session, list of all) asked continuously while a turn
 * streams deltas at a model's pace. Queries never take the turn lock, so they wait only for
 * whatever the event loop is doing at that moment.
 */
export async function sessionStatus(context: HostContext, params: SessionStatusParams): Promise<SessionStatusResult> {
  return withSessions(context, { poolSize: 0 }, async (manager, _supervisor, cwd) => {
    const session = await manager.create(BENCH_AGENT, cwd);
    let busyQueries = 0;
    const probe = new ReadProbe(() => {
      if (manager.get(session.id)?.state === 'busy') {
        busyQueries += 1;
      }
      manager.list();
    });
    probe.start();
    await sleep(BASELINE_MS);
    // Only kept here: sorting a hundred thousand samples now would be measured by the probe itself.
    const baselineWaits = probe.drain();
    const turn = manager.send(session.id, `pace ${params.deltas} ${params.deltaDelayMs}`, cwd);
    await turn;
    const waits = await probe.stop();
    const baseline = spread(baselineWaits);
    return {
      ...spread(waits),
      baselineP99Ms: baseline.p99Ms,
      baselineMaxMs: baseline.maxMs,
      queries: waits.length,
      busyQueries,
    };
  });
}

/**
 * Scenario 6b: the path of one streamed token, from the agent's stdout chunk reaching the core to
 * the panel's `{type:'transcript', change}` message built and serialized (what postMessage does).
 * A stdout tap installed before the session's own marks each chunk's arrival; every assistant-text
 * transcript change is charged the time since the previous mark, so the figures add up to the
 * whole processing time of each chunk.
 */
export async function sessionEvents(context: HostContext, params: SessionEventsParams): Promise<SessionEventsResult> {
  return withSessions(context, { poolSize: 0 }, async (manager, supervisor, cwd) => {
    let counting = false;
    let chunkAt = 0;
    let mark = 0;
    let lastEventAt = 0;
    let eventsInChunk = 0;
    let chunks = 0;
    let firstChunkAt = 0;
    let wireChars = 0;
    const perEvent: number[] = [];
    const perChunk: number[] = [];
    const finishChunk = (): void => {
      if (eventsInChunk > 0) {
        perChunk.push(lastEventAt - chunkAt);
      }
      eventsInChunk = 0;
    };
    const onChunk = (): void => {
      if (!counting) {
        return;
      }
      finishChunk();
      chunkAt = performance.now();
      mark = chunkAt;
      firstChunkAt ||= chunkAt;
      chunks += 1;
    };
    // The worker is announced (synchronously, in upsert) before the connection installs its own
    // tap, so this tap runs first for every chunk: it sees the chunk before it is decoded.
    const added = supervisor.onDidChangeWorker((change) => {
      if (change.kind === 'added' && change.view.source === 'session') {
        supervisor.tapStdout(change.view.id, onChunk);
      }
    });
    const transcript = manager.onDidChangeTranscript((event) => {
      // What SessionPanel posts for every change; postMessage serializes it.
      const message: ExtensionMessage = { type: 'transcript', change: event.change };
      wireChars += JSON.stringify(message).length;
      if (!counting || !isAssistantText(event.change)) {
        return;
      }
      const now = performance.now();
      perEvent.push(now - mark);
      mark = now;
      lastEventAt = now;
      eventsInChunk += 1;
    });
    try {
      const session = await manager.create(params.acp ? ACP_BENCH_AGENT : BENCH_AGENT, cwd);
      await manager.send(session.id, `burst ${WARM_UP_EVENTS}`, cwd);
      counting = true;
      const cpuBefore = process.cpuUsage();
      await manager.send(session.id, `burst ${params.events}`, cwd);
      const cpu = process.cpuUsage(cpuBefore);
      finishChunk();
      counting = false;
      if (perEvent.length !== params.events) {
        throw new Error(`expected ${params.events} transcript events, saw ${perEvent.length}`);
      }
      if (wireChars === 0) {
        throw new Error('no webview message was built');
      }
      return {
        perEvent: spread(perEvent),
        perChunk: spread(perChunk),
        cpuPerEventMs: (cpu.user + cpu.system) / 1_000 / perEvent.length,
        events: perEvent.length,
        chunks,
        eventsPerSecond: perEvent.length / ((lastEventAt - firstChunkAt) / 1_000),
      };
    } finally {
      added.dispose();
      transcript.dispose();
    }
  });
}

/**
 * Time to first token of a new session: from asking for it to the first streamed text of its first
 * reply. Cold, the agent process is spawned on demand; warm, the pool already holds one (filled,
 * as in the extension, after a first session with that agent).
 */
export async function sessionTtft(context: HostContext, params: SessionTtftParams): Promise<SessionTtftResult> {
  return withSessions(context, { poolSize: params.warm ? 1 : 0 }, async (manager, supervisor, cwd) => {
    if (params.warm) {
      await manager.create(BENCH_AGENT, cwd);
      await waitUntil(
        'the warm pool to hold a running agent',
        () => supervisor.snapshot().some((view) => view.id.startsWith('pool-') && view.state === 'running'),
        10_000,
      );
      await sleep(POOL_SETTLE_MS);
    }
    let sessionId: string | undefined;
    let resolveFirst: (at: number) => void = () => undefined;
    const firstToken = new Promise<number>((resolve) => (resolveFirst = resolve));
    const subscription = manager.onDidChangeTranscript((event) => {
      if (event.sessionId === sessionId && isAssistantText(event.change)) {
        resolveFirst(performance.now());
      }
    });
    try {
      const startedAt = performance.now();
      const view = await manager.create(BENCH_AGENT, cwd);
      sessionId = view.id;
      const turn = manager.send(view.id, 'hello', cwd);
      // send() reports a failed turn in the transcript, not by rejecting: a turn that ends without
      // text must not leave this waiting for a token that never comes.
      const noText = turn.then((): number => {
        throw new Error('the first turn of the new session ended without streamed text');
      });
      const firstAt = await Promise.race([firstToken, noText]);
      await turn;
      return { ttftMs: firstAt - startedAt, fromPool: view.workerId?.startsWith('pool-') === true };
    } finally {
      subscription.dispose();
    }
  });
}
