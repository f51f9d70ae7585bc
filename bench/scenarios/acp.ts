import { runOnHost } from '../hostClient';
import { latencyGoal } from '../report';
import { AcpFloodResult, AcpFloorResult, AcpScaleResult, SessionEventsResult } from '../host/protocol';
import { percentile, summarize } from '../stats';
import { forEachRep, Scenario } from './scenario';
import { DEFAULT_SESSION_CPU_PRIORITY } from '../../src/core/process/cpuPriority';

const MIB = 1024 * 1024;
const TERMINALS = 50;
const FLOOD_BYTES = 10 * MIB;
const FLOOD_LIMIT = MIB;
const SCALE_SESSIONS = 50;
/** 5 ms between chunks is 200 chunks/s per agent; 2,000 chunks is ten seconds of streaming. */
const SCALE_CHUNK_DELAY_MS = 5;
const SCALE_CHUNKS = 2_000;
/** The floor is measured over the first seconds of the same streaming, without Shepherd reading it. */
const FLOOR_SECONDS = 10;

export const acpScenario: Scenario = {
  number: 10,
  title: 'ACP agents',
  async run(config, problems) {
    const events: SessionEventsResult[] = [];
    const createP50: number[] = [];
    const createP99: number[] = [];
    const floods: AcpFloodResult[] = [];
    const scales: AcpScaleResult[] = [];
    const normalScales: AcpScaleResult[] = [];
    const floors: AcpFloorResult[] = [];
    await forEachRep(config.reps, async () => {
      const eventsOutcome = await runOnHost('session-events', { events: config.sessionEvents, acp: true });
      const terminals = await runOnHost('acp-terminals', { terminals: TERMINALS });
      const flood = await runOnHost('acp-flood', { bytes: FLOOD_BYTES, outputByteLimit: FLOOD_LIMIT });
      const streaming = { sessions: SCALE_SESSIONS, chunks: SCALE_CHUNKS, chunkDelayMs: SCALE_CHUNK_DELAY_MS };
      const scale = await runOnHost('acp-scale', { ...streaming, cpuPriority: DEFAULT_SESSION_CPU_PRIORITY });
      // The same with the agents at normal priority (shepherd.sessions.cpuPriority "normal"), for comparison.
      const normalScale = await runOnHost('acp-scale', { ...streaming, cpuPriority: 'normal' });
      const floor = await runOnHost('acp-floor', {
        ...streaming,
        cpuPriority: DEFAULT_SESSION_CPU_PRIORITY,
        seconds: FLOOR_SECONDS,
      });
      for (const outcome of [eventsOutcome, terminals, flood, scale, normalScale, floor]) {
        problems.push(...outcome.problems);
      }
      events.push(eventsOutcome.result);
      createP50.push(percentile(terminals.result.roundTripsMs, 50));
      createP99.push(percentile(terminals.result.roundTripsMs, 99));
      floods.push(flood.result);
      scales.push(scale.result);
      normalScales.push(normalScale.result);
      floors.push(floor.result);
    });
    const eventP99 = summarize(events.map((r) => r.perEvent.p99Ms));
    const loopP99 = summarize(scales.map((r) => r.loop.p99Ms));
    const perSession = summarize(scales.map((r) => r.rssPerSessionMB));
    const floorP99 = summarize(floors.map((r) => r.loop.p99Ms));
    return {
      rows: [
        {
          metric: `10a. ACP session/update → webview message, per event, p50 (ms), ${config.sessionEvents} events`,
          shepherd: summarize(events.map((r) => r.perEvent.p50Ms)),
        },
        {
          metric: '10a. ACP session/update → webview message, per event, p99 (ms)',
          shepherd: eventP99,
          goals: [{ text: '< 0.2 ms', met: eventP99.median < 0.2 }],
        },
        {
          metric: '10a. Events per second through the whole path',
          shepherd: summarize(events.map((r) => r.eventsPerSecond)),
        },
        {
          metric: `10b. terminal/create → process running, p50 (ms), ${TERMINALS} creates`,
          shepherd: summarize(createP50),
        },
        { metric: '10b. terminal/create → process running, p99 (ms)', shepherd: summarize(createP99) },
        {
          metric: '10c. 10 MiB through terminal/output, outputByteLimit 1 MiB: host RSS growth (MB)',
          shepherd: summarize(floods.map((r) => r.rssGrowthMB)),
        },
        {
          metric: '10c. Host memory retained after the flood and a full GC (MB)',
          shepherd: summarize(floods.map((r) => r.retainedMB)),
        },
        {
          metric: `10d. ${SCALE_SESSIONS} ACP sessions streaming at once: host event loop p99 (ms)`,
          shepherd: loopP99,
          // The floor is the same agents streaming with nothing of Shepherd reading them.
          goals: [latencyGoal('< 10 ms', 10, loopP99.median, floorP99.median)],
        },
        { metric: '10d. Host event loop max (ms)', shepherd: summarize(scales.map((r) => r.loop.maxMs)) },
        {
          metric: '10d. Host RSS per session, agents excluded (MB)',
          shepherd: perSession,
          goals: [{ text: '< 2 MB', met: perSession.median < 2 }],
        },
        {
          metric: '10d. Chunks per second per session, as received',
          shepherd: summarize(scales.map((r) => r.chunksPerSecondPerSession)),
        },
        {
          metric: "10d. Host CPU over the streaming, % of one core (the host's share of the machine)",
          shepherd: summarize(scales.map((r) => (100 * r.hostCpuSeconds) / r.streamingSeconds)),
        },
        {
          metric: '10d. Machine 1-min load average at the end of the streaming',
          shepherd: summarize(scales.map((r) => r.loadAverage1m)),
        },
        {
          metric: '10d normal. The same with shepherd.sessions.cpuPriority "normal": host event loop p99 (ms)',
          shepherd: summarize(normalScales.map((r) => r.loop.p99Ms)),
        },
        {
          metric: '10d normal. Host event loop max (ms)',
          shepherd: summarize(normalScales.map((r) => r.loop.maxMs)),
        },
        {
          metric: '10d normal. Chunks per second per session, as received',
          shepherd: summarize(normalScales.map((r) => r.chunksPerSecondPerSession)),
        },
        {
          metric: '10d normal. Host CPU over the streaming, % of one core',
          shepherd: summarize(normalScales.map((r) => (100 * r.hostCpuSeconds) / r.streamingSeconds)),
        },
        {
          metric: `10d floor. Idle host, the same ${SCALE_SESSIONS} agents streaming to /dev/null: event loop p99 (ms)`,
          shepherd: floorP99,
        },
        { metric: '10d floor. Event loop max (ms)', shepherd: summarize(floors.map((r) => r.loop.maxMs)) },
      ],
      notes: [
        "The agent is bench/agents/acpAgent.ts, a Node program speaking ACP (JSON-RPC 2.0 over stdio) to a SessionManager and Supervisor configured like the extension's (transcripts persisted), in a fresh host process per measurement.",
        `10a: as 6b, with the ACP agent: after a 1,000-chunk warm-up, ${config.sessionEvents} agent_message_chunk updates back to back; each transcript change is charged the time since the previous one (or the stdout chunk's arrival), including the panel message built and JSON.stringify'd.`,
        `10b: the agent times each terminal/create request (\`/bin/sleep 30\`) until its answer, which Shepherd sends once Supervisor.start resolved (the process group spawned and running); each terminal is then killed and released. ${TERMINALS} creates after one warm-up.`,
        `10c: one terminal prints ${FLOOD_BYTES / MIB} MiB as fast as it can, with outputByteLimit ${FLOOD_LIMIT / MIB} MiB, and the agent reads terminal/output every 20 ms until it exits. RSS sampled every 10 ms against the baseline after a warm-up flood and a GC. Last read held ${floods.map((r) => r.outputChars).join(', ')} characters (truncated: ${floods.map((r) => r.truncated).join(', ')}); wall times ${floods.map((r) => Math.round(r.wallMs)).join(', ')} ms.`,
        `10d: ${SCALE_SESSIONS} sessions, each its own agent process streaming ${SCALE_CHUNKS} chunks ${SCALE_CHUNK_DELAY_MS} ms apart (200 chunks/s asked), all at once. Event-loop delay over the streaming (1 ms resolution). RSS per session: host RSS after the streaming and a full GC, with all sessions and their transcripts open, less the RSS before they were created (after one uncounted session loaded the ACP SDK), divided by ${SCALE_SESSIONS}; the agent processes are not in the host's RSS. The machine has 2 cores shared with the 50 agents and other jobs. Host CPU: process.cpuUsage over the streaming, against its wall time. The agents run at shepherd.sessions.cpuPriority's default, "${DEFAULT_SESSION_CPU_PRIORITY}": each agent starts in a session of its own, which Linux schedules as a group weighing as much as the whole host unless its nice value is raised (src/core/process/cpuPriority.ts).`,
        `10d normal: the same run with the agents at priority "normal" (nice 0), as before that setting existed.`,
        `10d floor: a fresh host spawns the same ${SCALE_SESSIONS} agents itself, each in a session of its own at the default priority as Shepherd would, writes them the same prompt, throws their output away (stdout is /dev/null) and only measures its own event loop for ${FLOOR_SECONDS} s: the delay the OS alone adds on this machine while the agents stream. Output to /dev/null costs the agents less than to a pipe, so this floor is if anything low.`,
      ],
      details: { events, createP50, createP99, floods, scales, normalScales, floors },
    };
  },
};
