import * as l10n from '@vscode/l10n';
import type { ToolDiff, ToolLocation, TranscriptEntry } from '../../shared/sessionModel';
import { el } from './dom';
import { DiffLine, lineDiff } from './lineDiff';
import { vscode } from './vscodeApi';

type ToolEntry = Extract<TranscriptEntry, { kind: 'tool' }>;

/** Unchanged lines kept around each change, as in a unified diff. */
const CONTEXT_LINES = 3;
/** The panel shows a diff's start; the whole of it is one click away in the diff editor. */
const MAX_SHOWN_LINES = 400;

/** ACP's tool call statuses in the panel's words; functions, so that they are read after the bundle is loaded. */
const STATUS_WORDS: Readonly<Record<string, () => string>> = {
  pending: () => l10n.t('pending'),
  in_progress: () => l10n.t('running'),
  completed: () => l10n.t('done'),
  failed: () => l10n.t('failed'),
};

function locationButton(location: ToolLocation): HTMLElement {
  const label = location.line === undefined ? location.path : `${location.path}:${location.line}`;
  const button = el('button', 'link location', label);
  button.type = 'button';
  button.title = l10n.t('Open {0}', label);
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
  const open = el('button', 'secondary open-diff', l10n.t('Open Diff'));
  open.type = 'button';
  open.title = l10n.t('Open the change to {0} in the diff editor', diff.path);
  open.addEventListener('click', () => vscode.postMessage({ type: 'openDiff', entryId, index }));
  head.append(
    el('span', 'diff-path', diff.oldText === undefined ? l10n.t('{0} (new file)', diff.path) : diff.path),
    open,
  );
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
    const more = l10n.t('… {0} more lines: Open Diff shows them all', shown.length - MAX_SHOWN_LINES);
    body.append(el('span', 'gap', `${more}\n`));
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
    ? ` · ${STATUS_WORDS[entry.status]?.() ?? entry.status}`
    : entry.output === undefined
      ? ' …'
      : entry.isError
        ? ` (${l10n.t('failed')})`
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
