import * as l10n from '@vscode/l10n';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeError } from '../core/base/logger';
import { createCoreServices } from '../core/shepherdCore';
import { FleetMember } from '../core/fleet/fleetMember';
import { toHostId } from '../core/fleet/fleetKeys';
import { FleetSettings, parseFleetSettings } from '../core/fleet/fleetSettings';
import { describeFleetView, FleetView } from '../core/fleet/fleetView';
import { Supervisor } from '../core/workers/supervisor';
import { parsePeerArgs, PeerArgs, usage } from './peerArgs';
import { loadPeerDefinitions } from './peerDefinitions';
import { stderrLogger } from './peerLog';
import { readPeerSecrets, SECRET_VARIABLES } from './peerSecrets';
import { PEER_VERSION } from './version';

/** A stop gives each group its definition's grace, but a peer that is asked to exit does so within this. */
const MAX_SHUTDOWN_GRACE_MS = 30_000;
const EXIT_USAGE = 2;

const logger = stderrLogger();

function fail(message: string, code = 1): never {
  logger.error(message);
  process.exit(code);
}

function settingsFrom(args: PeerArgs, name: string): FleetSettings {
  const parsed = parseFleetSettings({
    redisUrl: args.redisUrl,
    namespace: args.namespace,
    machineName: name,
    heartbeatSeconds: args.heartbeatSeconds,
    allowRemoteControl: args.allowRemoteControl,
    shareCommandLines: args.shareCommandLines,
  });
  if (parsed.kind !== 'ok') {
    fail(parsed.kind === 'off' ? l10n.t('--redis is required') : parsed.errors.join('\n'), EXIT_USAGE);
  }
  return parsed.settings;
}

function defaultStatusFile(hostId: string): string {
  const stateHome = process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state');
  return path.join(stateHome, 'shepherd-peer', `${hostId}.json`);
}

/** One line per change of what the peer sees: its state, or the set of other hosts. */
function viewLine(view: FleetView): string {
  if (view.kind !== 'machines') {
    return `fleet: ${describeFleetView(view)}`;
  }
  const hosts = view.machines.flatMap((machine) =>
    machine.hosts.map((host) => (host.kind === 'host' ? `${host.hostId} (${host.status})` : `${host.hostId} (error)`)),
  );
  return `fleet: sees ${hosts.sort().join(', ')}`;
}

async function main(): Promise<void> {
  const parsed = parsePeerArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  if (parsed.kind === 'invalid') {
    fail(`${parsed.errors.join('\n')}\n\n${usage()}`, EXIT_USAGE);
  }
  const args = parsed.args;
  const secrets = await readPeerSecrets(args.secretsFile).catch((error: unknown) => fail(describeError(error)));
  // Workers inherit the peer's environment: they must not inherit the keys to the fleet.
  for (const variable of Object.values(SECRET_VARIABLES)) {
    delete process.env[variable];
  }
  const name = args.name ?? os.hostname();
  const hostId = toHostId(name);
  const settings = settingsFrom(args, name);
  const { definitions, problems } = await loadPeerDefinitions(args.workersFile, args.procfile);
  for (const problem of problems) {
    logger.warn(problem);
  }
  if (definitions.length === 0) {
    fail(l10n.t('no worker could be read; nothing to supervise'));
  }

  const { tasks, activity } = createCoreServices(logger);
  activity.onDidAdd((entry) =>
    logger.info(`activity: ${entry.kind}${entry.workerId ? ` ${entry.workerId}` : ''}: ${entry.message}`),
  );
  const supervisor = new Supervisor({
    logger,
    tasks,
    activity,
    statusFilePath: args.statusFile ?? defaultStatusFile(hostId),
  });
  // The same marker lines an editor prints in a worker's output: where each run began and ended.
  supervisor.onDidMark((marker) => logger.info(`[worker:${marker.workerId}] ── ${marker.text} ──`));
  // The last resort: whatever way the process ends, no group outlives it.
  process.on('exit', () => supervisor.killAllSync());
  await supervisor.recoverOrphans();
  for (const definition of definitions) {
    supervisor.upsert(definition);
  }

  const member = new FleetMember({
    settings,
    secrets,
    hostId,
    role: 'peer',
    name,
    version: PEER_VERSION,
    supervisor,
    tasks,
    activity,
    logger,
  });
  let lastLine = '';
  member.onDidChangeView((view) => {
    const line = viewLine(view);
    if (line !== lastLine) {
      lastLine = line;
      logger.info(line);
    }
  });
  member.start();
  logger.info(
    `peer ${hostId} on ${settings.machineName}: ${definitions.length} worker(s), ` +
      `remote control ${settings.allowRemoteControl ? 'on' : 'off'}`,
  );
  // The admin named these files on purpose: every worker starts, as foreman and overmind start a Procfile.
  await Promise.all(
    definitions.map((definition) =>
      supervisor
        .start(definition.id)
        .catch((error: unknown) => logger.error(`${definition.id}: ${describeError(error)}`)),
    ),
  );

  // Recorded at once, not at the next tick: a peer killed in its first seconds leaves no unknown groups.
  await supervisor.writeStatusNow();

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info(`${signal}: stopping every worker`);
    const graceMs = Math.min(MAX_SHUTDOWN_GRACE_MS, Math.max(...definitions.map((definition) => definition.graceMs)));
    void member
      .close()
      .catch((error: unknown) => logger.warn(`leaving the fleet: ${describeError(error)}`))
      .then(() => supervisor.shutdown(graceMs))
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => fail(l10n.t('shepherd-peer failed: {0}', describeError(error))));
