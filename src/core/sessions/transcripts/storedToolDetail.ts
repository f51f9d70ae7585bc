import * as l10n from '@vscode/l10n';
import { PermissionChoice, PermissionDecision, ToolDiff, ToolLocation, ToolStatus } from '../../../shared/sessionModel';
import { FieldReader, isObject, UntrustedObject } from '../../../shared/untrusted';

/** What an ACP tool call adds to a stored tool entry; absent for other protocols and older transcripts. */
export interface StoredToolDetail {
  readonly toolKind?: string;
  readonly status?: ToolStatus;
  readonly locations?: readonly ToolLocation[];
  readonly diffs?: readonly ToolDiff[];
}

const TOOL_STATUSES: readonly ToolStatus[] = ['pending', 'in_progress', 'completed', 'failed'];
const DECISIONS: readonly PermissionDecision[] = ['allow', 'deny', 'allow-session'];

/**
 * Each object of the array `raw[key]` read by `readOne`; undefined when the field is absent, and
 * also when it or any item is malformed (then named in `read`'s errors, with its index).
 */
function readList<T>(
  read: FieldReader,
  raw: UntrustedObject,
  key: string,
  where: string,
  readOne: (item: FieldReader) => T | undefined,
): T[] | undefined {
  const value = raw[key];
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    read.fail(key, l10n.t('must be an array'));
    return undefined;
  }
  const items: T[] = [];
  for (const [index, item] of value.entries()) {
    if (!isObject(item)) {
      read.fail(`${key}[${index}]`, l10n.t('must be an object'));
      return undefined;
    }
    const one = readOne(read.nested(item, `${where}${key}[${index}]: `));
    if (one === undefined) {
      return undefined;
    }
    items.push(one);
  }
  return items;
}

function readLocation(item: FieldReader): ToolLocation | undefined {
  const path = item.required('path') ? item.text('path') : undefined;
  const line = item.integer('line', 1, Number.MAX_SAFE_INTEGER);
  return path === undefined ? undefined : { path, line };
}

function readDiff(item: FieldReader): ToolDiff | undefined {
  const [path, newText] = item.required('path', 'newText') ? [item.text('path'), item.text('newText')] : [];
  const oldText = item.text('oldText');
  return path === undefined || newText === undefined ? undefined : { path, oldText, newText };
}

function readChoice(item: FieldReader): PermissionChoice | undefined {
  const [decision, label] = item.required('decision', 'label')
    ? [item.oneOf('decision', DECISIONS), item.text('label')]
    : [];
  return decision === undefined || label === undefined ? undefined : { decision, label };
}

/** The ACP fields of a stored tool entry; `ok` false when one of them is malformed. */
export function readToolDetail(
  read: FieldReader,
  raw: UntrustedObject,
  where: string,
): { ok: true; detail: StoredToolDetail } | { ok: false } {
  const errors = read.errors.length;
  const toolKind = read.text('toolKind');
  const status = read.oneOf('status', TOOL_STATUSES);
  const locations = readList(read, raw, 'locations', where, readLocation);
  const diffs = readList(read, raw, 'diffs', where, readDiff);
  if (read.errors.length > errors) {
    return { ok: false };
  }
  const detail = {
    ...(toolKind === undefined ? {} : { toolKind }),
    ...(status === undefined ? {} : { status }),
    ...(locations === undefined ? {} : { locations }),
    ...(diffs === undefined ? {} : { diffs }),
  };
  return { ok: true, detail };
}

/** The agent's own permission answers of a stored permission entry; `ok` false when malformed. */
export function readChoices(
  read: FieldReader,
  raw: UntrustedObject,
  where: string,
): { ok: true; choices: readonly PermissionChoice[] | undefined } | { ok: false } {
  const errors = read.errors.length;
  const choices = readList(read, raw, 'choices', where, readChoice);
  return read.errors.length > errors ? { ok: false } : { ok: true, choices };
}
