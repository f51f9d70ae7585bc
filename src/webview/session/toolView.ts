import type { ToolDiff, ToolLocation, TranscriptEntry } from '../../shared/sessionModel';
import { el } from './dom';
import { DiffLine, lineDiff } from './lineDiff';
import { vscode } from './vscodeApi';

type ToolEntry = Extract<TranscriptEntry, { kind: 'tool' }>;

/** Unchanged lines kept around each change, as in a unified diff. */
const CONTEXT_LINES = 3;
/** The panel shows a diff's start; the whole of it is one click away in the diff editor. */
const MAX_SHOWN_LINES = 400;

const STATUS_WORDS: Readonly<Record<string, string>> = {
  pending: 'pending',
  in_progress: 'running',
  completed: 'done',
  failed: 'failed',
};

function locationButton(location: ToolLocation): HTMLElement {
  const label = location.line === undefined ? location.path : `${location.path}:${location.line}`;
  const button = el('button', 'link location', label);
  button.type = 'button';
  button.title = `Open ${label}`;
  button.addEventListener('click', () =>
    vscode.postMessage({ type: 'openLocation', path: location.path, line: location.line }),
  );
  return button;
}

/** The changed lines with a little context; long unchanged stretches become one "⋯" line. */
function visibleLines(lines: readonly DiffLine[]): Array<DiffLine | 'gap'> {
  const near = new Set<number>();
  lines.forEach((line, index) => {
    if (line.kind !== 'same') {
      for (let i = index - CONTEXT_LINES; i <= index + CONTEXT_LINES; i++) {
        near.add(i);
      }
    }
  });
  const shown: Array<DiffLine | 'gap'> = [];
  lines.forEach((line, index) => {
    if (near.has(index)) {
      shown.push(line);
    } else if (shown[shown.length - 1] !== 'gap') {
      shown.push('gap');
    }
  });
  return shown;
}

function diffView(entryId: number, diff: ToolDiff, index: number): HTMLElement {
  const box = el('div', 'diff');
  const head = el('div', 'diff-head');
  const open = el('button', 'secondary open-diff', 'Open Diff');
  open.type = 'button';
  open.title = `Open the change to ${diff.path} in the diff editor`;
  open.addEventListener('click', () => vscode.postMessage({ type: 'openDiff', entryId, index }));
  head.append(el('span', 'diff-path', diff.oldText === undefined ? `${diff.path} (new file)` : diff.path), open);
  const body = el('pre', 'diff-body');
  const shown = visibleLines(lineDiff(diff.oldText, diff.newText));
  for (const line of shown.slice(0, MAX_SHOWN_LINES)) {
    body.append(
      line === 'gap'
        ? el('span', 'gap', '⋯\n')
        : el('span', line.kind, `${line.kind === 'add' ? '+' : line.kind === 'del' ? '-' : ' '} ${line.text}\n`),
    );
  }
  if (shown.length > MAX_SHOWN_LINES) {
    body.append(el('span', 'gap', `… ${shown.length - MAX_SHOWN_LINES} more lines: Open Diff shows them all\n`));
  }
  box.append(head, body);
  return box;
}

/** A tool call: its title, kind and status, the places it touches (clickable) and its diffs. */
export function toolView(entry: ToolEntry): HTMLElement {
  const failed = entry.isError || entry.status === 'failed';
  const details = el('details', failed ? 'tool failed' : 'tool');
  // A change to review is opened; a plain call stays collapsed.
  details.open = (entry.diffs?.length ?? 0) > 0;
  const kind = entry.toolKind ? ` (${entry.toolKind})` : '';
  // ACP tool calls say their status; the others are running until their output arrives.
  const state = entry.status
    ? ` · ${STATUS_WORDS[entry.status] ?? entry.status}`
    : entry.output === undefined
      ? ' …'
      : entry.isError
        ? ' (failed)'
        : '';
  const summary = el('summary', '', `${entry.name}${kind}${state}`);
  details.append(summary);
  if ((entry.locations?.length ?? 0) > 0) {
    const places = el('div', 'locations');
    for (const location of entry.locations ?? []) {
      places.append(locationButton(location));
    }
    details.append(places);
  }
  (entry.diffs ?? []).forEach((diff, index) => details.append(diffView(entry.id, diff, index)));
  if (entry.input !== '') {
    details.append(el('pre', 'input', entry.input));
  }
  if (entry.output !== undefined) {
    details.append(el('pre', 'output', entry.output));
  }
  return details;
}
