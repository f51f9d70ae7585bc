import * as vscode from 'vscode';
import { Disposable, Event } from '../../core/base/events';
import { RemoteResult } from '../../core/fleet/commandChannel';
import { RemoteAction } from '../../core/fleet/commandSigning';
import { toHostId } from '../../core/fleet/fleetKeys';
import { FleetMembership } from '../../core/fleet/fleetMembership';
import { FleetView } from '../../core/fleet/fleetView';
import { ShepherdCore } from '../../core/shepherdCore';
import { SECTION } from '../settings/configuration';
import { affectsFleetSecrets, readFleetSecrets } from './fleetSecrets';

/** This window's id in the fleet: its machine and extension-host pid, unique while it runs. */
function windowHostId(machineName: string): string {
  return toHostId(`${machineName}.w${process.pid}`);
}

function readFleetSection(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(`${SECTION}.fleet`);
  const keys = ['redisUrl', 'namespace', 'machineName', 'heartbeatSeconds', 'allowRemoteControl', 'shareCommandLines'];
  return Object.fromEntries(keys.map((key) => [key, config.get(key)]));
}

/**
 * The window's place in the fleet: the core's FleetMembership, fed from the settings and SecretStorage
 * and told whenever either changes (it rejoins only if something really changed).
 */
export class FleetConnection implements Disposable {
  private readonly membership: FleetMembership;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(core: ShepherdCore, secrets: vscode.SecretStorage, version: string) {
    this.membership = new FleetMembership({
      read: async () => ({ settings: readFleetSection(), secrets: await readFleetSecrets(secrets) }),
      makeMember: async (settings, fleetSecrets, replies) => {
        // The Redis client (~18 MB) loads only once a fleet is configured: the fleet is opt-in.
        const { FleetMember } = await import('../../core/fleet/fleetMember');
        return new FleetMember({
          settings,
          secrets: fleetSecrets,
          hostId: windowHostId(settings.machineName),
          role: 'window',
          name: vscode.workspace.name ?? 'window',
          version,
          supervisor: core.supervisor,
          sessions: () => core.sessions.list(),
          tasks: core.tasks,
          activity: core.activity,
          logger: core.logger,
          replies,
        });
      },
      tasks: core.tasks,
      logger: core.logger,
    });
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SECTION}.fleet`)) {
          this.reconnect('settings changed');
        }
      }),
      secrets.onDidChange((event) => {
        if (affectsFleetSecrets(event)) {
          this.reconnect('secrets changed');
        }
      }),
    );
  }

  get view(): FleetView {
    return this.membership.view;
  }

  get onDidChangeView(): Event<FleetView> {
    return this.membership.onDidChangeView;
  }

  reconnect(why: string): void {
    this.membership.reconnect(why);
  }

  refresh(): void {
    this.membership.refresh();
  }

  send(hostId: string, workerId: string, action: RemoteAction): Promise<RemoteResult> {
    return this.membership.send(hostId, workerId, action);
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) {
      subscription.dispose();
    }
    this.membership.dispose();
  }
}
