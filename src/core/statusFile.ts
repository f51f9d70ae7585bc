import { promises as fs, chmodSync, mkdirSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';

/** One worker as recorded for a later run: enough to find and verify its process group, no env, no secrets. */
export interface StatusWorker {
  readonly id: string;
  readonly label: string;
  readonly state: string;
  /** The command line with secret-looking values masked. */
  readonly command: string;
  readonly pid: number | undefined;
  readonly pgid: number | undefined;
  readonly startToken: string | undefined;
  readonly startedAt: number | undefined;
  readonly restartCount: number;
}

export interface StatusContents {
  readonly version: 1;
  readonly writtenAt: number;
  /** The extension host that wrote the file, so a live sibling window's workers are left alone. */
  readonly host: { readonly pid: number; readonly startToken: string | undefined };
  readonly workers: readonly StatusWorker[];
}

export type StatusReadResult =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly contents: StatusContents }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** The file holds process ids of a user's workers: only the user may read it. */
const FILE_MODE = 0o600;

/** PID 1 is init, and group 1 would make kill(-1) signal every process the user may signal. */
function isUsablePid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 1;
}

function isOptionalNumber(value: unknown): boolean {
  return value === undefined || value === null || isUsablePid(value);
}

function checkWorker(value: unknown, index: number): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return `workers[${index}] is not an object`;
  }
  const worker = value as Record<string, unknown>;
  if (typeof worker.id !== 'string') {
    return `workers[${index}].id is not a string`;
  }
  if (!isOptionalNumber(worker.pid) || !isOptionalNumber(worker.pgid)) {
    return `workers[${index}] has an invalid pid or pgid`;
  }
  // Every worker leads its own group, so Shepherd only ever writes pgid === pid. Recovery relies on
  // it (a group id cannot be reused while the group lives); another pgid could name a stranger's group.
  if ((worker.pgid ?? undefined) !== (worker.pid ?? undefined)) {
    return `workers[${index}] has a pgid that is not its own pid`;
  }
  return undefined;
}

/** Validates parsed JSON as status contents, or says what is wrong. */
export function checkStatusContents(value: unknown): { contents: StatusContents } | { reason: string } {
  if (typeof value !== 'object' || value === null) {
    return { reason: 'the file does not hold a JSON object' };
  }
  const data = value as Record<string, unknown>;
  if (data.version !== 1) {
    return { reason: `unknown version ${JSON.stringify(data.version)}` };
  }
  // The host's PID is only compared, never signalled: any positive integer will do.
  const host = data.host as Record<string, unknown> | undefined;
  const hostPid = typeof host === 'object' && host !== null ? host.pid : undefined;
  if (typeof hostPid !== 'number' || !Number.isInteger(hostPid) || hostPid <= 0 || !['string', 'undefined'].includes(typeof host?.startToken)) {
    return { reason: '"host" does not name the process that wrote the file' };
  }
  if (!Array.isArray(data.workers)) {
    return { reason: '"workers" is not a list' };
  }
  for (let i = 0; i < data.workers.length; i++) {
    const problem = checkWorker(data.workers[i], i);
    if (problem) {
      return { reason: problem };
    }
  }
  return { contents: value as StatusContents };
}

/**
 * A JSON snapshot of the supervised process groups, written atomically (temporary file, then
 * rename) so a crash mid-write never leaves a half file, and readable by the next run to find the
 * groups a dead extension host left behind.
 */
export class StatusFile {
  constructor(readonly filePath: string) {}

  private get tempPath(): string {
    return `${this.filePath}.${process.pid}.tmp`;
  }

  async write(contents: StatusContents): Promise<void> {
    await fs.mkdir(path.dirname(this.filePath), { recursive: true });
    const temp = this.tempPath;
    await fs.writeFile(temp, JSON.stringify(contents, null, 2), { mode: FILE_MODE });
    // writeFile's mode only applies when it creates the file; a leftover temp file keeps its old mode.
    await fs.chmod(temp, FILE_MODE);
    await fs.rename(temp, this.filePath);
  }

  /** The same write, synchronously, for shutdown paths where the event loop may not run again. */
  writeSync(contents: StatusContents): void {
    mkdirSync(path.dirname(this.filePath), { recursive: true });
    const temp = this.tempPath;
    writeFileSync(temp, JSON.stringify(contents, null, 2), { mode: FILE_MODE });
    // As in write(): a leftover temp file keeps its old mode, and the rename would publish it.
    chmodSync(temp, FILE_MODE);
    renameSync(temp, this.filePath);
  }

  async read(): Promise<StatusReadResult> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { kind: 'missing' };
      }
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      // V8 quotes the start of the text: binary garbage would put NULs and line breaks in the log.
      const message = (error as Error).message.replace(/[\u0000-\u001f\u007f]/g, ' ');
      return { kind: 'corrupt', reason: `it is not valid JSON (${message})` };
    }
    const checked = checkStatusContents(parsed);
    return 'reason' in checked ? { kind: 'corrupt', reason: checked.reason } : { kind: 'ok', contents: checked.contents };
  }

  /** Removes the file; used by tests and by a clean shutdown that leaves nothing running. */
  removeSync(): void {
    try {
      unlinkSync(this.filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error;
      }
    }
  }
}
