import * as os from 'node:os';
import * as vscode from 'vscode';
import { Disposable, Emitter, Event } from '../../core/base/events';
import { describeError } from '../../core/base/logger';
import { RemoteResult } from '../../core/fleet/commandChannel';
import { RemoteAction } from '../../core/fleet/commandSigning';
import { toHostId } from '../../core/fleet/fleetKeys';
import type { FleetMember } from '../../core/fleet/fleetMember';
import { parseFleetSettings } from '../../core/fleet/fleetSettings';
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
 * The window's place in the fleet: a FleetMember built from the settings and SecretStorage, rebuilt
 * when either changes, or none (and the "not configured" view) when no Redis URL is set.
 */
export class FleetConnection implements Disposable {
  private member: FleetMember | undefined;
  private memberListener: Disposable | undefined;
  private currentView: FleetView = { kind: 'not-configured', problems: [] };
  private readonly viewEmitter: Emitter<FleetView>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private generation = 0;

  constructor(
    private readonly core: ShepherdCore,
    private readonly secrets: vscode.SecretStorage,
    private readonly version: string,
  ) {
    this.viewEmitter = new Emitter<FleetView>((error) =>
      core.logger.error(`a listener of the fleet view threw: ${describeError(error)}`),
    );
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
    return this.currentView;
  }

  get onDidChangeView(): Event<FleetView> {
    return this.viewEmitter.event;
  }

  /** Reads settings and secrets and (re)joins the fleet; never waits on Redis itself. */
  reconnect(why: string): void {
    const generation = ++this.generation;
    void this.core.tasks.run(`fleet: connect (${why})`, async () => {
      await this.leave();
      const parsed = parseFleetSettings(readFleetSection());
      if (parsed.kind !== 'ok') {
        this.show({ kind: 'not-configured', problems: parsed.kind === 'invalid' ? parsed.errors : [] });
        return;
      }
      const secrets = await readFleetSecrets(this.secrets);
      // The Redis client (~18 MB) loads only once a fleet is configured: the fleet is opt-in.
      const { FleetMember } = await import('../../core/fleet/fleetMember');
      if (generation !== this.generation) {
        return; // a newer reconnect owns the member now
      }
      const { settings } = parsed;
      const member = new FleetMember({
        settings,
        secrets,
        hostId: windowHostId(settings.machineName),
        role: 'window',
        name: vscode.workspace.name ?? 'window',
        version: this.version,
        supervisor: this.core.supervisor,
        sessions: () => this.core.sessions.list(),
        tasks: this.core.tasks,
        activity: this.core.activity,
        logger: this.core.logger,
      });
      this.member = member;
      this.memberListener = member.onDidChangeView((view) => this.show(view));
      this.show(member.view);
      member.start();
      this.core.logger.info(`fleet: joining ${settings.redisUrl} as ${member.hostId} (${os.hostname()})`);
    });
  }

  refresh(): void {
    this.member?.refresh();
  }

  async send(hostId: string, workerId: string, action: RemoteAction): Promise<RemoteResult> {
    if (!this.member) {
      return { ok: false, message: vscode.l10n.t('the fleet is not configured') };
    }
    return this.member.send(hostId, workerId, action);
  }

  dispose(): void {
    this.generation++;
    for (const subscription of this.subscriptions.splice(0)) {
      subscription.dispose();
    }
    void this.core.tasks.run('fleet: leave', () => this.leave());
    this.viewEmitter.dispose();
  }

  private async leave(): Promise<void> {
    const member = this.member;
    this.member = undefined;
    this.memberListener?.dispose();
    this.memberListener = undefined;
    await member?.close();
  }

  private show(view: FleetView): void {
    this.currentView = view;
    this.viewEmitter.fire(view);
  }
}
