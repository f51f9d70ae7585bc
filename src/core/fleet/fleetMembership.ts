import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import type { RemoteResult } from './commandChannel';
import type { RemoteAction } from './commandSigning';
import type { FleetMember } from './fleetMember';
import { Disposable, Emitter, Event } from '../base/events';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { FleetSecrets, FleetSettings, parseFleetSettings } from './fleetSettings';
import { FleetView } from './fleetView';
import { ReplyBook } from './replyBook';

/** What a window's fleet is made of: its `shepherd.fleet` settings as read, and its secrets. */
export interface FleetInputs {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly secrets: FleetSecrets;
}

export interface FleetMembershipOptions {
  /** Reads the settings and secrets as they are now. */
  readonly read: () => Promise<FleetInputs>;
  /**
   * Builds a member, not yet started, for valid settings. Its host id must follow from the settings
   * (the window's is its machine name and process id), and its sends must wait in `replies`.
   */
  readonly makeMember: (settings: FleetSettings, secrets: FleetSecrets, replies: ReplyBook) => Promise<FleetMember>;
  readonly tasks: TaskRegistry;
  readonly logger: Logger;
}

/** Compares inputs without keeping the secrets in one more place in memory. */
function fingerprintOf(inputs: FleetInputs): string {
  const { settings, secrets } = inputs;
  const fields = [settings, secrets.redisUsername ?? '', secrets.redisPassword ?? '', secrets.fleetSecret ?? ''];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Where answers to this window's commands arrive, and the key they are checked with. */
function replyRoute(settings: FleetSettings, secrets: FleetSecrets): string {
  return fingerprintOf({
    settings: { namespace: settings.namespace, machineName: settings.machineName },
    secrets: { fleetSecret: secrets.fleetSecret },
  });
}

/**
 * A window's place in the fleet: a FleetMember built from its settings and secrets, rebuilt when they
 * change, or none (and the "not configured" view) when no Redis URL is set.
 */
export class FleetMembership implements Disposable {
  private member: FleetMember | undefined;
  private memberListener: Disposable | undefined;
  private currentView: FleetView = { kind: 'not-configured', problems: [] };
  private readonly viewEmitter: Emitter<FleetView>;
  /** Counts reconnect requests: only the latest one's reading of the inputs counts. */
  private requests = 0;
  /** Counts members applied: a member built for older inputs is never started. */
  private generation = 0;
  /** The fingerprint of the inputs the current member (or "not configured") was made from. */
  private applied: string | undefined;
  /** Every close so far, in order; never rejects (member.close() does not). */
  private closing: Promise<void> = Promise.resolve();
  /** The sends waiting for answers, kept across members while answers still come where they wait. */
  private replies = new ReplyBook();
  private repliesFor: string | undefined;

  constructor(private readonly options: FleetMembershipOptions) {
    this.viewEmitter = new Emitter<FleetView>((error) =>
      options.logger.error(`a listener of the fleet view threw: ${describeError(error)}`),
    );
  }

  get view(): FleetView {
    return this.currentView;
  }

  get onDidChangeView(): Event<FleetView> {
    return this.viewEmitter.event;
  }

  /**
   * Reads settings and secrets and, if they changed, rejoins the fleet; never waits on Redis itself.
   * Connect to Fleet fires a burst of events (three secrets, then the URL), most of them changing
   * nothing: each rejoin would show "Connecting" again and close a member that may still be opening.
   */
  reconnect(why: string): void {
    const request = ++this.requests;
    void this.options.tasks.run(`fleet: connect (${why})`, async () => {
      const inputs = await this.options.read();
      if (request !== this.requests) {
        return; // a later request reads inputs at least as new as these
      }
      const fingerprint = fingerprintOf(inputs);
      if (fingerprint === this.applied) {
        return;
      }
      this.applied = fingerprint;
      await this.apply(inputs, ++this.generation);
    });
  }

  refresh(): void {
    this.member?.refresh();
  }

  async send(hostId: string, workerId: string, action: RemoteAction): Promise<RemoteResult> {
    if (!this.member) {
      return { ok: false, message: l10n.t('the fleet is not configured') };
    }
    return this.member.send(hostId, workerId, action);
  }

  dispose(): void {
    // Both counters: a reconnect still reading its inputs, or already applying them, then stops there.
    this.requests++;
    this.generation++;
    this.replies.failAll(l10n.t('Shepherd closed before the answer came'));
    void this.options.tasks.run('fleet: leave', () => this.leave());
    this.viewEmitter.dispose();
  }

  /** Replaces the member with one for `inputs`, unless a later change (`generation`) takes over meanwhile. */
  private async apply(inputs: FleetInputs, generation: number): Promise<void> {
    await this.leave();
    if (generation !== this.generation) {
      return; // a later change applies its own inputs
    }
    const parsed = parseFleetSettings(inputs.settings);
    this.keepReplies(parsed.kind === 'ok' ? replyRoute(parsed.settings, inputs.secrets) : undefined);
    if (parsed.kind !== 'ok') {
      this.show({ kind: 'not-configured', problems: parsed.kind === 'invalid' ? parsed.errors : [] });
      return;
    }
    const member = await this.options.makeMember(parsed.settings, inputs.secrets, this.replies);
    if (generation !== this.generation) {
      return; // a later change owns the member now (this one never started, so holds nothing)
    }
    this.member = member;
    this.memberListener = member.onDidChangeView((view) => this.show(view));
    this.show(member.view);
    member.start();
    this.options.logger.info(`fleet: joining ${parsed.settings.redisUrl} as ${member.hostId}`);
  }

  /**
   * Keeps the open waits if their answers will still arrive and be verified: same reply stream (namespace
   * and host id, which follows from the machine name) and same fleet secret. Otherwise fails them now,
   * saying why, rather than after a minute of silence.
   */
  private keepReplies(route: string | undefined): void {
    if (route !== undefined && route === this.repliesFor) {
      return;
    }
    this.replies.failAll(l10n.t('the fleet settings changed before the answer came'));
    this.replies = new ReplyBook();
    this.repliesFor = route;
  }

  /**
   * Closes the member and waits until every member closed before has closed too: a new member with the
   * same host id must never read its reply stream beside an old one still closing.
   */
  private async leave(): Promise<void> {
    const member = this.member;
    this.member = undefined;
    this.memberListener?.dispose();
    this.memberListener = undefined;
    if (member) {
      this.closing = this.closing.then(() => member.close());
    }
    await this.closing;
  }

  private show(view: FleetView): void {
    this.currentView = view;
    this.viewEmitter.fire(view);
  }
}
