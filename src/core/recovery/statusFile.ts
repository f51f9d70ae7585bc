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
  if (
    typeof hostPid !== 'number' ||
    !Number.isInteger(hostPid) ||
    hostPid <= 0 ||
    !['string', 'undefined'].includes(typeof host?.startToken)
  ) {
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
  /** Numbers the writes in the order they start, so an older one never replaces a newer one. */
  private generation = 0;
  private published = 0;

  constructor(readonly filePath: string) {}

  /** A temp file per write: the shutdown's sync write can land while a tick's async write is mid-way. */
  private tempPath(generation: number): string {
    return `${this.filePath}.${process.pid}.${generation}.tmp`;
  }

  async write(contents: StatusContents): Promise<void> {
    const generation = ++this.generation;
    const temp = this.tempPath(generation);
    await fs.mkdir(path.dirname(this.filePath), { recursive: true });
    await fs.writeFile(temp, JSON.stringify(contents, null, 2), { mode: FILE_MODE });
    // writeFile's mode only applies when it creates the file; a leftover temp file keeps its old mode.
    await fs.chmod(temp, FILE_MODE);
    if (generation < this.published) {
      // A newer snapshot (the final one at shutdown, typically) is already out: this one is stale.
      await fs.unlink(temp);
      return;
    }
    // Synchronous on purpose: between this check and the rename no other write may publish, and a
    // rename is one quick metadata call.
    renameSync(temp, this.filePath);
    this.published = generation;
  }

  /** The same write, synchronously, for shutdown paths where the event loop may not run again. */
  writeSync(contents: StatusContents): void {
    const generation = ++this.generation;
    const temp = this.tempPath(generation);
    mkdirSync(path.dirname(this.filePath), { recursive: true });
    writeFileSync(temp, JSON.stringify(contents, null, 2), { mode: FILE_MODE });
    chmodSync(temp, FILE_MODE);
    renameSync(temp, this.filePath);
    this.published = generation;
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
    return 'reason' in checked
      ? { kind: 'corrupt', reason: checked.reason }
      : { kind: 'ok', contents: checked.contents };
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
