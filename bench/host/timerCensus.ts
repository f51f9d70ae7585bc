/**
 * Counts the timers alive in the host (pending timeouts and intervals, ref'd or not), by wrapping
 * the global timer functions before any other module runs. process.getActiveResourcesInfo() only
 * lists timers that keep the process alive, and the core unrefs its tick: that would hide exactly
 * the per-worker timers the idle scenario must show do not exist. Imported first by host/main.ts.
 */
import { promisify } from 'node:util';

type Callback = (...args: unknown[]) => void;
type TimerStarter = (callback: Callback, ms?: number, ...args: unknown[]) => NodeJS.Timeout;
type TimerClearer = (timer: NodeJS.Timeout | string | number | undefined) => void;

const live = new Set<NodeJS.Timeout>();

const originalSetTimeout = globalThis.setTimeout as unknown as TimerStarter;
const originalSetInterval = globalThis.setInterval as unknown as TimerStarter;
const originalClearTimeout = globalThis.clearTimeout as unknown as TimerClearer;
const originalClearInterval = globalThis.clearInterval as unknown as TimerClearer;

function forget(timer: NodeJS.Timeout | string | number | undefined): void {
  if (typeof timer === 'object') {
    live.delete(timer);
  }
}

const countedSetTimeout: TimerStarter = (callback, ms, ...args) => {
  const timer = originalSetTimeout(
    (...callArgs: unknown[]) => {
      live.delete(timer);
      callback(...callArgs);
    },
    ms,
    ...args,
  );
  live.add(timer);
  return timer;
};

const countedSetInterval: TimerStarter = (callback, ms, ...args) => {
  const timer = originalSetInterval(callback, ms, ...args);
  live.add(timer);
  return timer;
};

// util.promisify(setTimeout) and timers/promises keep working through the original's custom form.
Object.assign(countedSetTimeout, {
  [promisify.custom]: (globalThis.setTimeout as unknown as Record<symbol, unknown>)[promisify.custom],
});

globalThis.setTimeout = countedSetTimeout as unknown as typeof globalThis.setTimeout;
globalThis.setInterval = countedSetInterval as unknown as typeof globalThis.setInterval;
globalThis.clearTimeout = ((timer: NodeJS.Timeout | string | number | undefined) => {
  forget(timer);
  originalClearTimeout(timer);
}) as typeof globalThis.clearTimeout;
globalThis.clearInterval = ((timer: NodeJS.Timeout | string | number | undefined) => {
  forget(timer);
  originalClearInterval(timer);
}) as typeof globalThis.clearInterval;

/** Timeouts not yet fired or cleared, plus intervals not cleared. */
export function liveTimers(): number {
  return live.size;
}
