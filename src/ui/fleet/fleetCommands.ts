import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { Logger } from '../../core/base/logger';
import { RemoteAction } from '../../core/fleet/commandSigning';
import { checkRedisUrl } from '../../core/fleet/fleetSettings';
import { registerGuardedCommand } from '../commands/commandGuard';
import { FLEET_COMMANDS } from '../commands/commandIds';
import { Notifier } from '../common/notifier';
import { SECTION } from '../settings/configuration';
import { FleetConnection } from './fleetConnection';
import { storeFleetSecrets } from './fleetSecrets';
import { FleetNode } from './fleetTree';

export interface FleetCommandDeps {
  readonly connection: FleetConnection;
  readonly secrets: vscode.SecretStorage;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

interface RemoteWorkerPick extends vscode.QuickPickItem {
  readonly hostId: string;
  readonly workerId: string;
}

/** A remote worker: the row clicked in the Fleet view, or one picked from every machine's workers. */
async function chooseRemoteWorker(
  connection: FleetConnection,
  node: unknown,
): Promise<{ hostId: string; workerId: string } | undefined> {
  const clicked = node as FleetNode | undefined;
  if (clicked?.kind === 'worker') {
    return { hostId: clicked.host.hostId, workerId: clicked.worker.id };
  }
  const view = connection.view;
  if (view.kind !== 'machines') {
    throw new Error(vscode.l10n.t('no other machine is in the fleet right now'));
  }
  const picks: RemoteWorkerPick[] = view.machines.flatMap((machine) =>
    machine.hosts.flatMap((host) =>
      host.kind === 'host'
        ? host.heartbeat.workers.map((worker) => ({
            label: worker.label,
            description: `${machine.name} · ${host.heartbeat.name} · ${worker.state}`,
            hostId: host.hostId,
            workerId: worker.id,
          }))
        : [],
    ),
  );
  return vscode.window.showQuickPick(picks, { placeHolder: vscode.l10n.t('Which worker of another machine?') });
}

/** "Starting api on box-2…", a whole sentence per action so that a translation can reorder it. */
function progressTitle(action: RemoteAction, workerId: string, hostId: string): string {
  switch (action) {
    case 'start':
      return vscode.l10n.t('Shepherd: starting {0} on {1}…', workerId, hostId);
    case 'stop':
      return vscode.l10n.t('Shepherd: stopping {0} on {1}…', workerId, hostId);
    case 'restart':
      return vscode.l10n.t('Shepherd: restarting {0} on {1}…', workerId, hostId);
  }
}

function failureMessage(action: RemoteAction, workerId: string, hostId: string, why: string): string {
  switch (action) {
    case 'start':
      return vscode.l10n.t('Shepherd: starting {0} on {1} failed: {2}', workerId, hostId, why);
    case 'stop':
      return vscode.l10n.t('Shepherd: stopping {0} on {1} failed: {2}', workerId, hostId, why);
    case 'restart':
      return vscode.l10n.t('Shepherd: restarting {0} on {1} failed: {2}', workerId, hostId, why);
  }
}

async function remote(deps: FleetCommandDeps, action: RemoteAction, node: unknown): Promise<void> {
  const target = await chooseRemoteWorker(deps.connection, node);
  if (!target) {
    return;
  }
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: progressTitle(action, target.workerId, target.hostId),
    },
    () => deps.connection.send(target.hostId, target.workerId, action),
  );
  if (result.ok) {
    deps.notifier.info(vscode.l10n.t('Shepherd: {0}', result.message));
  } else {
    deps.notifier.error(failureMessage(action, target.workerId, target.hostId, result.message));
  }
  deps.connection.refresh();
}

/** Asks for the URL (no password in it) and keeps the password and fleet secret in SecretStorage. */
async function connect(deps: FleetCommandDeps): Promise<void> {
  const config = vscode.workspace.getConfiguration(`${SECTION}.fleet`);
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('Connect to Fleet (1/4): Redis URL'),
    prompt: vscode.l10n.t('redis://host:6379 or rediss://host:6380, without a password: the next steps keep it secret'),
    value: config.get<string>('redisUrl') || 'redis://127.0.0.1:6379',
    validateInput: (text) => checkRedisUrl(text.trim()),
    ignoreFocusOut: true,
  });
  if (url === undefined) {
    return;
  }
  const username = await vscode.window.showInputBox({
    title: vscode.l10n.t('Connect to Fleet (2/4): Redis ACL user'),
    prompt: vscode.l10n.t('Leave empty for the default user'),
    ignoreFocusOut: true,
  });
  const password = await vscode.window.showInputBox({
    title: vscode.l10n.t('Connect to Fleet (3/4): Redis password'),
    prompt: vscode.l10n.t("Kept in the editor's secret storage; leave empty for none"),
    password: true,
    ignoreFocusOut: true,
  });
  const fleetSecret = await vscode.window.showInputBox({
    title: vscode.l10n.t('Connect to Fleet (4/4): fleet secret'),
    prompt: vscode.l10n.t(
      'The key every machine of the fleet shares to sign Start, Stop and Restart; empty: view only',
    ),
    password: true,
    ignoreFocusOut: true,
  });
  if (username === undefined || password === undefined || fleetSecret === undefined) {
    return;
  }
  await storeFleetSecrets(deps.secrets, { redisUsername: username, redisPassword: password, fleetSecret });
  await config.update('redisUrl', url.trim(), vscode.ConfigurationTarget.Global);
  deps.logger.info('fleet: connection settings saved');
}

export function registerFleetCommands(deps: FleetCommandDeps, store: DisposableStore): void {
  const table: Record<keyof typeof FLEET_COMMANDS, (...args: unknown[]) => unknown> = {
    connect: () => connect(deps),
    refresh: () => deps.connection.refresh(),
    start: (node) => remote(deps, 'start', node),
    stop: (node) => remote(deps, 'stop', node),
    restart: (node) => remote(deps, 'restart', node),
  };
  for (const key of Object.keys(table) as Array<keyof typeof FLEET_COMMANDS>) {
    registerGuardedCommand(store, FLEET_COMMANDS[key], table[key], deps);
  }
}
