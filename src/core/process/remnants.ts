import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../base/activityLog';
import { describeError, Logger } from '../base/logger';
import { describeEscapee, findEscapees, GroupMember, groupFamily } from './escapes';
import { describeTermination, GroupProbe, terminateGroup } from './processGroup';

/** The worker a group belongs to, as reports name it. */
export interface GroupOwner {
  readonly id: string;
  readonly label: string;
}

export interface RemnantReporterOptions {
  readonly logger: Logger;
  readonly activity: ActivityLog;
  /** The processes last seen in a group (the metrics sampler's memory): some may have left it since. */
  readonly seenBefore: (pgid: number) => readonly GroupMember[];
}

/**
 * What a worker's group leaves behind, found and reported: remnants (processes still in the group
 * after its leader died), which are terminated, and escapees (processes of its family that left the
 * group and outlived its stop), which are only reported (see escapes.ts for why). A failure to read
 * the process table is logged and never fails the stop or exit it accompanies.
 */
export class RemnantReporter {
  constructor(private readonly options: RemnantReporterOptions) {}

  /** The group's processes and their descendants, read before a stop; empty when they cannot be read. */
  async familyOf(owner: GroupOwner, pgid: number): Promise<readonly GroupMember[]> {
    try {
      return await groupFamily(pgid, this.options.seenBefore(pgid));
    } catch (error) {
      this.options.logger.warn(
        `[worker:${owner.id}] could not read the process table before stopping: ${describeError(error)}`,
      );
      return [];
    }
  }

  /** Says which processes of the family left the group and outlived its stop: Shepherd cannot reach them. */
  async reportEscapees(owner: GroupOwner, pgid: number, family: readonly GroupMember[]): Promise<void> {
    let escapees;
    try {
      escapees = await findEscapees(pgid, family);
    } catch (error) {
      this.options.logger.warn(
        `[worker:${owner.id}] could not check for processes that left the group: ${describeError(error)}`,
      );
      return;
    }
    for (const escapee of escapees) {
      const message = describeEscapee(owner.label, escapee);
      this.options.activity.record('escaped', owner.id, message);
      this.options.logger.warn(`[worker:${owner.id}] ${message}`);
    }
  }

  /** A leader that died may leave children in its group: terminate them so nothing runs unsupervised. */
  async cleanUp(owner: GroupOwner, pgid: number, graceMs: number): Promise<void> {
    const family = await this.familyOf(owner, pgid);
    if (await new GroupProbe(pgid).isAlive()) {
      const result = await terminateGroup(pgid, { graceMs });
      if (result.outcome !== 'already-gone') {
        this.options.activity.record(
          'orphan-killed',
          owner.id,
          l10n.t('{0}: the leader exited but its group lived on; {1}', owner.label, describeTermination(result)),
        );
      }
    }
    await this.reportEscapees(owner, pgid, family);
  }
}
