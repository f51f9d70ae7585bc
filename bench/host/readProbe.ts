import { performance } from 'node:perf_hooks';

/**
 * Asks a question again and again, each time through setImmediate, and records how long every ask
 * waited to be answered: the time the event loop was busy elsewhere plus the call itself. That is
 * the latency a UI request arriving at a random moment would see, which a bare call timing hides.
 * On a shared virtual machine it also includes the time the OS or the hypervisor kept the thread
 * off the CPU; the scenarios measure the same reader with nothing else running as the noise floor.
 */
export class ReadProbe {
  private waits: number[] = [];
  private running = false;
  private stopped: Promise<void> = Promise.resolve();

  constructor(private readonly read: () => void) {}

  start(): void {
    if (this.running) {
      throw new Error('the read probe is already running');
    }
    this.running = true;
    this.stopped = new Promise((resolve) => {
      const ask = (): void => {
        if (!this.running) {
          resolve();
          return;
        }
        const askedAt = performance.now();
        setImmediate(() => {
          this.read();
          this.waits.push(performance.now() - askedAt);
          ask();
        });
      };
      ask();
    });
  }

  /** Stops asking and returns every wait (ms) measured since the last drain. */
  async stop(): Promise<number[]> {
    this.running = false;
    await this.stopped;
    return this.drain();
  }

  /** The waits (ms) measured so far, emptying the record; the probe keeps running. */
  drain(): number[] {
    const waits = this.waits;
    this.waits = [];
    return waits;
  }
}
