import { toHostId } from '../../src/core/fleet/fleetKeys';
import { FLEET_SECRET } from '../../test/helpers/fleetFixture';
import { PeerProcess } from '../../test/helpers/peerProcess';
import { newMarker } from '../../test/helpers/processes';
import { RedisServer } from '../../test/helpers/redisServer';
import { runOnHost } from '../hostClient';
import { fixture, SH } from '../paths';
import { latencyGoal } from '../report';
import { percentile, round, summarize } from '../stats';
import { Scenario } from './scenario';

const PEERS = Number(process.env.BENCH_FLEET_PEERS ?? 100);
const WORKERS_PER_PEER = Number(process.env.BENCH_FLEET_WORKERS ?? 128);
const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 50);
const STOPS = Number(process.env.BENCH_FLEET_STOPS ?? 20);
const GRACE_MS = Number(process.env.BENCH_FLEET_GRACE_MS ?? 500);
const PEER_NAME = 'bench-peer';
/** The namespace the test helpers' peer process uses. */
const NAMESPACE = 'test';

export const fleetScenario: Scenario = {
  number: 9,
  title: `Fleet: ${PEERS} peers × ${WORKERS_PER_PEER} workers on one redis-server`,
  async run(config, problems) {
    const marker = newMarker();
    const redis = await RedisServer.start(marker);
    let peer: PeerProcess | undefined;
    try {
      // The real peer process (out/src/peer/main.js) with workers that ignore SIGTERM: every stop takes the grace.
      peer = await PeerProcess.start({
        name: PEER_NAME,
        redisUrl: redis.url,
        marker,
        allowRemoteControl: true,
        workers: Array.from({ length: STOPS }, (_, i) => ({
          id: `stubborn-${i}`,
          command: SH,
          args: [fixture('stubborn.sh')],
          graceMs: GRACE_MS,
          restart: 'never',
        })),
      });
      await peer.waitForLine(/remote control on/, 60_000);
      const outcome = await runOnHost(
        'fleet',
        {
          redisUrl: redis.url,
          namespace: NAMESPACE,
          fleetSecret: FLEET_SECRET,
          peers: PEERS,
          workersPerPeer: WORKERS_PER_PEER,
          rounds: config.quick ? 10 : ROUNDS,
          peerHostId: toHostId(PEER_NAME),
        },
        600_000,
      );
      problems.push(...outcome.problems);
      const result = outcome.result;
      const rounds = result.roundMs;
      const gone = result.stops.map((stop) => stop.goneMs);
      const answers = result.stops.map((stop) => stop.answerMs);
      const goneP99 = percentile(gone, 99);
      const stopLimit = GRACE_MS + 150;
      return {
        rows: [
          {
            metric: `Discovery round over ${result.hosts} hosts (SCAN + reads + view), all rounds (ms)`,
            shepherd: summarize(rounds),
          },
          {
            metric: 'Discovery round, p50 / p99 (ms)',
            shepherd: `${round(percentile(rounds, 50), 1)} / ${round(percentile(rounds, 99), 1)}`,
          },
          { metric: `Bytes per heartbeat (${WORKERS_PER_PEER} workers)`, shepherd: String(result.heartbeatBytes) },
          { metric: 'Redis CPU per discovery round (ms)', shepherd: String(round(result.redisCpuPerRoundMs, 2)) },
          {
            metric: 'Event loop during back-to-back discovery rounds, p50 / p99 / max (ms)',
            shepherd: `${result.loop.p50Ms} / ${result.loop.p99Ms} / ${result.loop.maxMs}`,
            goals: [latencyGoal('p99 < 10 ms', 10, result.loop.p99Ms, result.loopFloor.p99Ms)],
          },
          {
            metric: 'Noise floor: the event loop with nothing running, p50 / p99 / max (ms)',
            shepherd: `${result.loopFloor.p50Ms} / ${result.loopFloor.p99Ms} / ${result.loopFloor.maxMs}`,
          },
          {
            metric: `Remote stop, command sent → group gone (grace ${GRACE_MS} ms), all stops (ms)`,
            shepherd: summarize(gone),
            goals: [{ text: `p99 ≤ ${stopLimit} ms (p99 ${round(goneP99, 1)})`, met: goneP99 <= stopLimit }],
          },
          { metric: 'Remote stop, command sent → signed answer back (ms)', shepherd: summarize(answers) },
        ],
        notes: [
          `One local redis-server. The bench host is an editor window whose ${WORKERS_PER_PEER} real \`sleep\` workers make its heartbeat; that value is copied under ${PEERS} simulated host ids, so every discovery round reads ${PEERS} heartbeats of ${WORKERS_PER_PEER} workers each. ${config.quick ? 10 : ROUNDS} rounds run back to back (SCAN, pipelined GETRANGE + PTTL, parsing and bounding, grouping into the view), which is more than the view ever asks (one round per heartbeat interval, 5 s by default); the event loop is sampled throughout.`,
          'Redis CPU is the difference of used_cpu_user + used_cpu_sys (INFO cpu) across the rounds, divided by the rounds.',
          `Remote stops: a real headless peer process runs ${STOPS} workers that ignore SIGTERM and keep two children (test/fixtures/stubborn.sh, grace ${GRACE_MS} ms); the window sends a signed stop to each in turn and probes the group every 2 ms until no live process is left in it.`,
        ],
        details: result,
      };
    } finally {
      await peer?.cleanUp();
      await redis.stop();
    }
  },
};
