import '../l10nBundle';
import * as l10n from '@vscode/l10n';
import type { UsageBar, UsageExtensionMessage, UsageWebviewMessage } from '../../shared/usageProtocol';
import { formatBytes, formatCost, formatTokens, timeSeries, tokenBars } from './charts';

interface VsCodeApi {
  postMessage(message: UsageWebviewMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) {
    throw new Error(l10n.t('the usage page has no #{0}', id));
  }
  return node;
}

const totals = byId('totals', HTMLDivElement);
const workerSelect = byId('worker', HTMLSelectElement);

/** Puts a chart, or a line saying why there is none, in its place. */
function show(id: string, content: Element | string): void {
  const place = byId(id, HTMLDivElement);
  if (typeof content === 'string') {
    const note = document.createElement('p');
    note.className = 'empty';
    note.textContent = content;
    place.replaceChildren(note);
  } else {
    place.replaceChildren(content);
  }
}

function barsOrNote(id: string, bars: readonly UsageBar[], label: string, none: string): void {
  const used = bars.some((bar) => bar.inputTokens + bar.outputTokens > 0 || bar.costUsd > 0);
  show(id, used ? tokenBars(bars, label) : none);
}

function render(message: UsageExtensionMessage): void {
  const { summary, workers, samples } = message;
  const total = summary.total;
  const [input, output, cost] = [
    formatTokens(total.inputTokens),
    formatTokens(total.outputTokens),
    formatCost(total.costUsd),
  ];
  totals.textContent =
    summary.perAgent.length === 1
      ? l10n.t('{0} input and {1} output tokens, {2}, over 1 agent', input, output, cost)
      : l10n.t('{0} input and {1} output tokens, {2}, over {3} agents', input, output, cost, summary.perAgent.length);
  const noSessions = l10n.t('No agent session has used tokens yet.');
  barsOrNote('per-agent', summary.perAgent, l10n.t('Tokens and cost per agent'), noSessions);
  barsOrNote('per-session', summary.perSession, l10n.t('Tokens and cost per session'), noSessions);
  barsOrNote('per-day', summary.perDay, l10n.t('Tokens and cost per day'), l10n.t('No tokens used in the last days.'));

  workerSelect.replaceChildren(
    ...workers.map((worker) => {
      const option = document.createElement('option');
      option.value = worker.id;
      option.textContent = worker.running ? worker.label : l10n.t('{0} (not running)', worker.label);
      option.selected = worker.id === message.selectedWorkerId;
      return option;
    }),
  );
  workerSelect.disabled = workers.length === 0;
  if (message.selectedWorkerId === undefined) {
    show('cpu', l10n.t('No workers yet: start one to see its CPU and memory here.'));
    byId('rss', HTMLDivElement).replaceChildren();
    return;
  }
  const axis = { windowMs: message.windowMs, now: message.now };
  show(
    'cpu',
    timeSeries(samples, {
      ...axis,
      label: l10n.t('CPU'),
      value: (s) => s.cpuPercent,
      format: (v) => `${v.toFixed(1)} %`,
      floor: 5,
    }),
  );
  show(
    'rss',
    timeSeries(samples, {
      ...axis,
      label: l10n.t('Memory (RSS)'),
      value: (s) => s.rssBytes,
      format: formatBytes,
      floor: 16 * 1024 * 1024,
    }),
  );
}

workerSelect.addEventListener('change', () => {
  vscode.postMessage({ type: 'selectWorker', workerId: workerSelect.value });
});

window.addEventListener('message', (event: MessageEvent<UsageExtensionMessage>) => {
  if (event.data?.type === 'update') {
    render(event.data);
  }
});

vscode.postMessage({ type: 'ready' });
