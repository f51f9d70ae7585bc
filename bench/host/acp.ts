import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { SessionManager } from '../../src/core/sessions/sessionManager';
import { LoopDelayProbe } from '../eventLoop';
import { HostContext } from './context';
import {
  AcpFloodParams,
  AcpFloodResult,
  AcpScaleParams,
  AcpScaleResult,
  AcpTerminalsParams,
  AcpTerminalsResult,
} from './protocol';
import { ACP_BENCH_AGENT, isAssistantText, withSessions } from './sessions';

const MB = 1024 * 1024;

function heapMB(): number {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.external + usage.arrayBuffers) / MB;
}

/** The agent's last reply, which carries its own measurements as JSON. */
function lastReply(manager: SessionManager, sessionId: string): string {
  const replies = manager.transcript(sessionId).flatMap((e) => (e.kind === 'assistant' ? [e.text] : []));
  const last = replies[replies.length - 1];
  if (last === undefined) {
    throw new Error(`the agent did not reply: ${JSON.stringify(manager.transcript(sessionId)).slice(0, 500)}`);
  }
  return last;
}

/** terminal/create → the process running (the reply comes after the supervisor's start resolved). */
export async function acpTerminals(context: HostContext, params: AcpTerminalsParams): Promise<AcpTerminalsResult> {
  return withSessions(context, { poolSize: 0 }, async (manager, _supervisor, cwd) => {
    const session = await manager.create(ACP_BENCH_AGENT, cwd);
    // One warm-up create, so the first figure is not Node compiling the path.
    await manager.send(session.id, 'terminals 1', cwd);
    await manager.send(session.id, `terminals ${params.terminals}`, cwd);
    return { roundTripsMs: JSON.parse(lastReply(manager, session.id)) as number[] };
  });
}

/** A terminal printing far past its outputByteLimit, read through terminal/output: what the host keeps. */
export async function acpFlood(context: HostContext, params: AcpFloodParams): Promise<AcpFloodResult> {
  return withSessions(context, { poolSize: 0 }, async (manager, _supervisor, cwd) => {
    const session = await manager.create(ACP_BENCH_AGENT, cwd);
    await manager.send(session.id, 'flood 1048576 65536', cwd);
    global.gc?.();
    const baselineRssMB = process.memoryUsage.rss() / MB;
    const baselineHeapMB = heapMB();
    let peakRssMB = baselineRssMB;
    const sampler = setInterval(() => (peakRssMB = Math.max(peakRssMB, process.memoryUsage.rss() / MB)), 10);
    const startedAt = performance.now();
    try {
      await manager.send(session.id, `flood ${params.bytes} ${params.outputByteLimit}`, cwd);
    } finally {
      clearInterval(sampler);
    }
    const wallMs = performance.now() - startedAt;
    peakRssMB = Math.max(peakRssMB, process.memoryUsage.rss() / MB);
    global.gc?.();
    const read = JSON.parse(lastReply(manager, session.id)) as { outputChars: number; truncated: boolean };
    return {
      baselineRssMB,
      peakRssMB,
      rssGrowthMB: peakRssMB - baselineRssMB,
      retainedMB: heapMB() - baselineHeapMB,
      ...read,
      wallMs,
    };
  });
}

/** Many ACP sessions streaming at once: the host's event loop and what each session costs it. */
export async function acpScale(context: HostContext, params: AcpScaleParams): Promise<AcpScaleResult> {
  return withSessions(context, { poolSize: 0, cpuPriority: params.cpuPriority }, async (manager, _supervisor, cwd) => {
    // The first session loads the SDK and warms the path; it is not counted.
    const first = await manager.create(ACP_BENCH_AGENT, cwd);
    await manager.send(first.id, 'burst 1000', cwd);
    await manager.close(first.id);
    global.gc?.();
    const baselineRssMB = process.memoryUsage.rss() / MB;
    const sessions = await Promise.all(
      Array.from({ length: params.sessions }, () => manager.create(ACP_BENCH_AGENT, cwd)),
    );
    let events = 0;
    const counted = manager.onDidChangeTranscript((event) => {
      if (isAssistantText(event.change)) {
        events += 1;
      }
    });
    const probe = new LoopDelayProbe();
    probe.start();
    const cpuAtStart = process.cpuUsage();
    const startedAt = performance.now();
    try {
      await Promise.all(
        sessions.map((view) => manager.send(view.id, `pace ${params.chunks} ${params.chunkDelayMs}`, cwd)),
      );
    } finally {
      counted.dispose();
    }
    const loop = probe.stop();
    const seconds = (performance.now() - startedAt) / 1_000;
    const cpu = process.cpuUsage(cpuAtStart);
    const loadAverage1m = os.loadavg()[0];
    global.gc?.();
    const rssMB = process.memoryUsage.rss() / MB;
    if (events < params.sessions * params.chunks) {
      throw new Error(`expected ${params.sessions * params.chunks} text events, saw ${events}`);
    }
    return {
      loop,
      baselineRssMB,
      rssMB,
      rssPerSessionMB: (rssMB - baselineRssMB) / params.sessions,
      chunksPerSecondPerSession: events / params.sessions / seconds,
      events,
      hostCpuSeconds: (cpu.user + cpu.system) / 1e6,
      streamingSeconds: seconds,
      loadAverage1m,
    };
  });
}
