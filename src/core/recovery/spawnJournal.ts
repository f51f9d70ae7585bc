import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeError, Logger } from '../base/logger';
import { GroupWatcher, WatchedGroup } from './groupWatcher';
import { HostIdentity, hostFileStem, parseHostFileStem } from './ownerMark';
import { StatusContents, StatusWorker } from './statusFile';

/**
 * An append-only record, one file per extension host, of every group it starts and ends. A line is
 * appended before the worker's start() resolves: unlike the periodic status file, nothing a host
 * started can be missing when it dies a moment later. Appends go through the thread pool, so the
 * event loop is never held; a host's page cache survives the host's own death, so no fsync.
 */

/** Journals live in this sub-folder of the status folder, named after the host's owner mark. */
export const JOURNAL_DIR = 'journal';
const JOURNAL_SUFFIX = '.jsonl';
/** Journals hold PIDs of the user's processes: only the user may read them. */
const FILE_MODE = 0o600;

type JournalLine =
  | ({ readonly t: 'start'; readonly at: number } & WatchedGroup)
  | { readonly t: 'end'; readonly pgid: number; readonly startToken: string | undefined };

function journalName(host: HostIdentity): string {
  return `${hostFileStem(host)}${JOURNAL_SUFFIX}`;
}

function hostOfJournal(name: string): HostIdentity | undefined {
  return name.endsWith(JOURNAL_SUFFIX) ? parseHostFileStem(name.slice(0, -JOURNAL_SUFFIX.length)) : undefined;
}

/** Writes this host's journal. Failures are reported once and never stop a worker from starting. */
export class SpawnJournal implements GroupWatcher {
  readonly filePath: string;
  /** Appends run one after another, so an 'end' can never land before its 'start'. */
  private queue: Promise<void> = Promise.resolve();
  private lastError: string | undefined;

  constructor(
    dir: string,
    host: HostIdentity,
    private readonly logger: Logger,
  ) {
    this.filePath = path.join(dir, JOURNAL_DIR, journalName(host));
  }

  groupStarted(group: WatchedGroup): Promise<void> {
    return this.append({ t: 'start', ...group, at: Date.now() });
  }

  groupEnded(group: WatchedGroup): void {
    void this.append({ t: 'end', pgid: group.pgid, startToken: group.startToken });
  }

  /** Removes the journal after an orderly shutdown: nothing of this host is left to recover. */
  async remove(): Promise<void> {
    await this.queue;
    await fs.rm(this.filePath, { force: true });
  }

  private append(line: JournalLine): Promise<void> {
    const text = `${JSON.stringify(line)}\n`;
    this.queue = this.queue.then(async () => {
      try {
        await fs.mkdir(path.dirname(this.filePath), { recursive: true, mode: 0o700 });
        await fs.appendFile(this.filePath, text, { mode: FILE_MODE });
        this.lastError = undefined;
      } catch (error) {
        const reason = describeError(error);
        if (reason !== this.lastError) {
          this.lastError = reason;
          this.logger.error(
            `cannot append to the spawn journal ${this.filePath}: ${reason}. ` +
              'If the editor crashes, its workers are found only by their owner mark.',
          );
        }
      }
    });
    return this.queue;
  }
}

/** A dead or live host's journal, folded into the groups that had started and not ended. */
export interface JournalReading {
  readonly filePath: string;
  readonly host: HostIdentity;
  readonly contents: StatusContents;
  /** Lines that were not journal lines (a torn last write, an edit by hand), with what was wrong. */
  readonly problems: readonly string[];
}

function isUsablePid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 1;
}

function checkLine(value: unknown): JournalLine | string {
  if (typeof value !== 'object' || value === null) {
    return 'not a JSON object';
  }
  const line = value as Record<string, unknown>;
  if (!isUsablePid(line.pgid)) {
    return '"pgid" is not a usable process id';
  }
  if (line.startToken !== undefined && typeof line.startToken !== 'string') {
    return '"startToken" is not a string';
  }
  if (line.t === 'end') {
    return line as JournalLine;
  }
  if (line.t !== 'start') {
    return `unknown entry type ${JSON.stringify(line.t)}`;
  }
  if (typeof line.workerId !== 'string' || typeof line.label !== 'string') {
    return '"workerId" or "label" is not a string';
  }
  if (typeof line.graceMs !== 'number' || !(line.graceMs >= 0) || typeof line.at !== 'number') {
    return '"graceMs" or "at" is not a number';
  }
  return line as JournalLine;
}

/** Folds a journal's text into the groups still running when it was last written. */
export function foldJournal(text: string): { workers: StatusWorker[]; problems: string[] } {
  const live = new Map<number, StatusWorker>();
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') {
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      problems.push(`line ${index + 1} is not valid JSON`);
      return;
    }
    const line = checkLine(parsed);
    if (typeof line === 'string') {
      problems.push(`line ${index + 1}: ${line}`);
    } else if (line.t === 'end') {
      if (live.get(line.pgid)?.startToken === line.startToken) {
        live.delete(line.pgid);
      }
    } else {
      live.set(line.pgid, {
        id: line.workerId,
        label: line.label,
        state: 'running',
        command: '',
        pid: line.pgid,
        pgid: line.pgid,
        startToken: line.startToken,
        startedAt: line.at,
        restartCount: 0,
      });
    }
  });
  return { workers: [...live.values()], problems };
}

/** Every journal in the status folder except `own`, folded. A missing folder is an empty answer. */
export async function readJournals(dir: string, own: HostIdentity): Promise<JournalReading[]> {
  const folder = path.join(dir, JOURNAL_DIR);
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
  const ownName = journalName(own);
  const readings: JournalReading[] = [];
  for (const name of names) {
    const host = hostOfJournal(name);
    if (name === ownName || !host) {
      continue;
    }
    const filePath = path.join(folder, name);
    const { workers, problems } = foldJournal(await fs.readFile(filePath, 'utf8'));
    readings.push({ filePath, host, problems, contents: { version: 1, writtenAt: Date.now(), host, workers } });
  }
  return readings;
}
