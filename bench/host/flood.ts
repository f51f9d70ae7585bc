import { LoopDelayProbe } from '../eventLoop';
import { FLOOD_WRITER } from '../paths';
import { sleep, waitUntil } from '../processes';
import { benchDefinition, HostContext, withSupervisor } from './context';
import { FloodParams, FloodResult } from './protocol';

const MB = 1_000_000;

/** What the output listener saw of one worker. */
interface Seen {
  lines: number;
  maxSeq: number;
  lastAt: number;
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

/**
 * Scenario 3, Shepherd's side: N workers (bench/agents/floodWriter.ts) each print B bytes in fixed-size
 * lines as fast as their pipe accepts, all starting at the same moment `startAt`, once their Node
 * has booted. A listener on onDidOutput, like the extension's output view, counts what arrives.
 * Throughput runs from `startAt` to the moment the core completed the last line (OutputLine.at).
 */
export async function flood(context: HostContext, params: FloodParams): Promise<FloodResult> {
  const lastSeq = floodLines(params.bytesPerWorker, params.lineBytes);

  return withSupervisor(context, {}, async (supervisor) => {
    const ids = Array.from({ length: params.workers }, (_, i) => `flood-${i}`);
    const seen = new Map<string, Seen>();
    const startAt = Date.now() + params.startDelayMs;
    for (const id of ids) {
      supervisor.upsert(
        benchDefinition(id, process.execPath, [FLOOD_WRITER, String(params.bytesPerWorker), String(params.lineBytes), String(startAt)], {
          outputBufferBytes: params.outputBufferBytes,
        }),
      );
      seen.set(id, { lines: 0, maxSeq: 0, lastAt: 0 });
    }
    const subscription = supervisor.onDidOutput((batch) => {
      const record = seen.get(batch.workerId);
      if (!record || batch.lines.length === 0) {
        return;
      }
      record.lines += batch.lines.length;
      const last = batch.lines[batch.lines.length - 1];
      record.maxSeq = Math.max(record.maxSeq, last.seq);
      record.lastAt = Math.max(record.lastAt, last.at);
    });

    await Promise.all(ids.map((id) => supervisor.start(id)));
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
    await waitUntil('every flood worker to be read to its end', () => [...seen.values()].every((s) => s.maxSeq >= lastSeq), 120_000, 5);
    const loop = probe.stop();
    subscription.dispose();
    // The kernel's high-water mark (KiB): a peak between two samples cannot be missed.
    const peakRssMB = (process.resourceUsage().maxRSS * 1024) / MB;
    // What the buffers really hold once the flood's garbage is collected (the workers still run).
    global.gc?.();
    const retainedMB = heapMB() - baselineHeapMB;

    const records = [...seen.values()];
    const lastAt = Math.max(...records.map((s) => s.lastAt));
    const windowMs = Math.max(1, lastAt - startAt);
    const bytes = lastSeq * params.lineBytes * params.workers;
    await supervisor.stopAll({ graceMs: 1_000 });
    return {
      throughputMBps: bytes / MB / (windowMs / 1_000),
      bytes,
      windowMs,
      baselineRssMB,
      peakRssMB,
      rssGrowthMB: Math.max(0, peakRssMB - baselineRssMB),
      retainedMB,
      loop,
      linesDroppedFromBatches: records.reduce((sum, s) => sum + (s.maxSeq - s.lines), 0),
    };
  });
}
