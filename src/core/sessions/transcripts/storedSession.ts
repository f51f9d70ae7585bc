import * as l10n from '@vscode/l10n';
import { PermissionDecision, PlanItem, TranscriptEntry } from '../../../shared/sessionModel';
import { FieldReader, isObject } from '../../../shared/untrusted';
import { WorktreeInfo } from '../../worktrees/worktreeModel';
import { DailyUsage, MAX_USAGE_DAYS_KEPT } from '../usageSummary';
import { readChoices, readToolDetail } from './storedToolDetail';

/** What is kept of a session between window reloads. */
export interface StoredSession {
  readonly version: 1;
  readonly id: string;
  readonly agentId: string;
  readonly title: string;
  readonly resumeId: string | undefined;
  readonly createdAt: number;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number };
  readonly entries: readonly TranscriptEntry[];
  /** Where the agent runs (absent in transcripts of older versions: the first workspace folder). */
  readonly cwd?: string;
  /** The session's git worktree, kept here so a worktree session survives a window reload. */
  readonly worktree?: WorktreeInfo;
  /** When the user closed the session: it is then history, not restored, but listed and searchable. */
  readonly closedAt?: number;
  /** The user named the session: its first message does not title it. */
  readonly renamed?: boolean;
  /** Usage per day, by the turns' end times (absent in transcripts of older versions). */
  readonly dailyUsage?: readonly DailyUsage[];
}

/** Session ids name files: nothing that could leave the folder or surprise a file system. */
export const SESSION_ID = /^[a-z0-9-]{1,80}$/;

const DECISIONS: readonly PermissionDecision[] = ['allow', 'deny', 'allow-session'];
const TEXT_KINDS = ['user', 'assistant', 'thinking', 'error', 'notice'] as const;
const ENTRY_KINDS = [...TEXT_KINDS, 'tool', 'permission', 'plan'] as const;
const PLAN_STATUSES = ['pending', 'in_progress', 'completed'] as const;
const PLAN_PRIORITIES = ['high', 'medium', 'low'] as const;

export type StoredSessionResult =
  { readonly ok: true; readonly session: StoredSession } | { readonly ok: false; readonly reason: string };

/** `where` names the entry (`entries[3]: `), so a bad item is named within it. */
function readPlanItems(read: FieldReader, raw: unknown, where: string): PlanItem[] | undefined {
  if (!Array.isArray(raw)) {
    read.fail('items', l10n.t('must be an array'));
    return undefined;
  }
  const items: PlanItem[] = [];
  for (const [index, value] of raw.entries()) {
    if (!isObject(value)) {
      read.fail(`items[${index}]`, l10n.t('must be an object'));
      return undefined;
    }
    const item = read.nested(value, `${where}items[${index}]: `);
    item.required('content', 'status', 'priority');
    const [content, status, priority] = [
      item.text('content'),
      item.oneOf('status', PLAN_STATUSES),
      item.oneOf('priority', PLAN_PRIORITIES),
    ];
    if (content === undefined || status === undefined || priority === undefined) {
      return undefined;
    }
    items.push({ content, status, priority });
  }
  return items;
}

function readEntry(read: FieldReader, raw: Record<string, unknown>, where: string): TranscriptEntry | undefined {
  if (!read.required('kind', 'id', 'at')) {
    return undefined;
  }
  const kind = read.oneOf('kind', ENTRY_KINDS);
  const id = read.integer('id', 0, Number.MAX_SAFE_INTEGER);
  const at = read.number('at');
  if (kind === undefined || id === undefined || at === undefined) {
    return undefined;
  }
  switch (kind) {
    case 'tool': {
      read.required('toolUseId', 'name', 'input', 'isError');
      const [toolUseId, name, input, output] = [
        read.text('toolUseId'),
        read.text('name'),
        read.text('input'),
        read.text('output'),
      ];
      const isError = read.boolean('isError');
      const acp = readToolDetail(read, raw, where);
      return toolUseId === undefined || name === undefined || input === undefined || isError === undefined || !acp.ok
        ? undefined
        : { kind, id, at, toolUseId, name, input, output, isError, ...acp.detail };
    }
    case 'permission': {
      read.required('requestId', 'toolName', 'input');
      const [requestId, toolName, input, description] = [
        read.text('requestId'),
        read.text('toolName'),
        read.text('input'),
        read.text('description'),
      ];
      const decision = read.oneOf('decision', DECISIONS);
      const acp = readChoices(read, raw, where);
      return requestId === undefined || toolName === undefined || input === undefined || !acp.ok
        ? undefined
        : {
            kind,
            id,
            at,
            requestId,
            toolName,
            input,
            description,
            decision,
            ...(acp.choices ? { choices: acp.choices } : {}),
          };
    }
    case 'plan': {
      read.required('items');
      const items = raw.items === undefined ? undefined : readPlanItems(read, raw.items, where);
      return items === undefined ? undefined : { kind, id, at, items };
    }
    default: {
      read.required('text');
      const text = read.text('text');
      return text === undefined ? undefined : { kind, id, at, text };
    }
  }
}

function readUsage(read: FieldReader, raw: unknown): StoredSession['usage'] | undefined {
  if (!isObject(raw)) {
    read.fail('usage', l10n.t('must be an object with "inputTokens", "outputTokens" and "costUsd"'));
    return undefined;
  }
  const usage = read.nested(raw, 'usage: ');
  usage.required('inputTokens', 'outputTokens', 'costUsd');
  const [inputTokens, outputTokens, costUsd] = [
    usage.number('inputTokens'),
    usage.number('outputTokens'),
    usage.number('costUsd'),
  ];
  return inputTokens === undefined || outputTokens === undefined || costUsd === undefined
    ? undefined
    : { inputTokens, outputTokens, costUsd };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function readDailyUsage(read: FieldReader, raw: unknown): DailyUsage[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_USAGE_DAYS_KEPT) {
    read.fail('dailyUsage', l10n.t('must be an array of at most {0} days', MAX_USAGE_DAYS_KEPT));
    return undefined;
  }
  const days: DailyUsage[] = [];
  for (const [index, value] of raw.entries()) {
    const fields = isObject(value) ? read.nested(value, `dailyUsage[${index}]: `) : undefined;
    const day = fields?.text('day');
    const usage = isObject(value) ? readUsage(read, value) : undefined;
    if (!fields || day === undefined || !DAY.test(day) || !usage) {
      read.fail(`dailyUsage[${index}]`, l10n.t('must be an object with a "day" (YYYY-MM-DD) and its usage'));
      return undefined;
    }
    days.push({ day, ...usage });
  }
  return days;
}

function readEntries(read: FieldReader, raw: unknown): TranscriptEntry[] | undefined {
  if (!Array.isArray(raw)) {
    read.fail('entries', l10n.t('must be an array'));
    return undefined;
  }
  const entries: TranscriptEntry[] = [];
  for (const [index, value] of raw.entries()) {
    const where = `entries[${index}]`;
    if (!isObject(value)) {
      read.errors.push(l10n.t('{0} is not an object', where));
      return undefined;
    }
    const entry = readEntry(read.nested(value, `${where}: `), value, `${where}: `);
    if (!entry) {
      return undefined;
    }
    entries.push(entry);
  }
  return entries;
}

const WORKTREE_FIELDS = ['repoRoot', 'path', 'branch', 'baseCommit', 'baseLabel'] as const;

function readWorktree(read: FieldReader, raw: unknown): WorktreeInfo | undefined {
  if (!isObject(raw)) {
    read.fail('worktree', l10n.t('must be an object with {0}', WORKTREE_FIELDS.map((key) => `"${key}"`).join(', ')));
    return undefined;
  }
  const fields = read.nested(raw, 'worktree: ');
  fields.required(...WORKTREE_FIELDS);
  const [repoRoot, path, branch, baseCommit, baseLabel] = WORKTREE_FIELDS.map((key) => fields.text(key));
  return repoRoot && path && branch && baseCommit && baseLabel
    ? { repoRoot, path, branch, baseCommit, baseLabel }
    : undefined;
}

/**
 * Reads a stored session from parsed JSON (a file any process of the user could have written).
 * Every field of every entry is checked, so a bad file is refused with the first problem named and
 * cannot break the restore of the others. Never throws.
 */
export function parseStoredSession(value: unknown): StoredSessionResult {
  if (!isObject(value) || value.version !== 1) {
    return { ok: false, reason: l10n.t('not a Shepherd transcript (no object with "version": 1)') };
  }
  const read = new FieldReader(value);
  read.required('id', 'agentId', 'title', 'createdAt', 'usage', 'entries');
  const id = read.text('id');
  if (id !== undefined && !SESSION_ID.test(id)) {
    read.fail('id', l10n.t('must be 1 to 80 lower-case letters, digits and dashes'));
  }
  const agentId = read.text('agentId');
  const title = read.text('title');
  const resumeId = read.text('resumeId');
  const createdAt = read.number('createdAt');
  const usage = value.usage === undefined ? undefined : readUsage(read, value.usage);
  const entries = value.entries === undefined ? undefined : readEntries(read, value.entries);
  const cwd = read.text('cwd');
  const worktree = value.worktree === undefined ? undefined : readWorktree(read, value.worktree);
  const closedAt = read.number('closedAt');
  const renamed = read.boolean('renamed');
  const dailyUsage = value.dailyUsage === undefined ? undefined : readDailyUsage(read, value.dailyUsage);
  const [problem] = read.errors;
  if (
    problem !== undefined ||
    id === undefined ||
    agentId === undefined ||
    title === undefined ||
    createdAt === undefined ||
    usage === undefined ||
    entries === undefined
  ) {
    return { ok: false, reason: problem ?? l10n.t('not a Shepherd transcript') };
  }
  const optional = {
    ...(cwd === undefined ? {} : { cwd }),
    ...(worktree === undefined ? {} : { worktree }),
    ...(closedAt === undefined ? {} : { closedAt }),
    ...(renamed === undefined ? {} : { renamed }),
    ...(dailyUsage === undefined ? {} : { dailyUsage }),
  };
  return { ok: true, session: { version: 1, id, agentId, title, resumeId, createdAt, usage, entries, ...optional } };
}
