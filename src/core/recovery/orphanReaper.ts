import { GroupProbe, isPidAlive, terminateGroup } from '../process/processGroup';
import { readStartToken } from '../process/procfs';
import { StatusContents, StatusWorker } from './statusFile';

export type OrphanOutcome =
  /** The recorded group was still running and has been terminated. */
  | 'terminated'
  /** Nothing of the recorded group was left. */
  | 'gone'
  /** The recorded PID now belongs to another process (different start time): left alone. */
  | 'pid-reused'
  /** The host that wrote the file is still alive (another window): its workers are not ours to stop. */
  | 'owner-alive';

export interface OrphanReport {
  readonly workerId: string;
  readonly label: string;
  readonly pgid: number;
  readonly outcome: OrphanOutcome;
}

async function isHostAlive(contents: StatusContents): Promise<boolean> {
  const { pid, startToken } = contents.host;
  if (pid === process.pid || startToken === undefined) {
    return false;
  }
  // A killed host whose parent never reaps it (a container whose PID 1 is no init) stays a zombie
  // with its start time readable for ever: it is dead all the same, and its workers are orphans.
  if (!(await isPidAlive(pid))) {
    return false;
  }
  return (await readStartToken(pid)) === startToken;
}

/**
 * Terminates one recorded group if it is verifiably the one recorded (the leader's start time
 * matches, or the leader is gone and the group lives on); a reused PID is never signalled.
 */
export async function reapRecordedGroup(worker: StatusWorker, graceMs: number): Promise<OrphanReport | undefined> {
  if (worker.pgid === undefined || worker.pgid === null || worker.pid === undefined || worker.pid === null) {
    return undefined;
  }
  // Defence in depth for callers that skip checkStatusContents: only a group led by the recorded
  // process is ours, and group 1 would make kill(-1) signal every process of the user.
  if (worker.pgid !== worker.pid || worker.pgid <= 1) {
    return undefined;
  }
  const report = (outcome: OrphanOutcome): OrphanReport => ({
    workerId: worker.id,
    label: worker.label,
    pgid: worker.pgid as number,
    outcome,
  });
  const leaderToken = await readStartToken(worker.pid);
  if (leaderToken !== undefined && leaderToken !== worker.startToken) {
    return report('pid-reused');
  }
  // With the leader gone, a group that still exists holds its orphaned children: the kernel does
  // not hand out a PID that is still in use as a process group id.
  if (leaderToken === undefined && !(await new GroupProbe(worker.pgid).isAlive())) {
    return report('gone');
  }
  const result = await terminateGroup(worker.pgid, { graceMs });
  return report(result.outcome === 'already-gone' ? 'gone' : 'terminated');
}

/**
 * Finds the process groups a previous, dead extension host recorded and terminates those that are
 * verifiably the same processes (start time), concurrently. A PID now used by a stranger is never
 * signalled.
 */
export async function reapOrphans(contents: StatusContents, graceMs: number): Promise<OrphanReport[]> {
  if (await isHostAlive(contents)) {
    return contents.workers
      .filter((w) => typeof w.pgid === 'number')
      .map((w) => ({ workerId: w.id, label: w.label, pgid: w.pgid as number, outcome: 'owner-alive' as const }));
  }
  const reports = await Promise.all(contents.workers.map((worker) => reapRecordedGroup(worker, graceMs)));
  return reports.filter((r): r is OrphanReport => r !== undefined);
}
