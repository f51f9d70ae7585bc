import * as l10n from '@vscode/l10n';

/**
 * Parsers for git's machine-readable (`-z`) output. Each takes the raw text and returns plain
 * records; an entry that does not have the documented shape is reported, never guessed at.
 */

/** git printed something these parsers do not understand (a newer format, or corrupted output). */
export class GitFormatError extends Error {
  constructor(what: string, entry: string) {
    super(l10n.t('unexpected {0} entry from git: {1}', what, JSON.stringify(entry.slice(0, 200))));
    this.name = 'GitFormatError';
  }
}

/** Splits NUL-terminated output into its fields (the trailing terminator yields no empty field). */
function nulFields(text: string): string[] {
  const fields = text.split('\0');
  if (fields.length > 0 && fields[fields.length - 1] === '') {
    fields.pop();
  }
  return fields;
}

export interface StatusEntry {
  /** `changed` (1), `renamed` (2: rename or copy), `unmerged` (u), `untracked` (?), `ignored` (!). */
  readonly kind: 'changed' | 'renamed' | 'unmerged' | 'untracked' | 'ignored';
  /** The two-letter XY code (index, work tree); `??` / `!!` for untracked and ignored files. */
  readonly xy: string;
  readonly path: string;
  /** The path before a rename or copy. */
  readonly origPath?: string;
}

export interface StatusReport {
  /** `# branch.oid`: the commit HEAD points at, or undefined before the first commit. */
  readonly head: string | undefined;
  /** `# branch.head`: the branch name, or undefined when HEAD is detached. */
  readonly branch: string | undefined;
  readonly entries: readonly StatusEntry[];
}

/** Number of space-separated fields before the path in `1`, `2` and `u` records of porcelain v2. */
const PATH_FIELD_INDEX = { '1': 8, '2': 9, u: 10 } as const;

function pathAfterFields(record: string, count: number): string {
  let index = -1;
  for (let field = 0; field < count; field += 1) {
    index = record.indexOf(' ', index + 1);
    if (index < 0) {
      throw new GitFormatError('status', record);
    }
  }
  return record.slice(index + 1);
}

/** Parses `git status --porcelain=v2 -z [--branch]`. */
export function parseStatusV2(text: string): StatusReport {
  const fields = nulFields(text);
  const entries: StatusEntry[] = [];
  let head: string | undefined;
  let branch: string | undefined;
  for (let i = 0; i < fields.length; i += 1) {
    const record = fields[i] ?? '';
    const tag = record.slice(0, 2);
    if (tag === '# ') {
      const [key, value] = record.slice(2).split(' ', 2);
      if (key === 'branch.oid' && value !== '(initial)') {
        head = value;
      } else if (key === 'branch.head' && value !== '(detached)') {
        branch = value;
      }
    } else if (tag === '? ' || tag === '! ') {
      entries.push({
        kind: tag === '? ' ? 'untracked' : 'ignored',
        xy: tag === '? ' ? '??' : '!!',
        path: record.slice(2),
      });
    } else if (tag === '1 ' || tag === 'u ') {
      const key = tag === '1 ' ? '1' : 'u';
      entries.push({
        kind: key === '1' ? 'changed' : 'unmerged',
        xy: record.slice(2, 4),
        path: pathAfterFields(record, PATH_FIELD_INDEX[key]),
      });
    } else if (tag === '2 ') {
      const origPath = fields[i + 1];
      if (origPath === undefined) {
        throw new GitFormatError('status', record);
      }
      i += 1;
      entries.push({
        kind: 'renamed',
        xy: record.slice(2, 4),
        path: pathAfterFields(record, PATH_FIELD_INDEX['2']),
        origPath,
      });
    } else {
      throw new GitFormatError('status', record);
    }
  }
  return { head, branch, entries };
}

export interface NumstatEntry {
  readonly path: string;
  /** Set for a rename (only when rename detection is on). */
  readonly oldPath?: string;
  /** Undefined for a binary file, which git counts in bytes, not lines. */
  readonly insertions: number | undefined;
  readonly deletions: number | undefined;
}

function count(value: string, entry: string): number | undefined {
  if (value === '-') {
    return undefined;
  }
  if (!/^\d+$/.test(value)) {
    throw new GitFormatError('numstat', entry);
  }
  return Number(value);
}

/** Parses `git diff --numstat -z`, with or without rename detection. */
export function parseNumstat(text: string): NumstatEntry[] {
  const fields = nulFields(text);
  const entries: NumstatEntry[] = [];
  for (let i = 0; i < fields.length; i += 1) {
    const record = fields[i] ?? '';
    const match = /^([^\t]+)\t([^\t]+)\t(.*)$/s.exec(record);
    if (!match) {
      throw new GitFormatError('numstat', record);
    }
    const insertions = count(match[1] ?? '', record);
    const deletions = count(match[2] ?? '', record);
    const inlinePath = match[3] ?? '';
    if (inlinePath !== '') {
      entries.push({ path: inlinePath, insertions, deletions });
      continue;
    }
    const oldPath = fields[i + 1];
    const newPath = fields[i + 2];
    if (oldPath === undefined || newPath === undefined) {
      throw new GitFormatError('numstat', record);
    }
    i += 2;
    entries.push({ path: newPath, oldPath, insertions, deletions });
  }
  return entries;
}

export interface NameStatusEntry {
  /** A (added), M (modified), D (deleted), R (renamed), C (copied), T (type changed). */
  readonly status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T';
  readonly path: string;
  readonly oldPath?: string;
}

/** Parses `git diff --name-status -z`, with or without rename detection. */
export function parseNameStatus(text: string): NameStatusEntry[] {
  const fields = nulFields(text);
  const entries: NameStatusEntry[] = [];
  for (let i = 0; i < fields.length; i += 1) {
    const code = fields[i] ?? '';
    const status = code.charAt(0);
    if (status === 'R' || status === 'C') {
      const oldPath = fields[i + 1];
      const newPath = fields[i + 2];
      if (oldPath === undefined || newPath === undefined || !/^[RC]\d*$/.test(code)) {
        throw new GitFormatError('name-status', code);
      }
      entries.push({ status, path: newPath, oldPath });
      i += 2;
    } else if ((status === 'A' || status === 'M' || status === 'D' || status === 'T') && code.length === 1) {
      const filePath = fields[i + 1];
      if (filePath === undefined) {
        throw new GitFormatError('name-status', code);
      }
      entries.push({ status, path: filePath });
      i += 1;
    } else {
      throw new GitFormatError('name-status', code);
    }
  }
  return entries;
}

export interface WorktreeListEntry {
  readonly path: string;
  /** Undefined for a bare repository's entry. */
  readonly head: string | undefined;
  /** The full ref (`refs/heads/...`), undefined when detached. */
  readonly branch: string | undefined;
  readonly bare: boolean;
  readonly locked: boolean;
  /** Its folder is gone: `git worktree prune` would remove the entry. */
  readonly prunable: boolean;
}

/** Parses `git worktree list --porcelain -z`: attribute fields, each record ended by an empty field. */
export function parseWorktreeList(text: string): WorktreeListEntry[] {
  const entries: WorktreeListEntry[] = [];
  let current: { -readonly [K in keyof WorktreeListEntry]: WorktreeListEntry[K] } | undefined;
  for (const field of text.split('\0')) {
    if (field === '') {
      if (current) {
        entries.push(current);
      }
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      current = { path: value, head: undefined, branch: undefined, bare: false, locked: false, prunable: false };
    } else if (!current) {
      throw new GitFormatError('worktree list', field);
    } else if (key === 'HEAD') {
      current.head = value;
    } else if (key === 'branch') {
      current.branch = value;
    } else if (key === 'bare' || key === 'locked' || key === 'prunable') {
      current[key] = true;
    }
  }
  if (current) {
    entries.push(current);
  }
  return entries;
}
