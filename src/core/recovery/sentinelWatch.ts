import { WatchedGroup } from './groupWatcher';
import { OrphanReport, reapRecordedGroup } from './orphanReaper';
import { parseHostMessage } from './sentinelProtocol';

/**
 * The sentinel's state: the groups its host has running, kept current from the host's messages,
 * and what to do when the channel to the host closes. Plain logic, driven by src/sentinel/main.ts.
 */
export class SentinelWatch {
  private readonly groups = new Map<number, WatchedGroup>();
  private saidGoodbye = false;

  constructor(private readonly onProblem: (message: string) => void) {}

  /** How many groups the host has running, as far as the sentinel was told. */
  get size(): number {
    return this.groups.size;
  }

  /** True once the host ended in order: the closing channel then means nothing is to be stopped. */
  get goodbye(): boolean {
    return this.saidGoodbye;
  }

  /** Applies one message from the host; a malformed one is reported and changes nothing. */
  receive(raw: unknown): void {
    const message = parseHostMessage(raw);
    if ('problem' in message) {
      this.onProblem(`ignored a message from the host: ${message.problem}`);
      return;
    }
    switch (message.type) {
      case 'started':
        this.groups.set(message.group.pgid, message.group);
        return;
      case 'ended':
        if (this.groups.get(message.pgid)?.startToken === message.startToken) {
          this.groups.delete(message.pgid);
        }
        return;
      case 'goodbye':
        this.saidGoodbye = true;
        return;
    }
  }

  /**
   * The host is gone without a goodbye: every group on the list gets SIGTERM, then SIGKILL after its
   * own grace, all at once, each only after its leader's start time proves it is still the worker.
   */
  async reapAll(): Promise<OrphanReport[]> {
    const groups = [...this.groups.values()];
    this.groups.clear();
    const reports = await Promise.all(
      groups.map((group) =>
        reapRecordedGroup(
          {
            id: group.workerId,
            label: group.label,
            state: 'running',
            command: '',
            pid: group.pgid,
            pgid: group.pgid,
            startToken: group.startToken,
            startedAt: undefined,
            restartCount: 0,
          },
          group.graceMs,
        ),
      ),
    );
    return reports.filter((report): report is OrphanReport => report !== undefined);
  }
}
