import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { round } from './stats';

/** Event-loop delay over one measured interval, in milliseconds. */
export interface LoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Samples how late the event loop runs a 1 ms timer (the finest resolution Node offers) while
 * something is measured: the delay a UI update or an IPC reply would suffer in the same process.
 */
export class LoopDelayProbe {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });

  start(): void {
    this.histogram.reset();
    this.histogram.enable();
  }

  stop(): LoopDelay {
    this.histogram.disable();
    const ms = (ns: number): number => round(ns / 1e6);
    // An interval shorter than one sample leaves the histogram empty; its percentiles are then 0.
    return {
      p50Ms: ms(this.histogram.percentile(50)),
      p99Ms: ms(this.histogram.percentile(99)),
      maxMs: ms(this.histogram.max),
    };
  }
}
