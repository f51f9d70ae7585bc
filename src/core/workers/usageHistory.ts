import { Emitter, Event } from '../base/events';
import { UsageSample } from '../../shared/usageProtocol';
import { GroupUsage } from '../process/groupMetrics';

/** What the history reads of a worker: its id and its group's usage, which is set only while it runs. */
export interface SampledWorker {
  readonly id: string;
  readonly usage: GroupUsage | undefined;
}

/** How far back a worker's CPU and RSS chart reaches: long enough to see a leak or a spike build up. */
export const USAGE_HISTORY_MS = 10 * 60_000;

/**
 * A fixed-size ring in one typed array (time, CPU, RSS per slot): 24 bytes a sample, allocated once,
 * so memory stays the same however long the worker runs.
 */
class SampleRing {
  private readonly slots: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Float64Array(capacity * 3);
  }

  push(at: number, cpuPercent: number, rssBytes: number): void {
    const slot = this.next * 3;
    this.slots[slot] = at;
    this.slots[slot + 1] = cpuPercent;
    this.slots[slot + 2] = rssBytes;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The samples taken at or after `since`, oldest first. */
  list(since: number): UsageSample[] {
    const list: UsageSample[] = [];
    for (let i = this.count; i > 0; i--) {
      const slot = ((this.next - i + this.capacity) % this.capacity) * 3;
      if (this.slots[slot] >= since) {
        list.push({ at: this.slots[slot], cpuPercent: this.slots[slot + 1], rssBytes: this.slots[slot + 2] });
      }
    }
    return list;
  }
}

/**
 * The last USAGE_HISTORY_MS of CPU and RSS per worker, one sample per supervisor tick. Each worker's
 * ring holds exactly as many samples as ticks fit in the window, and a removed worker's ring goes with
 * it, so memory is bounded by the number of workers (itself bounded by the spawn registry).
 */
export class UsageHistory {
  private readonly rings = new Map<string, SampleRing>();
  private readonly recordedEmitter: Emitter<void>;
  readonly capacity: number;

  constructor(tickMs: number, onListenerError: (error: unknown) => void) {
    this.capacity = Math.max(1, Math.ceil(USAGE_HISTORY_MS / tickMs));
    this.recordedEmitter = new Emitter<void>(onListenerError);
  }

  /** Fires after each tick's samples were recorded. */
  get onDidRecord(): Event<void> {
    return this.recordedEmitter.event;
  }

  /** Records the usage each running worker's record holds now, and forgets workers that are gone. */
  record(workers: Iterable<SampledWorker>, now: number): void {
    const present = new Set<string>();
    for (const worker of workers) {
      present.add(worker.id);
      const usage = worker.usage;
      if (!usage) {
        continue;
      }
      let ring = this.rings.get(worker.id);
      if (!ring) {
        ring = new SampleRing(this.capacity);
        this.rings.set(worker.id, ring);
      }
      ring.push(now, usage.cpuPercent, usage.rssBytes);
    }
    for (const id of this.rings.keys()) {
      if (!present.has(id)) {
        this.rings.delete(id);
      }
    }
    this.recordedEmitter.fire();
  }

  /** A worker's samples within the window before `now`, oldest first; empty for an unknown worker. */
  samples(workerId: string, now: number = Date.now()): UsageSample[] {
    return this.rings.get(workerId)?.list(now - USAGE_HISTORY_MS) ?? [];
  }

  dispose(): void {
    this.rings.clear();
    this.recordedEmitter.dispose();
  }
}
