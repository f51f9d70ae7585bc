import { CpuPriority } from '../../src/core/process/cpuPriority';
/**
 * What the bench driver and a host process say to each other over the IPC channel of `fork`.
 * One host process serves exactly one request (one repetition), so its memory, timers and
 * event loop start clean every time and nothing of the driver (pm2's CLI, /proc scans) runs in it.
 */
import type { LoopDelay } from '../eventLoop';

export interface StopStubbornParams {
  readonly workers: number;
  readonly graceMs: number;
}

export interface StopStubbornResult {
  readonly wallMs: number;
  readonly loop: LoopDelay;
  /** Live marked processes found right after stopAll resolved. */
  readonly orphans: number;
  /** Processes seen in the groups before the stop (each shell and its two sleeps). */
  readonly processesBefore: number;
  readonly outcomes: Readonly<Record<string, number>>;
}

export interface StartManyParams {
  readonly workers: number;
}

export interface StartManyResult {
  readonly wallMs: number;
  readonly running: number;
  readonly loop: LoopDelay;
}

/** A flood read by plain Node streams: the writers only. */
export interface NodeFloodParams {
  readonly workers: number;
  readonly bytesPerWorker: number;
  readonly lineBytes: number;
  /** From the request to the moment every writer starts writing, long enough for all to boot. */
  readonly startDelayMs: number;
}

export interface FloodParams extends NodeFloodParams {
  readonly outputBufferBytes: number;
  /** The output listener reads every line's text, as an open output panel does. */
  readonly readText: boolean;
}

export interface FloodResult {
  /** Bytes (lines and their newlines) that reached an output listener, from the writers' common start to the last line. */
  readonly throughputMBps: number;
  readonly bytes: number;
  readonly windowMs: number;
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
  readonly rssGrowthMB: number;
  /** Heap and external memory still held after a full GC at the end of the flood, over the baseline. */
  readonly retainedMB: number;
  readonly loop: LoopDelay;
  /** Lines a listener reading text never saw: the buffer dropped them before their batch (0 when only counting). */
  readonly linesDroppedFromBatches: number;
  /** Characters of text the listener read (0 when only counting). */
  readonly textCharsRead: number;
}

export interface IdleParams {
  readonly workers: number;
  readonly windows: number;
  readonly windowMs: number;
}

/** What process.getActiveResourcesInfo() listed, by kind. */
export type ResourceCounts = Readonly<Record<string, number>>;

export interface IdleResult {
  /** CPU time (user + system) of the host over each window, as a share of one core. */
  readonly cpuPercent: readonly number[];
  readonly rssMB: readonly number[];
  /** Resources at the end of each window; they must not drift. */
  readonly resources: readonly ResourceCounts[];
  /** Timers alive at the end of each window, ref'd or not (see timerCensus.ts). */
  readonly timers: readonly number[];
}

export interface SweepParams {
  readonly entries: number;
  readonly deadPerRep: number;
  readonly sweeps: number;
  readonly reps: number;
}

export interface SweepRep {
  /** Longest time a get()+list() pair waited, from being asked to being answered, across the rep's sweeps. */
  readonly maxWaitMs: number;
  readonly p99WaitMs: number;
  /** The same reader with no sweep running, just before: the noise floor of the machine. */
  readonly baselineMaxWaitMs: number;
  readonly baselineP99WaitMs: number;
  readonly reads: number;
  /** Median duration of one sweep. */
  readonly sweepMs: number;
  readonly removed: number;
}

export interface SweepResult {
  readonly reps: readonly SweepRep[];
}

export interface SessionStatusParams {
  readonly deltas: number;
  readonly deltaDelayMs: number;
}

export interface SessionStatusResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The same reader with no turn running, just before: the noise floor of the machine. */
  readonly baselineP99Ms: number;
  readonly baselineMaxMs: number;
  readonly queries: number;
  readonly busyQueries: number;
}

export interface SessionEventsParams {
  readonly events: number;
  /** The ACP agent (session/update over JSON-RPC) instead of the Claude Code one (stream-json). */
  readonly acp?: boolean;
}

export interface SessionEventsResult {
  /** Time each transcript event added, from its line being handed to the core to its webview message being serialized. */
  readonly perEvent: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  /** From a stdout chunk arriving to the last webview message it produced. */
  readonly perChunk: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  /** All CPU time of the host during the burst, divided by the events. */
  readonly cpuPerEventMs: number;
  readonly events: number;
  readonly chunks: number;
  readonly eventsPerSecond: number;
}

export interface SessionTtftParams {
  readonly warm: boolean;
}

export interface SessionTtftResult {
  /** From asking for a new session to the first streamed token of its first reply. */
  readonly ttftMs: number;
  /** Whether the session's agent came from the warm pool. */
  readonly fromPool: boolean;
}

export interface FleetParams {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly fleetSecret: string;
  /** Simulated peers, each a copy of this host's heartbeat. */
  readonly peers: number;
  readonly workersPerPeer: number;
  readonly rounds: number;
  /** The real peer process whose stubborn workers are stopped. */
  readonly peerHostId: string;
}

export interface RemoteStopSample {
  /** From the command sent to the worker's whole group gone (probed every 2 ms). */
  readonly goneMs: number;
  /** From the command sent to the peer's signed answer received. */
  readonly answerMs: number;
  readonly message: string;
}

export interface FleetResult {
  /** Hosts the last discovery round found (simulated peers and the real one). */
  readonly hosts: number;
  /** The window's own heartbeat with its real workers, as written to Redis. */
  readonly heartbeatBytes: number;
  /** Each discovery round (SCAN + pipelined reads + parsing + the view), back to back. */
  readonly roundMs: readonly number[];
  readonly loop: LoopDelay;
  /** The same probe for 2 s with nothing of the fleet running, just before. */
  readonly loopFloor: LoopDelay;
  readonly redisCpuPerRoundMs: number;
  readonly stops: readonly RemoteStopSample[];
}

export interface AcpTerminalsParams {
  readonly terminals: number;
}

export interface AcpTerminalsResult {
  /** terminal/create round trips as the agent timed them: the reply comes once the process runs. */
  readonly roundTripsMs: readonly number[];
}

export interface AcpFloodParams {
  readonly bytes: number;
  readonly outputByteLimit: number;
}

export interface AcpFloodResult {
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
  readonly rssGrowthMB: number;
  /** Heap and external memory still held after a full GC, over the baseline. */
  readonly retainedMB: number;
  readonly outputChars: number;
  readonly truncated: boolean;
  readonly wallMs: number;
}

export interface AcpScaleParams {
  readonly sessions: number;
  readonly chunks: number;
  /** Between two chunks of one agent: 5 ms is 200 chunks/s. */
  readonly chunkDelayMs: number;
  /** The agents' priority (shepherd.sessions.cpuPriority). */
  readonly cpuPriority: CpuPriority;
}

export interface AcpScaleResult {
  readonly loop: LoopDelay;
  readonly baselineRssMB: number;
  /** RSS at the end of the streaming, with every session open, and after a full GC. */
  readonly rssMB: number;
  readonly rssPerSessionMB: number;
  /** Chunks per second per session, as received. */
  readonly chunksPerSecondPerSession: number;
  readonly events: number;
  /** The host's own CPU time (user + system) over the streaming, and that streaming's wall time. */
  readonly hostCpuSeconds: number;
  readonly streamingSeconds: number;
  /** The machine's 1-minute load average when the streaming ended. */
  readonly loadAverage1m: number;
}

export interface AcpFloorParams {
  readonly sessions: number;
  readonly chunks: number;
  readonly chunkDelayMs: number;
  /** The agents' priority, as Shepherd would give it to them. */
  readonly cpuPriority: CpuPriority;
  /** How long the idle host measures its event loop while the agents stream. */
  readonly seconds: number;
}

export interface AcpFloorResult {
  readonly loop: LoopDelay;
  readonly loadAverage1m: number;
}

/** Every request kind with its parameters and its result. */
export interface HostApi {
  'stop-stubborn': { params: StopStubbornParams; result: StopStubbornResult };
  'start-many': { params: StartManyParams; result: StartManyResult };
  flood: { params: FloodParams; result: FloodResult };
  'flood-node-only': { params: NodeFloodParams; result: FloodResult };
  idle: { params: IdleParams; result: IdleResult };
  sweep: { params: SweepParams; result: SweepResult };
  'session-status': { params: SessionStatusParams; result: SessionStatusResult };
  'session-events': { params: SessionEventsParams; result: SessionEventsResult };
  'session-ttft': { params: SessionTtftParams; result: SessionTtftResult };
  fleet: { params: FleetParams; result: FleetResult };
  'acp-terminals': { params: AcpTerminalsParams; result: AcpTerminalsResult };
  'acp-flood': { params: AcpFloodParams; result: AcpFloodResult };
  'acp-scale': { params: AcpScaleParams; result: AcpScaleResult };
  'acp-floor': { params: AcpFloorParams; result: AcpFloorResult };
}

export type HostKind = keyof HostApi;

export interface HostRequest<K extends HostKind = HostKind> {
  readonly kind: K;
  readonly params: HostApi[K]['params'];
  /** Set as SHEPHERD_TEST_MARKER (MARKER_VAR) on every worker of this repetition. */
  readonly repMarker: string;
}

export type HostReply<K extends HostKind = HostKind> =
  | { readonly ok: true; readonly result: HostApi[K]['result']; readonly problems: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly problems: readonly string[] };
