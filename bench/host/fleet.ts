import { performance } from 'node:perf_hooks';
import { discoverHosts, DiscoveredHost } from '../../src/core/fleet/discovery';
import { hostKey } from '../../src/core/fleet/fleetKeys';
import { FleetMember } from '../../src/core/fleet/fleetMember';
import { FleetSettings } from '../../src/core/fleet/fleetSettings';
import { fleetViewOf } from '../../src/core/fleet/fleetView';
import { RedisLink } from '../../src/core/fleet/redisLink';
import { readProcStatSync, readProcTable } from '../../src/core/process/procfs';
import { createCoreServices } from '../../src/core/shepherdCore';
import { LoopDelayProbe } from '../eventLoop';
import { SLEEP } from '../paths';
import { sleep } from '../processes';
import { waitFor } from '../../test/helpers/processes';
import { benchDefinition, HostContext, withSupervisor } from './context';
import { FleetParams, FleetResult, RemoteStopSample } from './protocol';

const SELF = 'bench-editor';
/** As often as the bench can tell a group is gone: a probe is one kill(0) and a /proc read. */
const GONE_PROBE_MS = 2;
/** How long the event loop is sampled with nothing running, before the rounds. */
const FLOOR_MS = 2_000;

/** Redis's own CPU time (user + system), in milliseconds, from INFO cpu. */
async function redisCpuMs(link: RedisLink): Promise<number> {
  const info = String(await link.call('INFO cpu', (client) => client.info('cpu')));
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1_000;
}

/**
 * The fleet scenario's Shepherd side: this host is an editor window with `workersPerPeer` real workers in the
 * fleet. Its own heartbeat is copied under `peers` simulated host ids, so discovery reads peers × workers
 * real-sized values; then it stops the real peer's stubborn workers one by one and times each until the
 * group is gone.
 */
export async function fleet(context: HostContext, params: FleetParams): Promise<FleetResult> {
  return withSupervisor(context, { registryCapacity: params.workersPerPeer }, async (supervisor) => {
    const ids = Array.from({ length: params.workersPerPeer }, (_, i) => `worker-${i}`);
    for (const id of ids) {
      supervisor.upsert(benchDefinition(id, SLEEP, ['100000']));
    }
    await Promise.all(ids.map((id) => supervisor.start(id)));

    const { tasks, activity } = createCoreServices(context.logger);
    const settings: FleetSettings = {
      redisUrl: params.redisUrl,
      namespace: params.namespace,
      machineName: SELF,
      heartbeatSeconds: 5,
      allowRemoteControl: false,
      shareCommandLines: false,
    };
    const member = new FleetMember({
      settings,
      secrets: { fleetSecret: params.fleetSecret },
      hostId: SELF,
      role: 'window',
      name: SELF,
      version: 'bench',
      supervisor,
      tasks,
      activity,
      logger: context.logger,
    });
    const link = new RedisLink({
      url: params.redisUrl,
      secrets: {},
      clientName: 'bench.reader',
      tasks,
      logger: context.logger,
    });
    member.start();
    link.start();
    const stopper = new AbortController();
    try {
      const epoch = await link.connected(AbortSignal.any([stopper.signal, AbortSignal.timeout(30_000)]));
      if (epoch === undefined) {
        throw new Error('the bench could not connect to redis-server');
      }
      const ownKey = hostKey(params.namespace, SELF);
      const own = await waitFor(
        'the window heartbeat',
        async () => {
          const value = await link.call('GET', (client) => client.get(ownKey));
          return value === null ? undefined : String(value);
        },
        30_000,
      );
      const heartbeatBytes = Buffer.byteLength(own);
      const template = JSON.parse(own) as Record<string, unknown>;
      for (let i = 0; i < params.peers; i++) {
        const hostId = `sim-${i}`;
        const value = JSON.stringify({ ...template, hostId, machine: `sim-machine-${i}`, name: hostId, role: 'peer' });
        await link.call('SET', (client) =>
          client.set(hostKey(params.namespace, hostId), value, { expiration: { type: 'EX', value: 3_600 } }),
        );
      }

      // Discovery rounds back to back: every one is a Fleet view refresh, as Refresh Fleet would make it.
      const roundMs: number[] = [];
      let lastRound: readonly DiscoveredHost[] = [];
      // The same probe with nothing of the fleet running: the machine's own noise floor.
      const floorProbe = new LoopDelayProbe();
      floorProbe.start();
      await sleep(FLOOR_MS);
      const loopFloor = floorProbe.stop();
      const cpuBefore = await redisCpuMs(link);
      const probe = new LoopDelayProbe();
      probe.start();
      for (let round = 0; round < params.rounds; round++) {
        const started = performance.now();
        const found = await discoverHosts(link, params.namespace);
        fleetViewOf({ kind: 'connected', epoch }, found.hosts, SELF);
        roundMs.push(performance.now() - started);
        lastRound = found.hosts;
      }
      const loop = probe.stop();
      const redisCpuPerRoundMs = ((await redisCpuMs(link)) - cpuBefore) / params.rounds;

      const peer = await waitFor(
        'the peer in the fleet',
        async () => {
          const found = (await discoverHosts(link, params.namespace)).hosts.find(
            (host) => host.hostId === params.peerHostId && host.kind === 'host',
          );
          return found?.kind === 'host' && found.heartbeat.workers.every((worker) => worker.pid !== null)
            ? found
            : undefined;
        },
        30_000,
      );
      const stops: RemoteStopSample[] = [];
      for (const worker of peer.heartbeat.workers) {
        const pgid = worker.pid as number;
        // The group's members, read before the stop. After a group SIGKILL no member can fork a new one, so
        // these are all there is to watch: three stat reads per probe, not a scan of /proc that would itself
        // take tens of ms on a loaded machine and make the stop look slower than it is.
        const members = (await readProcTable()).filter((stat) => stat.pgrp === pgid).map((stat) => stat.pid);
        const alive = (): boolean =>
          members.some((pid) => {
            const stat = readProcStatSync(pid);
            return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
          });
        const sent = performance.now();
        const answer = member.send(params.peerHostId, worker.id, 'stop').then((result) => ({
          result,
          at: performance.now(),
        }));
        while (alive()) {
          await sleep(GONE_PROBE_MS);
        }
        const goneMs = performance.now() - sent;
        const { result, at } = await answer;
        if (!result.ok) {
          throw new Error(`the remote stop of ${worker.id} failed: ${result.message}`);
        }
        stops.push({ goneMs, answerMs: at - sent, message: result.message });
      }
      return {
        hosts: lastRound.length,
        heartbeatBytes,
        roundMs,
        loop,
        loopFloor,
        redisCpuPerRoundMs,
        stops,
      };
    } finally {
      stopper.abort();
      await member.close();
      await link.close();
    }
  });
}
