import * as l10n from '@vscode/l10n';
import { promises as fs, chmodSync, mkdirSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describeError } from '../base/logger';
import { describeValue, errnoCode, FieldReader, isObject } from '../../shared/untrusted';

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

/** Absent (or null, as some writers put it): recorded as undefined. */
function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function optionalPid(value: unknown): { pid: number | undefined } | undefined {
  if (isAbsent(value)) {
    return { pid: undefined };
  }
  return isUsablePid(value) ? { pid: value } : undefined;
}

function checkWorker(value: unknown, index: number): StatusWorker | string {
  const where = `workers[${index}]`;
  if (!isObject(value)) {
    return l10n.t('{0} is not an object', where);
  }
  if (typeof value.id !== 'string') {
    return l10n.t('{0}.id is not a string', where);
  }
  const pid = optionalPid(value.pid);
  const pgid = optionalPid(value.pgid);
  if (!pid || !pgid) {
    return l10n.t('{0} has an invalid pid or pgid', where);
  }
  // Every worker leads its own group, so Shepherd only ever writes pgid === pid. Recovery relies on
  // it (a group id cannot be reused while the group lives); another pgid could name a stranger's group.
  if (pgid.pid !== pid.pid) {
    return l10n.t('{0} has a pgid that is not its own pid', where);
  }
  const read = new FieldReader(value, [], `${where}: `);
  read.required('label', 'state', 'command', 'restartCount');
  const worker: StatusWorker = {
    id: value.id,
    label: read.text('label') ?? '',
    state: read.text('state') ?? '',
    command: read.text('command') ?? '',
    pid: pid.pid,
    pgid: pgid.pid,
    startToken: read.text('startToken'),
    startedAt: read.number('startedAt'),
    restartCount: read.integer('restartCount', 0, Number.MAX_SAFE_INTEGER) ?? 0,
  };
  return read.errors[0] ?? worker;
}

function checkHost(value: unknown): StatusContents['host'] | undefined {
  // The host's PID is only compared, never signalled: any positive integer will do.
  if (!isObject(value)) {
    return undefined;
  }
  const { pid, startToken } = value;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) {
    return undefined;
  }
  if (startToken !== undefined && typeof startToken !== 'string') {
    return undefined;
  }
  return { pid, startToken };
}

/** Validates parsed JSON as status contents, or says what is wrong. Never throws. */
export function checkStatusContents(value: unknown): { contents: StatusContents } | { reason: string } {
  if (!isObject(value)) {
    return { reason: l10n.t('the file does not hold a JSON object') };
  }
  if (value.version !== 1) {
    return { reason: l10n.t('unknown version {0}', describeValue(value.version)) };
  }
  const host = checkHost(value.host);
  if (!host) {
    return { reason: l10n.t('"host" does not name the process that wrote the file') };
  }
  if (!Array.isArray(value.workers)) {
    return { reason: l10n.t('"workers" is not a list') };
  }
  const workers: StatusWorker[] = [];
  for (const [index, entry] of value.workers.entries()) {
    const worker = checkWorker(entry, index);
    if (typeof worker === 'string') {
      return { reason: worker };
    }
    workers.push(worker);
  }
  if (typeof value.writtenAt !== 'number' || !Number.isFinite(value.writtenAt)) {
    return { reason: l10n.t('"writtenAt" is not a time') };
  }
  return { contents: { version: 1, writtenAt: value.writtenAt, host, workers } };
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
      if (errnoCode(error) === 'ENOENT') {
        return { kind: 'missing' };
      }
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      // V8 quotes the start of the text: binary garbage would put NULs and line breaks in the log.
      const message = describeError(error).replace(/[\u0000-\u001f\u007f]/g, ' ');
      return { kind: 'corrupt', reason: l10n.t('it is not valid JSON ({0})', message) };
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
      if (errnoCode(error) !== 'ENOENT') {
        throw error;
      }
    }
  }
}
