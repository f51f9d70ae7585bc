// The Fleet view in a real extension host: its four states, each with its own message, and a real peer's
// workers from a real redis-server. Redis, the peer and a silent TCP server are started here and stopped in
// the after hooks (before useShepherd's check that no marked process outlived the test).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { FleetNode } from '../../src/ui/fleet/fleetTree';
import { PeerProcess } from '../helpers/peerProcess';
import { fixture, waitFor } from '../helpers/processes';
import { freePort, RedisServer } from '../helpers/redisServer';
import { EXTENSION_ID, useShepherd } from './shepherdHost';

/** Generous: a loaded 2-core machine runs the host, Redis and the peer at once. */
const VIEW_TIMEOUT_MS = 30_000;
const FLEET_KEYS = ['redisUrl', 'namespace', 'heartbeatSeconds', 'machineName'];

interface Row {
  readonly label: string;
  readonly description: string;
  readonly node: FleetNode;
}

async function setFleet(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('shepherd.fleet');
  for (const key of FLEET_KEYS) {
    // The fleet settings are machine-scoped: only user settings hold them.
    await config.update(key, values[key], vscode.ConfigurationTarget.Global);
  }
}

describe('the Fleet view', () => {
  const test = useShepherd();

  describe('with a real redis-server and peer', () => {
    let redis: RedisServer | undefined;
    let peer: PeerProcess | undefined;
    let silent: net.Server | undefined;
    const sockets: net.Socket[] = [];

    function rows(node?: FleetNode): Row[] {
      const tree = test.api.fleetTree;
      return tree.getChildren(node).map((child) => {
        const item = tree.getTreeItem(child);
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        return { label, description: typeof item.description === 'string' ? item.description : '', node: child };
      });
    }

    /** The view's one state row, once its message matches `pattern`. */
    function waitForState(pattern: RegExp): Promise<string> {
      return waitFor(
        `the Fleet view to say ${pattern}`,
        () => {
          const all = rows();
          return all.length === 1 && all[0].node.kind === 'state' && pattern.test(all[0].label)
            ? all[0].label
            : undefined;
        },
        VIEW_TIMEOUT_MS,
      );
    }

    function connect(url: string): Promise<void> {
      return setFleet({ redisUrl: url, namespace: 'test', heartbeatSeconds: 1, machineName: 'host-suite' });
    }

    afterEach(async () => {
      await setFleet({});
      await peer?.cleanUp();
      await redis?.stop();
      for (const socket of sockets.splice(0)) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
      peer = undefined;
      redis = undefined;
      silent = undefined;
    });

    it('is "not configured" without a Redis URL: no rows, and the welcome text offers Connect to Fleet', async () => {
      await setFleet({});
      await waitFor('an empty Fleet view', () => rows().length === 0 || undefined, VIEW_TIMEOUT_MS);
      const manifest: unknown = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON;
      const welcome = JSON.stringify(manifest).match(/"view":"shepherd\.fleet","contents":"([^"]*)"/)?.[1] ?? '';
      assert.match(welcome, /not configured/);
      assert.match(welcome, /command:shepherd\.fleet\.connect/);
    });

    it('names the problem of invalid settings instead of the welcome text', async () => {
      await connect('redis://user:hunter2@127.0.0.1:6379');
      const label = await waitForState(/^Fleet settings are invalid: /);
      assert.match(label, /Connect to Fleet/);
      assert.doesNotMatch(label, /hunter2/);
    });

    it('says "Connecting" while Redis accepts the connection but does not answer', async () => {
      silent = net.createServer((socket) => sockets.push(socket));
      const server = silent;
      const port = await new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
      );
      await connect(`redis://127.0.0.1:${port}`);
      await waitForState(/^Connecting to Redis…$/);
    });

    it('says "Redis unreachable" with the reason and a countdown, then recovers by itself', async () => {
      const port = await freePort();
      await connect(`redis://127.0.0.1:${port}`);
      const label = await waitForState(/^Redis unreachable: /);
      assert.match(label, /ECONNREFUSED|refused/, label);
      assert.match(label, /retrying in \d+ s$/, label);
      redis = await RedisServer.start(test.marker, port);
      await waitForState(/^No other machines are in the fleet\.$/);
    });

    it("shows a peer's machine, the peer and its workers", async () => {
      redis = await RedisServer.start(test.marker);
      await connect(redis.url);
      await waitForState(/^No other machines/);
      peer = await PeerProcess.start({
        name: 'suite-peer',
        redisUrl: redis.url,
        marker: test.marker,
        workers: [
          { id: 'lines', command: process.execPath, args: [fixture('echo-lines.js'), 'from the peer'] },
          { id: 'sleeper', command: 'sleep', args: ['1000'], graceMs: 500, restart: 'never' },
        ],
      });
      const workers = await waitFor(
        "the peer's two workers running in the Fleet view",
        () => {
          const machine = rows().find((row) => row.node.kind === 'machine' && row.label === 'suite-peer');
          const host = machine && rows(machine.node).find((row) => row.node.kind === 'host');
          const children = host ? rows(host.node) : [];
          return children.length === 2 && children.every((row) => row.description.startsWith('running · pid '))
            ? { host, children }
            : undefined;
        },
        VIEW_TIMEOUT_MS,
      );
      assert.match(workers.host?.description ?? '', /^peer · online$/);
      assert.deepEqual(workers.children.map((row) => row.label).sort(), ['lines', 'sleeper']);
      const item = test.api.fleetTree.getTreeItem(workers.children[0].node);
      // The peer runs without --allow-remote-control: the rows offer no Start/Stop that would only be refused.
      assert.equal(item.contextValue, 'fleetWorker;running;');
    });
  });
});
