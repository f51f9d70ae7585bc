import { spawn } from 'node:child_process';
import { LoopDelayProbe } from '../eventLoop';
import { killRepProcesses } from '../orphans';
import { MARKER_VAR } from '../../test/helpers/processes';
import { FLOOD_WRITER } from '../paths';
import { sleep, waitUntil } from '../processes';
import { benchDefinition, HostContext, withSupervisor } from './context';
import { FloodParams, FloodResult, NodeFloodParams } from './protocol';

const MB = 1_000_000;

/** What the output listener saw of one worker. */
interface Seen {
  lines: number;
  maxSeq: number;
  lastAt: number;
  textChars: number;
}

/** JS heap in use plus the memory outside it that JS objects hold (Buffers). */
function heapMB(): number {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.external) / MB;
}

/** Lines floodWriter prints: whole 64 KiB writes of lines until at least `bytes` are out. */
export function floodLines(bytes: number, lineBytes: number): number {
  const linesPerChunk = Math.max(1, Math.floor(65_536 / lineBytes));
  return Math.ceil(bytes / (linesPerChunk * lineBytes)) * linesPerChunk;
}

/** How far a flood has got, as the reader under test reports it. */
interface FloodProgress {
  /** True once every writer's last line has been read. */
  done(): boolean;
  /** When the last line was read (epoch ms). */
  lastAt(): number;
  textChars(): number;
}

function writerArgs(params: NodeFloodParams, startAt: number): string[] {
  return [FLOOD_WRITER, String(params.bytesPerWorker), String(params.lineBytes), String(startAt)];
}

/**
 * Waits for the agreed start, takes the memory baseline, probes the event loop until the reader has
 * everything, and reads the kernel's high-water mark. The writers must already be running.
 */
async function measureFlood(
  params: NodeFloodParams,
  startAt: number,
  progress: FloodProgress,
): Promise<Omit<FloodResult, 'linesDroppedFromBatches'>> {
  const untilStart = startAt - Date.now();
  if (untilStart < 50) {
    throw new Error(`starting the writers took too long: only ${untilStart} ms were left before the flood`);
  }
  await sleep(untilStart - 50);
  global.gc?.();
  const baselineRssMB = process.memoryUsage.rss() / MB;
  const baselineHeapMB = heapMB();
  const probe = new LoopDelayProbe();
  probe.start();
  await waitUntil('every flood worker to be read to its end', () => progress.done(), 120_000, 5);
  const loop = probe.stop();
  // The kernel's high-water mark (KiB): a peak between two samples cannot be missed.
  const peakRssMB = (process.resourceUsage().maxRSS * 1024) / MB;
  // What the buffers really hold once the flood's garbage is collected (the workers still run).
  global.gc?.();
  const retainedMB = heapMB() - baselineHeapMB;
  const windowMs = Math.max(1, progress.lastAt() - startAt);
  const bytes = floodLines(params.bytesPerWorker, params.lineBytes) * params.lineBytes * params.workers;
  return {
    throughputMBps: bytes / MB / (windowMs / 1_000),
    bytes,
    windowMs,
    baselineRssMB,
    peakRssMB,
    rssGrowthMB: Math.max(0, peakRssMB - baselineRssMB),
    retainedMB,
    loop,
    textCharsRead: progress.textChars(),
  };
}

/**
 * Scenario 3, Shepherd's side: N workers (bench/agents/floodWriter.ts) each print B bytes in fixed-size
 * lines as fast as their pipe accepts, all starting at the same moment `startAt`, once their Node
 * has booted. A listener on onDidOutput counts what arrives, reading every line's text when `readText`
 * (as the output panel of a worker the user shows does) or only the batch's count (a worker nobody shows).
 * Throughput runs from `startAt` to the moment the core completed the last line.
 */
export async function flood(context: HostContext, params: FloodParams): Promise<FloodResult> {
  const lastSeq = floodLines(params.bytesPerWorker, params.lineBytes);

  return withSupervisor(context, {}, async (supervisor) => {
    const ids = Array.from({ length: params.workers }, (_, i) => `flood-${i}`);
    const seen = new Map<string, Seen>();
    const startAt = Date.now() + params.startDelayMs;
    for (const id of ids) {
      supervisor.upsert(
        benchDefinition(id, process.execPath, writerArgs(params, startAt), {
          outputBufferBytes: params.outputBufferBytes,
        }),
      );
      seen.set(id, { lines: 0, maxSeq: 0, lastAt: 0, textChars: 0 });
    }
    const subscription = supervisor.onDidOutput((batch) => {
      const record = seen.get(batch.workerId);
      if (!record) {
        return;
      }
      if (params.readText) {
        // What an open output panel does with a batch: one string of its lines.
        const lines = batch.lines;
        record.textChars += lines.map((line) => line.text).join('\n').length;
        record.lines += lines.length;
      } else {
        record.lines += batch.count;
      }
      record.maxSeq = Math.max(record.maxSeq, batch.lastSeq);
      record.lastAt = Math.max(record.lastAt, batch.lastAt);
    });
    await Promise.all(ids.map((id) => supervisor.start(id)));
    const records = [...seen.values()];
    const measured = await measureFlood(params, startAt, {
      done: () => records.every((s) => s.maxSeq >= lastSeq),
      lastAt: () => Math.max(...records.map((s) => s.lastAt)),
      textChars: () => records.reduce((sum, s) => sum + s.textChars, 0),
    });
    subscription.dispose();
    await supervisor.stopAll({ graceMs: 1_000 });
    return { ...measured, linesDroppedFromBatches: records.reduce((sum, s) => sum + (s.maxSeq - s.lines), 0) };
  });
}

/**
 * The floor under scenario 3: the same writers read by plain Node streams that only count bytes,
 * with no supervisor, no lines and no buffer. What Node allocates per pipe read (a fresh Buffer,
 * freed at the next collection) is in every reader's memory growth, Shepherd's included.
 */
export async function floodNodeOnly(context: HostContext, params: NodeFloodParams): Promise<FloodResult> {
  const expected = floodLines(params.bytesPerWorker, params.lineBytes) * params.lineBytes;
  const startAt = Date.now() + params.startDelayMs;
  const received = new Array<number>(params.workers).fill(0);
  let lastAt = 0;
  const children = received.map((_, index) => {
    const child = spawn(process.execPath, writerArgs(params, startAt), {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, [MARKER_VAR]: context.repMarker },
    });
    child.stdout.on('data', (chunk: Buffer) => {
      received[index] += chunk.length;
      lastAt = Date.now();
    });
    return child;
  });
  try {
    const measured = await measureFlood(params, startAt, {
      done: () => received.every((bytes) => bytes >= expected),
      lastAt: () => lastAt,
      textChars: () => 0,
    });
    return { ...measured, linesDroppedFromBatches: 0 };
  } finally {
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await killRepProcesses(context.repMarker);
  }
}
