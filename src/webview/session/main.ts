import '../l10nBundle';
import * as l10n from '@vscode/l10n';
import type { SessionState, SessionView, TranscriptChange, TranscriptEntry } from '../../shared/sessionModel';
import type { ExtensionMessage } from '../../shared/sessionProtocol';
import { el } from './dom';
import { renderMarkdown } from './markdown';
import { SlashCompletion } from './slashCompletion';
import { toolView } from './toolView';
import { vscode } from './vscodeApi';

const transcriptEl = document.getElementById('transcript') as HTMLElement;
const statusEl = document.getElementById('status') as HTMLElement;
const problemEl = document.getElementById('problem') as HTMLElement;
const input = document.getElementById('input') as HTMLTextAreaElement;
const sendButton = document.getElementById('send') as HTMLButtonElement;
const interruptButton = document.getElementById('interrupt') as HTMLButtonElement;
const emptyEl = document.getElementById('empty') as HTMLElement;
const worktreeBar = document.getElementById('worktree') as HTMLElement;
const worktreeLabel = document.getElementById('worktree-label') as HTMLElement;
const WORKTREE_BUTTONS = { review: 'worktree-review', accept: 'worktree-accept', discard: 'worktree-discard' } as const;
const modePicker = document.getElementById('mode') as HTMLSelectElement;
const completion = new SlashCompletion(input, document.getElementById('completions') as HTMLElement);

/** The entries as the extension sent them, by id; the DOM is derived from these. */
const entries = new Map<number, TranscriptEntry>();
const pendingRender = new Set<number>();
let renderScheduled = false;
let session: SessionView | undefined;

function permissionButtons(entry: Extract<TranscriptEntry, { kind: 'permission' }>): HTMLElement {
  const row = el('div', 'actions');
  // The agent's own options, labelled as it labels them, where its protocol offers them (ACP).
  const choices: Array<[string, 'allow' | 'deny' | 'allow-session']> = entry.choices?.map((c) => [
    c.label,
    c.decision,
  ]) ?? [
    [l10n.t('Allow'), 'allow'],
    [l10n.t('Deny'), 'deny'],
    [l10n.t('Allow for this session'), 'allow-session'],
  ];
  for (const [label, decision] of choices) {
    const button = el('button', decision === 'deny' ? 'secondary' : '', label);
    button.disabled = entry.decision !== undefined;
    button.addEventListener('click', () =>
      vscode.postMessage({ type: 'permission', requestId: entry.requestId, decision }),
    );
    row.append(button);
  }
  if (entry.decision) {
    row.append(
      el(
        'span',
        'decision',
        entry.decision === 'deny'
          ? l10n.t('Denied')
          : entry.decision === 'allow'
            ? l10n.t('Allowed')
            : l10n.t('Allowed for this session'),
      ),
    );
  }
  return row;
}

function renderEntry(entry: TranscriptEntry): HTMLElement {
  const node = el('div', `entry ${entry.kind}`);
  node.dataset.id = String(entry.id);
  switch (entry.kind) {
    case 'user': {
      // Shown only in a worktree session (body.in-worktree): only there are the files checkpointed.
      const rewind = el('button', 'rewind secondary', l10n.t('Rewind to before this turn'));
      rewind.type = 'button';
      rewind.title = l10n.t('Put the worktree’s files back as they were before this message (undoable)');
      node.append(el('div', 'who', l10n.t('You')), el('div', 'text plain', entry.text), rewind);
      break;
    }
    case 'assistant': {
      const body = el('div', 'text markdown');
      body.innerHTML = renderMarkdown(entry.text);
      node.append(el('div', 'who', session?.agentLabel ?? l10n.t('Agent')), body);
      break;
    }
    case 'tool':
      node.append(toolView(entry));
      break;
    case 'permission':
      node.append(
        el('div', 'who', l10n.t('{0} wants to run', entry.toolName)),
        ...(entry.description ? [el('div', 'text plain', entry.description)] : []),
        el('pre', 'input', entry.input),
        permissionButtons(entry),
      );
      break;
    case 'thinking': {
      const details = el('details', 'thinking');
      details.append(el('summary', '', l10n.t('Thinking')), el('div', 'text plain', entry.text));
      node.append(details);
      break;
    }
    case 'plan': {
      const list = el('ul', 'plan');
      for (const item of entry.items) {
        const mark = item.status === 'completed' ? '☑' : item.status === 'in_progress' ? '◐' : '☐';
        list.append(el('li', item.status, `${mark} ${item.content}`));
      }
      node.append(el('div', 'who', l10n.t('Plan')), list);
      break;
    }
    case 'error':
      node.append(el('div', 'text plain', entry.text));
      break;
    case 'notice':
      node.append(el('div', 'text plain', entry.text));
      break;
  }
  return node;
}

/** The hint and example prompts, while the conversation is empty. */
function showEmptyHint(): void {
  emptyEl.hidden = entries.size > 0;
}

function nodeOf(id: number): HTMLElement | null {
  return transcriptEl.querySelector(`[data-id="${id}"]`);
}

function isNearBottom(): boolean {
  return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
}

/** Re-renders changed entries at most once per frame: a fast stream must not re-parse markdown per token. */
function scheduleRender(id: number): void {
  pendingRender.add(id);
  if (renderScheduled) {
    return;
  }
  renderScheduled = true;
  requestAnimationFrame(() => {
    renderScheduled = false;
    const follow = isNearBottom();
    for (const pendingId of pendingRender) {
      const entry = entries.get(pendingId);
      const existing = nodeOf(pendingId);
      if (entry && existing) {
        existing.replaceWith(renderEntry(entry));
      } else if (entry) {
        transcriptEl.append(renderEntry(entry));
      }
    }
    pendingRender.clear();
    if (follow) {
      window.scrollTo(0, document.body.scrollHeight);
    }
  });
}

function applyChange(change: TranscriptChange): void {
  switch (change.type) {
    case 'append':
    case 'update':
      entries.set(change.entry.id, change.entry);
      scheduleRender(change.entry.id);
      showEmptyHint();
      break;
    case 'delta': {
      const entry = entries.get(change.entryId);
      if (entry?.kind === 'assistant' || entry?.kind === 'thinking') {
        entries.set(entry.id, { ...entry, text: entry.text + change.text });
        scheduleRender(entry.id);
      }
      break;
    }
    case 'trim':
      for (const id of [...entries.keys()]) {
        if (id < change.firstId) {
          entries.delete(id);
          nodeOf(id)?.remove();
        }
      }
      break;
  }
}

function formatCost(usd: number): string {
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

const formatCount = (n: number): string => n.toLocaleString('en-US');

/** The tree's words for each state; functions, so that they are read after the bundle is loaded. */
const STATE_WORDS: Record<SessionState, () => string> = {
  starting: () => l10n.t('starting'),
  idle: () => l10n.t('idle'),
  busy: () => l10n.t('busy'),
  'waiting-for-input': () => l10n.t('waiting for input'),
  stalled: () => l10n.t('stalled'),
  exited: () => l10n.t('exited'),
  failed: () => l10n.t('failed'),
};

/** The state in the tree's words, plus what happens next when the agent is not running. */
function stateText(view: SessionView): string {
  const state = STATE_WORDS[view.state]();
  return view.state === 'exited' && view.canResume ? l10n.t('{0} (your next message resumes it)', state) : state;
}

interface HeaderPart {
  readonly name: 'agent' | 'model' | 'state' | 'tokens' | 'cost';
  readonly text: string;
  /** The tooltip: what the part is, since the header shows values only. */
  readonly title: string;
}

/** The header's parts, each said once: agent, model (when known), state, tokens, cost. */
function headerParts(view: SessionView): HeaderPart[] {
  // The built-in demo's label already says so; a demo configured under another name gets the word once.
  const agent = view.isDemo && !/demo/i.test(view.agentLabel) ? l10n.t('{0} (demo)', view.agentLabel) : view.agentLabel;
  const { inputTokens, outputTokens, costUsd } = view.usage;
  const parts: HeaderPart[] = [
    { name: 'agent', text: agent, title: l10n.t('Agent') },
    { name: 'model', text: view.model ?? '', title: l10n.t('Model') },
    { name: 'state', text: stateText(view), title: l10n.t('State') },
    {
      name: 'tokens',
      text: l10n.t('{0} tokens in · {1} out', formatCount(inputTokens), formatCount(outputTokens)),
      title: l10n.t('Tokens, as the agent reports them'),
    },
    { name: 'cost', text: formatCost(costUsd), title: l10n.t('Cost so far, as the agent reports it') },
  ];
  return parts.filter((part) => part.text !== '');
}

function showSession(view: SessionView): void {
  session = view;
  document.title = view.title;
  statusEl.replaceChildren(
    ...headerParts(view).map((part) => {
      const node = el('span', `part ${part.name}`, part.text);
      node.title = part.title;
      return node;
    }),
  );
  statusEl.dataset.state = view.state;
  const busy =
    view.state === 'busy' ||
    view.state === 'stalled' ||
    view.state === 'waiting-for-input' ||
    view.state === 'starting';
  // Shown only while there is something to interrupt: a disabled stop square read as a checkbox.
  interruptButton.hidden = !busy;
  worktreeBar.hidden = view.worktree === undefined;
  worktreeLabel.textContent = view.worktree ? l10n.t('{0} from {1}', view.worktree.branch, view.worktree.base) : '';
  document.body.classList.toggle('in-worktree', view.worktree !== undefined);
  for (const button of transcriptEl.querySelectorAll<HTMLButtonElement>('button.rewind')) {
    button.disabled = busy;
  }
  showModes(view);
  completion.setCommands(view.commands);
}

/** The agent's modes (ACP) in the header; hidden for agents without them. */
function showModes(view: SessionView): void {
  const modes = view.modes;
  modePicker.hidden = !modes || modes.available.length === 0;
  if (!modes) {
    return;
  }
  const known = [...modePicker.options].map((option) => option.value).join('\n');
  if (known !== modes.available.map((mode) => mode.id).join('\n')) {
    modePicker.replaceChildren(
      ...modes.available.map((mode) => {
        const option = el('option', '', mode.name);
        option.value = mode.id;
        option.title = mode.description ?? '';
        return option;
      }),
    );
  }
  modePicker.value = modes.currentId;
}

function init(view: SessionView, all: readonly TranscriptEntry[]): void {
  entries.clear();
  transcriptEl.replaceChildren();
  showSession(view);
  for (const entry of all) {
    entries.set(entry.id, entry);
    transcriptEl.append(renderEntry(entry));
  }
  showEmptyHint();
  window.scrollTo(0, document.body.scrollHeight);
  vscode.setState({ sessionId: view.id });
}

function send(): void {
  const text = input.value;
  if (text.trim() === '') {
    return;
  }
  vscode.postMessage({ type: 'send', text });
  input.value = '';
}

window.addEventListener('message', (event: MessageEvent<ExtensionMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      init(message.session, message.entries);
      break;
    case 'transcript':
      applyChange(message.change);
      break;
    case 'session':
      showSession(message.session);
      break;
    case 'problem':
      problemEl.textContent = message.message;
      problemEl.hidden = false;
      break;
  }
});

input.addEventListener('keydown', (event) => {
  if (completion.handleKey(event)) {
    event.preventDefault();
    return;
  }
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
// The composer is a form for accessibility only; it must never navigate the page.
document.getElementById('composer')?.addEventListener('submit', (event) => event.preventDefault());
sendButton.addEventListener('click', send);
interruptButton.addEventListener('click', () => vscode.postMessage({ type: 'interrupt' }));
for (const [action, id] of Object.entries(WORKTREE_BUTTONS)) {
  document
    .getElementById(id)
    ?.addEventListener('click', () =>
      vscode.postMessage({ type: 'worktree', action: action as keyof typeof WORKTREE_BUTTONS }),
    );
}
modePicker.addEventListener('change', () => {
  const current = session?.modes?.currentId;
  vscode.postMessage({ type: 'setMode', modeId: modePicker.value });
  // The picker shows the agent's mode, not the wish: the agent's answer (a session update) moves it.
  if (current !== undefined) {
    modePicker.value = current;
  }
});
transcriptEl.addEventListener('click', (event) => {
  const rewind = (event.target as HTMLElement).closest('button.rewind');
  const entryId = Number(rewind?.closest<HTMLElement>('[data-id]')?.dataset.id);
  if (rewind && Number.isSafeInteger(entryId)) {
    vscode.postMessage({ type: 'rewind', entryId });
    return;
  }
  const link = (event.target as HTMLElement).closest('a[data-href]');
  if (link) {
    event.preventDefault();
    vscode.postMessage({ type: 'openLink', href: link.getAttribute('data-href') ?? '' });
  }
});
problemEl.addEventListener('click', () => (problemEl.hidden = true));
// An example fills the box rather than sending, so the user can adapt it first.
for (const example of emptyEl.querySelectorAll<HTMLButtonElement>('button.example')) {
  example.addEventListener('click', () => {
    input.value = example.textContent ?? '';
    input.focus();
  });
}

vscode.postMessage({ type: 'ready' });
