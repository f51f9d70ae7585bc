/** One line of a diff as the panel shows it: kept, removed from the old text or added in the new. */
export interface DiffLine {
  readonly kind: 'same' | 'del' | 'add';
  readonly text: string;
}

/**
 * Past this many cells the table of common subsequences would cost the page real time and memory (a
 * 2,000-line rewrite is 4 million cells); such a change is shown as the old lines removed and the new
 * ones added, which is still true, only less tidy.
 */
const MAX_CELLS = 2_000_000;

function splitLines(text: string): string[] {
  return text === '' ? [] : text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
}

/** The differing middle of two line lists, by a longest common subsequence. */
function middleDiff(before: readonly string[], after: readonly string[]): DiffLine[] {
  const rows = before.length;
  const cols = after.length;
  if (rows * cols > MAX_CELLS) {
    return [
      ...before.map((text) => ({ kind: 'del' as const, text })),
      ...after.map((text) => ({ kind: 'add' as const, text })),
    ];
  }
  // lengths[i * (cols + 1) + j]: the longest common subsequence of before[i..] and after[j..].
  const lengths = new Uint32Array((rows + 1) * (cols + 1));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      lengths[i * (cols + 1) + j] =
        before[i] === after[j]
          ? lengths[(i + 1) * (cols + 1) + j + 1] + 1
          : Math.max(lengths[(i + 1) * (cols + 1) + j], lengths[i * (cols + 1) + j + 1]);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && before[i] === after[j]) {
      lines.push({ kind: 'same', text: before[i++] });
      j++;
    } else if (i < rows && (j === cols || lengths[(i + 1) * (cols + 1) + j] >= lengths[i * (cols + 1) + j + 1])) {
      // On a tie the removal comes first, as in git's diffs.
      lines.push({ kind: 'del', text: before[i++] });
    } else {
      lines.push({ kind: 'add', text: after[j++] });
    }
  }
  return lines;
}

/** The lines of `oldText` → `newText`; an undefined old text is a new file, all added. */
export function lineDiff(oldText: string | undefined, newText: string): DiffLine[] {
  const before = splitLines(oldText ?? '');
  const after = splitLines(newText);
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) {
    start++;
  }
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++;
  }
  const same = (text: string): DiffLine => ({ kind: 'same', text });
  return [
    ...before.slice(0, start).map(same),
    ...middleDiff(before.slice(start, before.length - end), after.slice(start, after.length - end)),
    ...before.slice(before.length - end).map(same),
  ];
}
