import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { ActivityEntry, ActivityKind, ActivityLog } from '../../src/core/base/activityLog';
import { Supervisor, SupervisorOptions } from '../../src/core/workers/supervisor';
import { findMarked, killMarked, MARKER_VAR, newMarker, waitFor } from './processes';
import { RecordingLogger } from './supervisorFixture';
import { createCoreServices } from '../../src/core/shepherdCore';
import { TaskRegistry } from '../../src/core/base/taskRegistry';

/**
 * The fault suite's shared bookkeeping and per-scenario guard rails. Every scenario ends with the
 * same four checks: nothing it started is alive, no promise rejected unhandled, the event loop was
 * never blocked for long, and the activity log or transcript says what happened. The figures are
 * printed (and written to test-results/fault-report.json) once the whole run is over.
 */

/**
 * The longest the event loop may stall during one scenario. Generous on purpose: a shared CI box
 * can pause a process for a few hundred milliseconds; a synchronous 10 MB scan would take seconds.
 */
export const MAX_EVENT_LOOP_DELAY_MS = 1_000;
/** A setImmediate round trip longer than this means the loop is busy with something it should not be. */
export const MAX_IMMEDIATE_ROUND_TRIP_MS = 250;

export interface CycleFigures {
  readonly cycles: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly handlesBefore: number;
  readonly handlesAfter: number;
  readonly resourcesBefore: Record<string, number>;
  readonly resourcesAfter: Record<string, number>;
  readonly seconds: number;
}

export interface FaultReport {
  scenarios: number;
  faultsSurvived: number;
  badInputs: number;
  processesLeaked: number;
  entriesLost: number;
  unhandledRejections: number;
  worstEventLoopDelayMs: number;
  cycles: CycleFigures | undefined;
  /** Hostile fleet commands sent to a host, and how many of them it ran (must be 0). */
  remoteCommands: { tried: number; executed: number } | undefined;
  /** What a scenario found out of reach, in words (setsid escapes). */
  notes: string[];
}

export const faultReport: FaultReport = {
  scenarios: 0,
  faultsSurvived: 0,
  badInputs: 0,
  processesLeaked: 0,
  entriesLost: 0,
  unhandledRejections: 0,
  worstEventLoopDelayMs: 0,
  cycles: undefined,
  remoteCommands: undefined,
  notes: [],
};

/** Every unhandled rejection of the run, whoever caused it; a scenario fails if it added one. */
const rejections: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  rejections.push(reason);
});

// A root-level hook (this module is loaded while mocha loads the spec files): runs once, at the end.
after(async function () {
  if (faultReport.scenarios === 0) {
    return;
  }
  faultReport.unhandledRejections = rejections.length;
  const lines = [
    '',
    '  Fault-injection report',
    `    scenarios run            ${faultReport.scenarios}`,
    `    faults survived          ${faultReport.faultsSurvived}`,
    `    bad inputs tried         ${faultReport.badInputs}`,
    `    processes leaked         ${faultReport.processesLeaked}`,
    `    entries lost             ${faultReport.entriesLost}`,
    `    unhandled rejections     ${faultReport.unhandledRejections}`,
    `    worst event-loop delay   ${faultReport.worstEventLoopDelayMs.toFixed(1)} ms`,
  ];
  const c = faultReport.cycles;
  if (c) {
    lines.push(
      `    ${c.cycles} start/stop cycles in ${c.seconds.toFixed(1)} s: RSS ${c.rssBeforeMb.toFixed(1)} → ${c.rssAfterMb.toFixed(1)} MB, ` +
        `JS heap ${c.heapBeforeMb.toFixed(1)} → ${c.heapAfterMb.toFixed(1)} MB, active handles ${c.handlesBefore} → ${c.handlesAfter}`,
    );
  }
  const remote = faultReport.remoteCommands;
  if (remote) {
    lines.push(`    hostile fleet commands   ${remote.tried} tried, ${remote.executed} executed`);
  }
  for (const note of faultReport.notes) {
    lines.push(`    note: ${note}`);
  }
  console.log(lines.join('\n'));
  const dir = path.resolve(__dirname, '..', '..', '..', 'test-results');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'fault-report.json'), `${JSON.stringify(faultReport, null, 2)}\n`);
});

export interface FaultScenario {
  marker: string;
  logger: RecordingLogger;
  tempDir: string;
  statusPath: string;
  supervisor: Supervisor;
  tasks: TaskRegistry;
  /** Every activity entry fired during the scenario, even those the bounded log has dropped since. */
  activity: ActivityEntry[];
  /** Runs before the supervisor shuts down (session managers, servers); last registered runs first. */
  defer(cleanup: () => Promise<void> | void): void;
  /** Counts hostile inputs fed to the code under test, for the report. */
  badInputs(count: number): void;
  /** Counts faults injected and survived, for the report. */
  faults(count: number): void;
  /** Expected activity entries that never came, for the report (asserted to be zero by callers). */
  lost(count: number): void;
  /** Waits until at least `count` entries of `kind` (for `workerId`, if given) were fired. */
  waitForActivity(kind: ActivityKind, workerId?: string, count?: number, timeoutMs?: number): Promise<ActivityEntry[]>;
  /** Measures a setImmediate round trip now and fails if the loop is congested. */
  assertResponsive(what: string): Promise<number>;
  /** Creates an extra supervisor with this scenario's marker, shut down after the scenario. */
  extraSupervisor(options?: Partial<SupervisorOptions>): Supervisor;
  /** The activity log of the scenario's supervisor or of one made by extraSupervisor. */
  activityOf(supervisor: Supervisor): ActivityLog;
}

export interface ScenarioOptions extends Partial<SupervisorOptions> {
  /** A higher event-loop bound for a scenario that is heavy by design. */
  readonly maxEventLoopDelayMs?: number;
  /** Give the supervisor a status file in the scenario's temp folder. */
  readonly withStatusFile?: boolean;
}

/** Measures one setImmediate round trip, in milliseconds. */
export async function immediateRoundTrip(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve) => setImmediate(resolve));
  return performance.now() - started;
}

/**
 * Registers mocha hooks that give each scenario a fresh marker, logger, temp folder and Supervisor,
 * and afterwards run the four checks. Cleanup of last resort (SIGKILL to everything marked) runs
 * even when the scenario failed.
 */
export function useFaultScenario(options: ScenarioOptions = {}): FaultScenario {
  const h = {} as FaultScenario;
  let histogram: IntervalHistogram;
  let rejectionsAtStart = 0;
  let deferred: Array<() => Promise<void> | void> = [];
  let extras: Supervisor[] = [];

  beforeEach(async () => {
    h.marker = newMarker();
    h.logger = new RecordingLogger();
    h.tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-fault-'));
    h.statusPath = path.join(h.tempDir, 'state', 'status.json');
    h.activity = [];
    deferred = [];
    extras = [];
    const { maxEventLoopDelayMs: _bound, withStatusFile, ...supervisorOptions } = options;
    const services = createCoreServices(h.logger);
    const logs = new Map<Supervisor, ActivityLog>();
    h.tasks = services.tasks;
    h.supervisor = new Supervisor({
      logger: h.logger,
      ...services,
      tickMs: 100,
      extraEnv: { [MARKER_VAR]: h.marker },
      ...(withStatusFile ? { statusFilePath: h.statusPath, statusFileIntervalMs: 100 } : {}),
      ...supervisorOptions,
    });
    logs.set(h.supervisor, services.activity);
    services.activity.onDidAdd((entry) => h.activity.push(entry));
    h.activityOf = (supervisor) => {
      const log = logs.get(supervisor);
      assert.ok(log, 'a supervisor of this scenario');
      return log;
    };
    h.defer = (cleanup) => deferred.push(cleanup);
    h.badInputs = (count) => (faultReport.badInputs += count);
    h.faults = (count) => (faultReport.faultsSurvived += count);
    h.lost = (count) => (faultReport.entriesLost += count);
    h.waitForActivity = (kind, workerId, count = 1, timeoutMs = 10_000) =>
      waitFor(
        `${count} "${kind}" activity entr${count === 1 ? 'y' : 'ies'}${workerId ? ` for ${workerId}` : ''}`,
        () => {
          const found = h.activity.filter(
            (e) => e.kind === kind && (workerId === undefined || e.workerId === workerId),
          );
          return found.length >= count ? found : undefined;
        },
        timeoutMs,
      );
    h.assertResponsive = async (what) => {
      const ms = await immediateRoundTrip();
      assert.ok(
        ms < MAX_IMMEDIATE_ROUND_TRIP_MS,
        `the event loop took ${ms.toFixed(1)} ms for one setImmediate ${what}`,
      );
      return ms;
    };
    h.extraSupervisor = (extra = {}) => {
      const extraServices = createCoreServices(h.logger);
      const supervisor = new Supervisor({
        logger: h.logger,
        ...extraServices,
        tickMs: 100,
        extraEnv: { [MARKER_VAR]: h.marker },
        ...extra,
      });
      extras.push(supervisor);
      logs.set(supervisor, extraServices.activity);
      return supervisor;
    };
    rejectionsAtStart = rejections.length;
    histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
  });

  afterEach(async function () {
    faultReport.scenarios += 1;
    const problems: string[] = [];
    try {
      for (const cleanup of deferred.reverse()) {
        await cleanup();
      }
    } catch (error) {
      problems.push(`cleanup failed: ${String(error)}`);
    }
    for (const supervisor of [h.supervisor, ...extras]) {
      await supervisor.shutdown(200);
    }
    histogram.disable();
    const worstMs = histogram.max / 1e6;
    faultReport.worstEventLoopDelayMs = Math.max(faultReport.worstEventLoopDelayMs, worstMs);
    const leaked = await findMarked(h.marker);
    await killMarked(h.marker);
    faultReport.processesLeaked += leaked.length;
    if (leaked.length > 0) {
      // SIGKILL is not instant: let the victims die before the next scenario (or the run) looks.
      await waitFor(
        'the leaked processes to die',
        async () => ((await findMarked(h.marker)).length === 0 ? true : undefined),
        3_000,
      ).catch((error: unknown) => problems.push(String(error)));
    }
    await fs.rm(h.tempDir, { recursive: true, force: true });
    // A rejection may surface a turn after the scenario's last await: give it that turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const newRejections = rejections.slice(rejectionsAtStart);
    if (leaked.length > 0) {
      problems.push(`processes outlived the scenario: ${leaked.join(', ')}`);
    }
    if (newRejections.length > 0) {
      problems.push(
        `unhandled rejections: ${newRejections.map((r) => (r instanceof Error ? r.stack : String(r))).join(' | ')}`,
      );
    }
    const bound = options.maxEventLoopDelayMs ?? MAX_EVENT_LOOP_DELAY_MS;
    if (worstMs > bound) {
      problems.push(`the event loop stalled for ${worstMs.toFixed(1)} ms (bound ${bound} ms)`);
    }
    // Only the scenario that failed these checks is blamed; a test that already failed keeps its own error.
    if (this.currentTest?.state !== 'failed') {
      assert.deepEqual(problems, [], `${this.currentTest?.title ?? 'scenario'}: ${problems.join('; ')}`);
    }
  });

  return h;
}

/** The supervisor's recorded entries of one kind, for assertions. */
export function entriesOf(h: FaultScenario, kind: ActivityKind, workerId?: string): ActivityEntry[] {
  return h.activity.filter((e) => e.kind === kind && (workerId === undefined || e.workerId === workerId));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
