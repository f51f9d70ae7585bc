import * as assert from 'node:assert/strict';
import { createCoreServices } from '../../src/core/shepherdCore';
import { DiscoveredHost } from '../../src/core/fleet/discovery';
import { FleetMember } from '../../src/core/fleet/fleetMember';
import { FleetSecrets, FleetSettings } from '../../src/core/fleet/fleetSettings';
import { toHostId } from '../../src/core/fleet/fleetKeys';
import { ReplyBook } from '../../src/core/fleet/replyBook';
import { ActivityLog } from '../../src/core/base/activityLog';
import { Supervisor } from '../../src/core/workers/supervisor';
import { findMarked, killMarked, MARKER_VAR, newMarker } from './processes';
import { RedisServer } from './redisServer';
import { RecordingLogger } from './supervisorFixture';

export const FLEET_SECRET = 'test-fleet-secret-0123456789';

/** Quick reconnects, so a test sees recovery within seconds; the production timeout, since CI boxes are loaded. */
export const TEST_LINK = { commandTimeoutMs: 2_000, backoffBaseMs: 100, backoffMaxMs: 400 };

export interface TestMember {
  readonly member: FleetMember;
  readonly supervisor: Supervisor;
  readonly activity: ActivityLog;
  readonly logger: RecordingLogger;
}

export interface MemberOptions {
  readonly settings?: Partial<FleetSettings>;
  readonly secrets?: FleetSecrets;
  /** Start the member's fleet link right away (the default). */
  readonly start?: boolean;
  readonly link?: Partial<typeof TEST_LINK>;
  /** Where its sends wait for answers, when that should outlive the member. */
  readonly replies?: ReplyBook;
}

/** The host `hostId` as `member` sees it now, if it does. */
export function hostIn(member: FleetMember, hostId: string): DiscoveredHost | undefined {
  const view = member.view;
  if (view.kind !== 'machines') {
    return undefined;
  }
  return view.machines.flatMap((machine) => machine.hosts).find((host) => host.hostId === hostId);
}

export interface FleetHarness {
  redis: RedisServer;
  marker: string;
  /** An in-process window: its own supervisor, activity log and fleet member. */
  member(name: string, options?: MemberOptions): TestMember;
  settings(overrides?: Partial<FleetSettings>): FleetSettings;
  /** Runs before members close and Redis stops (peer processes are stopped here). */
  onCleanup(cleanup: () => Promise<void>): void;
}

/**
 * Mocha hooks for fleet tests: a real redis-server per test on a free loopback port, members built on
 * it, and afterwards every member closed, every supervisor shut down, Redis stopped, and a check that
 * nothing marked (workers, peers, Redis itself) outlived the test.
 */
export function useFleet(): FleetHarness {
  const members: TestMember[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const harness = {} as FleetHarness;
  harness.onCleanup = (cleanup) => cleanups.push(cleanup);
  beforeEach(async () => {
    harness.marker = newMarker();
    harness.redis = await RedisServer.start(harness.marker);
  });
  harness.settings = (overrides = {}) => ({
    redisUrl: harness.redis.url,
    namespace: 'test',
    machineName: 'machine',
    heartbeatSeconds: 1,
    allowRemoteControl: true,
    shareCommandLines: false,
    ...overrides,
  });
  harness.member = (name, options = {}) => {
    const logger = new RecordingLogger();
    const { tasks, activity } = createCoreServices(logger);
    const supervisor = new Supervisor({ logger, tasks, activity, extraEnv: { [MARKER_VAR]: harness.marker } });
    const member = new FleetMember({
      settings: harness.settings({ machineName: name, ...options.settings }),
      secrets: options.secrets ?? { fleetSecret: FLEET_SECRET },
      hostId: toHostId(name),
      role: 'window',
      name,
      version: 'test',
      supervisor,
      tasks,
      activity,
      logger,
      link: { ...TEST_LINK, ...options.link },
      replies: options.replies,
    });
    if (options.start ?? true) {
      member.start();
    }
    const made = { member, supervisor, activity, logger };
    members.push(made);
    return made;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) {
      await cleanup();
    }
    for (const { member, supervisor } of members.splice(0)) {
      await member.close();
      await supervisor.shutdown(200);
    }
    // Every fleet test also proves that no code path sent KEYS, from the commands Redis counted.
    const calls = await harness.redis.commandCalls().catch(() => new Map<string, number>());
    await harness.redis.stop();
    const leaked = await findMarked(harness.marker);
    await killMarked(harness.marker);
    assert.deepEqual(leaked, [], `processes outlived the test: ${leaked.join(', ')}`);
    assert.equal(calls.get('keys'), undefined, 'Redis received KEYS');
  });
  return harness;
}
