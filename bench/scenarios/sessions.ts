import { runOnHost } from '../hostClient';
import { SessionEventsResult, SessionStatusResult } from '../host/protocol';
import { latencyGoal } from '../report';
import { median, pairwiseRatio, summarize } from '../stats';
import { forEachRep, Scenario } from './scenario';

export const sessionsScenario: Scenario = {
  number: 6,
  title: 'Agent sessions',
  async run(config, problems) {
    const status: SessionStatusResult[] = [];
    const events: SessionEventsResult[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    const warmFromPool: boolean[] = [];
    await forEachRep(config.reps, async (_rep, coldFirst) => {
      const statusOutcome = await runOnHost('session-status', {
        deltas: config.statusDeltas,
        deltaDelayMs: config.statusDeltaDelayMs,
      });
      const eventsOutcome = await runOnHost('session-events', { events: config.sessionEvents });
      problems.push(...statusOutcome.problems, ...eventsOutcome.problems);
      status.push(statusOutcome.result);
      events.push(eventsOutcome.result);
      for (const isWarm of coldFirst ? [false, true] : [true, false]) {
        const ttft = await runOnHost('session-ttft', { warm: isWarm });
        problems.push(...ttft.problems);
        (isWarm ? warm : cold).push(ttft.result.ttftMs);
        if (isWarm) {
          warmFromPool.push(ttft.result.fromPool);
        }
      }
    });
    const statusP99 = summarize(status.map((r) => r.p99Ms));
    const eventP99 = summarize(events.map((r) => r.perEvent.p99Ms));
    const pooled = warmFromPool.filter(Boolean).length;
    return {
      rows: [
        {
          metric: '6a. Status query (get + list) during a streaming turn, p50 (ms)',
          shepherd: summarize(status.map((r) => r.p50Ms)),
        },
        {
          metric: '6a. Status query during a streaming turn, p99 (ms)',
          shepherd: statusP99,
          goals: [latencyGoal('< 1 ms', 1, statusP99.median, median(status.map((r) => r.baselineP99Ms)))],
        },
        {
          metric: '6a. Status query during a streaming turn, max (ms)',
          shepherd: summarize(status.map((r) => r.maxMs)),
        },
        {
          metric: '6a. Noise floor: the same reader before the turn, max (ms)',
          shepherd: summarize(status.map((r) => r.baselineMaxMs)),
        },
        {
          metric: `6b. Stdout line → webview message, per event, p50 (ms), ${config.sessionEvents} events`,
          shepherd: summarize(events.map((r) => r.perEvent.p50Ms)),
        },
        {
          metric: '6b. Stdout line → webview message, per event, p99 (ms)',
          shepherd: eventP99,
          goals: [{ text: '< 0.2 ms', met: eventP99.median < 0.2 }],
        },
        {
          metric: '6b. Stdout line → webview message, per event, max (ms)',
          shepherd: summarize(events.map((r) => r.perEvent.maxMs)),
        },
        {
          metric: '6b. Stdout chunk → its last webview message, p99 (ms)',
          shepherd: summarize(events.map((r) => r.perChunk.p99Ms)),
        },
        { metric: '6b. All host CPU per event (ms)', shepherd: summarize(events.map((r) => r.cpuPerEventMs)) },
        {
          metric: '6b. Events per second through the whole path',
          shepherd: summarize(events.map((r) => r.eventsPerSecond)),
        },
        { metric: 'New session → first streamed token, cold (ms)', shepherd: summarize(cold) },
        { metric: 'New session → first streamed token, warm pool (ms)', shepherd: summarize(warm) },
        { metric: 'Warm ÷ cold first-token time', ratio: pairwiseRatio(warm, cold) },
      ],
      notes: [
        'The agent is bench/agents/streamAgent.ts, a Node program speaking Claude Code\'s stream-json protocol (kind "claude"), run by a SessionManager over a Supervisor configured like the extension\'s (transcripts persisted to a temporary store). pm2 has no sessions: these rows have no pm2 side.',
        `6a: the agent streams ${config.statusDeltas} deltas ${config.statusDeltaDelayMs} ms apart; a reader asks get(session) and list() through setImmediate from the moment the message is sent to the end of the turn (the turn lock is held throughout), and each wait runs from the ask to the answer. The same reader runs alone for 0.5 s before, as the noise floor. Queries per repetition: ${status.map((r) => r.queries).join(', ')} (${status.map((r) => r.busyQueries).join(', ')} while the session was busy).`,
        `6b: after a ${1_000}-delta warm-up turn, the agent writes ${config.sessionEvents} stream_event text deltas back to back. A stdout tap that runs before the session's own marks each chunk's arrival; each assistant-text transcript change (the manager's onDidChangeTranscript) is charged the time since the previous mark, including building the panel's {type:'transcript', change} message and JSON.stringify of it. The per-event figures therefore add up to the whole processing time of every chunk. Chunks per repetition: ${events.map((r) => r.chunks).join(', ')}.`,
        `First token: from SessionManager.create() to the first assistant text of the reply to "hello". Cold spawns the agent on demand; warm takes it from the WarmPool (filled after a first session, then given 1 s to boot). Warm sessions served from the pool: ${pooled} of ${warmFromPool.length}. The bench agent boots in tens of milliseconds; a real Claude Code start takes longer, so the pool saves more there.`,
      ],
      details: { status, events, ttft: { cold, warm, warmFromPool } },
    };
  },
};
