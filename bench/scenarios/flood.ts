import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_OUTPUT_BUFFER_BYTES } from '../../src/core/definitions/workerDefinition';
import { runOnHost } from '../hostClient';
import { floodLines } from '../host/flood';
import { FloodResult } from '../host/protocol';
import { killRepProcesses, newMarker } from '../orphans';
import { MARKER_VAR } from '../../test/helpers/processes';
import { FLOOD_WRITER } from '../paths';
import { readMemory } from '../procStatus';
import { sleep } from '../processes';
import { pairwiseRatio, summarize } from '../stats';
import { forEachRep, Scenario, withPm2 } from './scenario';

const MB = 1_000_000;
/** How often pm2's log files are measured; pm2's window may read up to this much too long. */
const POLL_MS = 10;
/** Time for ten writers to boot on a busy two-core machine before they all start together. */
const START_DELAY_MS = 3_000;

interface Pm2FloodRep {
  readonly throughputMBps: number;
  readonly rssGrowthMB: number;
  readonly peakRssMB: number;
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (error) {
    // pm2 creates each log file when its app first writes; until then it holds nothing.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 0;
    }
    throw error;
  }
}

/**
 * pm2's side: the same writers as pm2 apps; pm2's daemon reads their pipes into log files. Timed
 * from the writers' common start to the last byte of the last log, polled from outside. A fresh
 * daemon per repetition, so its memory high-water mark belongs to this flood alone.
 */
async function pm2Flood(
  problems: string[],
  workers: number,
  bytesPerWorker: number,
  lineBytes: number,
): Promise<Pm2FloodRep> {
  return withPm2(problems, async (pm2) => {
    const repMarker = newMarker('rep');
    try {
      const daemon = pm2.daemonPid;
      if (daemon === undefined) {
        throw new Error('pm2 wrote no daemon pid file');
      }
      const startAt = Date.now() + START_DELAY_MS;
      const apps = Array.from({ length: workers }, (_, i) => ({
        name: `flood-${i}`,
        script: process.execPath,
        args: [FLOOD_WRITER, String(bytesPerWorker), String(lineBytes), String(startAt)],
        env: { [MARKER_VAR]: repMarker },
      }));
      const expected = floodLines(bytesPerWorker, lineBytes) * lineBytes;
      const logs = apps.map((app) => path.join(pm2.home, 'logs', `${app.name}-out.log`));
      await pm2.cli(['start', await pm2.writeEcosystem('flood.json', apps)]);
      const untilStart = startAt - Date.now();
      if (untilStart < 50) {
        throw new Error(`pm2 took too long to start the writers: only ${untilStart} ms were left before the flood`);
      }
      await sleep(untilStart - 50);
      const baseline = await readMemory(daemon);
      let doneAt: number | undefined;
      const deadline = performance.now() + 120_000;
      while (doneAt === undefined) {
        const sizes = await Promise.all(logs.map(fileSize));
        const now = Date.now();
        if (sizes.every((size) => size >= expected)) {
          doneAt = now;
        } else if (performance.now() > deadline) {
          throw new Error(
            `pm2 logged only ${sizes.reduce((a, b) => a + b, 0)} of ${bytesPerWorker * workers} bytes in 120 s`,
          );
        } else {
          await sleep(POLL_MS);
        }
      }
      const sizes = await Promise.all(logs.map(fileSize));
      const bytes = sizes.reduce((a, b) => a + b, 0);
      const peak = await readMemory(daemon);
      await pm2.cli(['delete', 'all']);
      return {
        throughputMBps: bytes / MB / (Math.max(1, doneAt - startAt) / 1_000),
        rssGrowthMB: Math.max(0, peak.peakMB - baseline.rssMB),
        peakRssMB: peak.peakMB,
      };
    } finally {
      await killRepProcesses(repMarker);
    }
  });
}

export const floodScenario: Scenario = {
  number: 3,
  title: 'Output flood',
  async run(config, problems) {
    const workers = config.floodWorkers;
    const capBytes = DEFAULT_OUTPUT_BUFFER_BYTES;
    const shepherd: FloodResult[] = [];
    const shown: FloodResult[] = [];
    const nodeOnly: FloodResult[] = [];
    const pm2Reps: Pm2FloodRep[] = [];
    await forEachRep(config.reps, async (_rep, shepherdFirst) => {
      const runShepherd = async (readText: boolean): Promise<FloodResult> => {
        const outcome = await runOnHost('flood', {
          workers,
          bytesPerWorker: config.floodBytesPerWorker,
          lineBytes: config.floodLineBytes,
          outputBufferBytes: capBytes,
          startDelayMs: START_DELAY_MS,
          readText,
        });
        problems.push(...outcome.problems);
        return outcome.result;
      };
      const steps = [
        async (): Promise<void> => {
          shepherd.push(await runShepherd(false));
          shown.push(await runShepherd(true));
          const floor = await runOnHost('flood-node-only', {
            workers,
            bytesPerWorker: config.floodBytesPerWorker,
            lineBytes: config.floodLineBytes,
            startDelayMs: START_DELAY_MS,
          });
          problems.push(...floor.problems);
          nodeOnly.push(floor.result);
        },
        async (): Promise<void> => {
          pm2Reps.push(await pm2Flood(problems, workers, config.floodBytesPerWorker, config.floodLineBytes));
        },
      ];
      for (const step of shepherdFirst ? steps : steps.reverse()) {
        await step();
      }
    });
    const throughput = summarize(shepherd.map((r) => r.throughputMBps));
    const growth = summarize(shepherd.map((r) => r.rssGrowthMB));
    const p99 = summarize(shepherd.map((r) => r.loop.p99Ms));
    const growthLimit = (capBytes * workers) / MB + 20;
    const totalMB = (config.floodBytesPerWorker * workers) / MB;
    return {
      rows: [
        {
          metric: `Throughput, ${workers} workers × ${config.floodBytesPerWorker / 1_048_576} MiB (MB/s)`,
          shepherd: throughput,
          pm2: summarize(pm2Reps.map((r) => r.throughputMBps)),
          ratio: pairwiseRatio(
            shepherd.map((r) => r.throughputMBps),
            pm2Reps.map((r) => r.throughputMBps),
          ),
          goals: [{ text: '≥ 200 MB/s', met: throughput.median >= 200 }],
        },
        {
          metric: 'Supervising process peak RSS (MB)',
          shepherd: summarize(shepherd.map((r) => r.peakRssMB)),
          pm2: summarize(pm2Reps.map((r) => r.peakRssMB)),
        },
        {
          metric: 'RSS growth during the flood (MB)',
          shepherd: growth,
          pm2: summarize(pm2Reps.map((r) => r.rssGrowthMB)),
          goals: [{ text: `≤ ${growthLimit.toFixed(0)} MB (cap × workers + 20)`, met: growth.median <= growthLimit }],
        },
        {
          metric: 'Floor: RSS growth of plain Node streams reading the same flood and discarding it (MB)',
          shepherd: summarize(nodeOnly.map((r) => r.rssGrowthMB)),
        },
        {
          metric: "RSS growth with every worker's output shown: the listener reads all text (MB)",
          shepherd: summarize(shown.map((r) => r.rssGrowthMB)),
          pm2: summarize(pm2Reps.map((r) => r.rssGrowthMB)),
        },
        {
          metric: "Throughput with every worker's output shown (MB/s)",
          shepherd: summarize(shown.map((r) => r.throughputMBps)),
        },
        {
          metric: 'Memory the buffers still hold after a full GC, over the baseline (MB)',
          shepherd: summarize(shepherd.map((r) => r.retainedMB)),
        },
        {
          metric: 'Event-loop delay during the flood, p99 (ms)',
          shepherd: p99,
          goals: [{ text: '< 20 ms', met: p99.median < 20 }],
        },
        {
          metric: 'Event-loop delay during the flood, max (ms)',
          shepherd: summarize(shepherd.map((r) => r.loop.maxMs)),
        },
      ],
      notes: [
        `Writers: bench/agents/floodWriter.ts under Node, ${config.floodLineBytes}-byte lines in 64 KiB writes, ${totalMB.toFixed(0)} MB in all per repetition. Every writer of a repetition waits for one agreed moment (${START_DELAY_MS / 1_000} s after the request, once all have booted) and then writes as fast as its pipe takes it.`,
        `Shepherd keeps ${capBytes / 1_048_576} MiB per worker (the default output cap) as raw bytes and hands batches to an onDidOutput listener. In the goal's run the listener only counts (the extension decodes a worker's lines only while its output panel is open); in the "output shown" run it reads every line's text and joins each batch, as an open panel does. The window ends when the core completed the last line (1 ms steps). pm2's daemon writes the same output to its log files; its window ends when the last log holds every byte, polled every ${POLL_MS} ms from outside. Shepherd keeps a bounded in-memory buffer, pm2 appends to disk: the ratio compares the two ways of doing the job.`,
        'Peak RSS is the kernel high-water mark (resourceUsage().maxRSS for the host, VmHWM for pm2\'s daemon, fresh per repetition); growth is peak minus the resident size just before the flood. It includes what V8 lets accumulate between collections; the "after a full GC" row is what remains with every buffer still full, i.e. what the bounds really hold (the rings are allocated whole, so it counts all of every cap).',
        "The floor row reads the same writers with plain child_process streams that count bytes and keep nothing. Node hands every pipe read to JavaScript in a fresh Buffer that lives until the next collection, so tens of MB of them are resident at the peak of a flood whatever the reader does; that floor is most of Shepherd's growth, and it is what keeps the goal (cap × workers + 20 MB) out of reach for any Node reader at this rate.",
        `Lines a text-reading listener never saw because the buffer had dropped them before their batch: ${shown.map((r) => r.linesDroppedFromBatches).join(', ')}.`,
      ],
      details: { shepherd, pm2: pm2Reps },
    };
  },
};
