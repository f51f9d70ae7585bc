import { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Disposable, Emitter, Event, ListenerErrorHandler } from '../base/events';
import { describeError, Logger } from '../base/logger';
import { LineWriter, OutputBuffer, OutputLine, OutputStream } from '../output/outputBuffer';
import { PacedReader } from '../output/pacedReader';
import { ReadThrottle } from '../output/readThrottle';
import { EarlyOutput } from '../process/processLauncher';
import { WorkerRecord } from './workerRecord';

/** Output reaches listeners at most this often per worker: smooth to watch, cheap under a flood. */
export const DEFAULT_OUTPUT_BATCH_MS = 75;

/** New output of one worker since the previous batch. */
export interface OutputBatch {
  readonly workerId: string;
  /** Seq of the last line the batch covers; it covers every line after the previous batch's. */
  readonly lastSeq: number;
  /** When that last line was complete (epoch ms). */
  readonly lastAt: number;
  /** Lines printed since the previous batch, including any the buffer dropped before this one. */
  readonly count: number;
  /**
   * The batch's lines that the buffer still keeps, decoded on first read. Read them while the event
   * runs: later output may push them out of the buffer.
   */
  readonly lines: readonly OutputLine[];
}

/** A batch whose lines become strings only if a listener reads them (most workers' output is never shown). */
function outputBatch(workerId: string, output: OutputBuffer, afterSeq: number): OutputBatch {
  const lastSeq = output.lastSeq;
  let lines: OutputLine[] | undefined;
  return {
    workerId,
    lastSeq,
    lastAt: output.lastAt,
    count: lastSeq - afterSeq,
    get lines(): OutputLine[] {
      lines ??= output.linesBetween(afterSeq, lastSeq);
      return lines;
    },
  };
}

/** One process's pipes as the batcher reads them. */
export interface FollowedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** What the pipes carried before the batcher took over, handed over first. */
  readonly early: { readonly stdout: EarlyOutput; readonly stderr: EarlyOutput };
  readonly writers: Record<OutputStream, LineWriter>;
}

export interface OutputBatcherOptions {
  readonly logger: Logger;
  readonly onListenerError: ListenerErrorHandler;
  readonly batchMs?: number;
  /** Milliseconds of output handling per turn of the event loop, across all workers (see ReadThrottle). */
  readonly readBudgetMs?: number;
  /** A worker whose buffer dropped lines since its previous batch: its view's count is stale. */
  readonly droppedLines: (record: WorkerRecord) => void;
}

/**
 * The path of output from a worker's pipes to listeners: raw stdout, in slices, to its taps (protocol
 * adapters, which cannot wait), every chunk into its line buffer, and the new lines to onDidOutput
 * in one batch per worker per interval. Output is handled a slice at a time within a budget per turn
 * of the event loop (ReadThrottle), so a flood of output, or many agents streaming at once, cannot
 * freeze the host.
 */
export class OutputBatcher implements Disposable {
  private readonly emitter: Emitter<OutputBatch>;
  private readonly batchMs: number;
  private readonly pending = new Set<WorkerRecord>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Bounds how much output one turn of the event loop handles, so a flood cannot freeze the host. */
  private readonly readThrottle: ReadThrottle;
  private disposed = false;

  constructor(private readonly options: OutputBatcherOptions) {
    this.emitter = new Emitter<OutputBatch>(options.onListenerError);
    this.batchMs = options.batchMs ?? DEFAULT_OUTPUT_BATCH_MS;
    this.readThrottle = new ReadThrottle(
      (error) => options.logger.error(`reading a worker's output failed: ${describeError(error)}`),
      options.readBudgetMs,
    );
  }

  /** Fires at most once per worker per batch interval, with the lines printed since. */
  get onDidOutput(): Event<OutputBatch> {
    return this.emitter.event;
  }

  /** Reads a process's stdout and stderr into the worker's buffer from now on, early output first. */
  follow(record: WorkerRecord, source: FollowedProcess): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = source.child[stream];
      const writer = source.writers[stream];
      const reader = new PacedReader(readable, this.readThrottle, {
        data: (slice) => {
          if (stream === 'stdout') {
            this.tap(record, slice);
          }
          this.added(record, writer.push(slice, Date.now()));
        },
        end: () => this.added(record, writer.end(Date.now())),
      });
      // Synchronous from here to the end of the loop body, so no chunk can slip between the
      // hand-over of the early output and the listener that takes its place.
      readable.on('data', (chunk: Buffer) => reader.push(chunk));
      for (const chunk of source.early[stream].take()) {
        reader.push(chunk);
      }
      if (readable.readableEnded) {
        reader.end();
      } else {
        readable.on('end', () => reader.end());
      }
      readable.on('error', (error) =>
        this.options.logger.warn(`[worker:${record.id}] ${stream}: ${describeError(error)}`),
      );
    }
  }

  /** A removed worker gets no further batch. */
  forget(record: WorkerRecord): void {
    this.pending.delete(record);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.flushTimer);
    this.emitter.dispose();
  }

  private tap(record: WorkerRecord, chunk: Buffer): void {
    for (const listener of record.stdoutTaps) {
      try {
        listener(chunk);
      } catch (error) {
        this.options.logger.error(`[worker:${record.id}] a stdout listener threw: ${describeError(error)}`);
      }
    }
  }

  private added(record: WorkerRecord, lines: number): void {
    if (lines === 0) {
      return;
    }
    this.pending.add(record);
    if (!this.flushTimer && !this.disposed) {
      this.flushTimer = setTimeout(() => this.flush(), this.batchMs);
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    const records = [...this.pending];
    this.pending.clear();
    for (const record of records) {
      const afterSeq = record.deliveredSeq;
      record.deliveredSeq = record.output.lastSeq;
      // Views are cached until something changes; dropping lines is a change the view reports, and
      // an idle worker after a flood would otherwise show a stale count until its next state change.
      if (record.view().droppedLines !== record.output.droppedLines) {
        this.options.droppedLines(record);
      }
      if (record.deliveredSeq > afterSeq) {
        this.emitter.fire(outputBatch(record.id, record.output, afterSeq));
      }
    }
  }
}
