import { appendFileSync, mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OrphanOutcome } from './orphanReaper';
import { HostIdentity, hostFileStem } from './ownerMark';
import { isObject } from '../../shared/untrusted';

/**
 * What a sentinel did after its host died, one JSON line per group, in the status folder. The next
 * activation reads every log, puts it in the activity log (and its notification), and deletes it.
 */

export const SENTINEL_LOG_DIR = 'sentinel';
const LOG_SUFFIX = '.jsonl';
const FILE_MODE = 0o600;

export interface SentinelLogEntry {
  /** Epoch milliseconds when the group was dealt with. */
  readonly at: number;
  /** The host that died. */
  readonly hostPid: number;
  readonly workerId: string;
  readonly label: string;
  readonly pgid: number;
  readonly outcome: OrphanOutcome;
}

const OUTCOMES: readonly string[] = ['terminated', 'gone', 'pid-reused', 'owner-alive'];

/** The log file of the sentinel watching `host` (one host, one sentinel, one file). */
export function sentinelLogPath(statusDir: string, host: HostIdentity): string {
  return path.join(statusDir, SENTINEL_LOG_DIR, `${hostFileStem(host)}${LOG_SUFFIX}`);
}

/** Appends one entry. Synchronous: the sentinel has nothing else to do, and must not lose it on exit. */
export function appendSentinelLog(file: string, entry: SentinelLogEntry): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: FILE_MODE });
}

/** Records a message the sentinel could not act on, so the next activation can say what was wrong. */
export function appendSentinelProblem(file: string, problem: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${JSON.stringify({ at: Date.now(), problem })}\n`, { mode: FILE_MODE });
}

function checkEntry(value: unknown): SentinelLogEntry | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const entry = value as Record<string, unknown>;
  const ok =
    typeof entry.at === 'number' &&
    typeof entry.hostPid === 'number' &&
    typeof entry.workerId === 'string' &&
    typeof entry.label === 'string' &&
    typeof entry.pgid === 'number' &&
    typeof entry.outcome === 'string' &&
    OUTCOMES.includes(entry.outcome);
  return ok ? (value as SentinelLogEntry) : undefined;
}

export interface SentinelLogs {
  readonly entries: readonly SentinelLogEntry[];
  /** Lines that were not log entries, named by file and line. */
  readonly problems: readonly string[];
}

/**
 * Reads and removes every sentinel log in the status folder except the one of `own` host, which
 * this activation's own sentinel may be writing.
 */
export async function takeSentinelLogs(statusDir: string, own: HostIdentity): Promise<SentinelLogs> {
  const dir = path.join(statusDir, SENTINEL_LOG_DIR);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { entries: [], problems: [] };
    }
    throw error;
  }
  const entries: SentinelLogEntry[] = [];
  const problems: string[] = [];
  const ownName = path.basename(sentinelLogPath(statusDir, own));
  for (const name of names.filter((n) => n.endsWith(LOG_SUFFIX) && n !== ownName)) {
    const file = path.join(dir, name);
    const text = await fs.readFile(file, 'utf8');
    await fs.rm(file, { force: true });
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') {
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        // A line cut short when the sentinel was killed mid-write: reported below as not an entry.
        parsed = undefined;
      }
      const entry = checkEntry(parsed);
      const problem = isObject(parsed) ? parsed.problem : undefined;
      if (entry) {
        entries.push(entry);
      } else if (typeof problem === 'string') {
        problems.push(`the sentinel reported: ${problem.slice(0, 300)}`);
      } else {
        problems.push(`${name} line ${index + 1} is not a sentinel log entry`);
      }
    });
  }
  return { entries, problems };
}
