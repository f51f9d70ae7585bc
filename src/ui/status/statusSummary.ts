import * as l10n from '@vscode/l10n';
import { WorkerState, WorkerView } from '../../core/workers/workerView';

/** What the status bar item says about all workers. No vscode here. */
export interface StatusSummary {
  readonly text: string;
  readonly tooltip: string;
  /** Some worker crashed or failed: the item asks for attention. */
  readonly warning: boolean;
}

/**
 * Each count uses the word the worker's row uses, so a row that says "crashed" is counted as crashed;
 * only the short transitions (starting, restarting) count with running.
 */
type Bucket = 'running' | 'stopping' | 'waiting' | 'crashed' | 'failed' | 'stopped';

const BUCKETS: Record<WorkerState, Bucket> = {
  starting: 'running',
  running: 'running',
  restarting: 'running',
  stopping: 'stopping',
  backoff: 'waiting',
  crashed: 'crashed',
  failed: 'failed',
  stopped: 'stopped',
  exited: 'stopped',
};

const ICON = '$(server-process)';

/**
 * "$(server-process) 2 running · 1 stopping · 1 crashed", only the parts that are not zero. `views`
 * are the workers the tree shows: warm spare agent processes are not among them, only counted in the
 * tooltip as `warmSpares`.
 */
export function summarizeWorkers(views: readonly WorkerView[], warmSpares = 0): StatusSummary {
  const counts: Record<Bucket, number> = { running: 0, stopping: 0, waiting: 0, crashed: 0, failed: 0, stopped: 0 };
  let degraded = 0;
  for (const view of views) {
    counts[BUCKETS[view.state]] += 1;
    if (view.health === 'degraded') {
      degraded += 1;
    }
  }
  const shown: Array<[number, string]> = [
    [counts.running, l10n.t('{0} running', counts.running)],
    [counts.stopping, l10n.t('{0} stopping', counts.stopping)],
    [counts.waiting, l10n.t('{0} waiting to restart', counts.waiting)],
    [counts.crashed, l10n.t('{0} crashed', counts.crashed)],
    [counts.failed, l10n.t('{0} failed', counts.failed)],
  ];
  const parts = shown.filter(([count]) => count > 0).map(([, text]) => text);
  const spares =
    warmSpares === 1 ? l10n.t('1 warm agent process ready') : l10n.t('{0} warm agent processes ready', warmSpares);
  const details: Array<[number, string]> = [
    ...shown,
    [degraded, l10n.t('{0} degraded', degraded)],
    [counts.stopped, l10n.t('{0} stopped', counts.stopped)],
    [warmSpares, spares],
  ];
  const tooltipLines = details.filter(([count]) => count > 0).map(([, text]) => text);
  return {
    text: parts.length > 0 ? `${ICON} ${parts.join(' · ')}` : `${ICON} Shepherd`,
    tooltip:
      views.length === 0 && warmSpares === 0
        ? l10n.t('Shepherd: no workers')
        : `${l10n.t('Shepherd workers')}\n${tooltipLines.join('\n')}`,
    warning: counts.crashed + counts.failed > 0,
  };
}

/** What all sessions have used, as the status bar tooltip shows it. */
export interface SessionTotals {
  readonly sessions: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** "Sessions: 2 · 12,345 tokens in / 678 out · $0.1234"; nothing when there are no sessions. */
export function describeSessionTotals(totals: SessionTotals): string | undefined {
  if (totals.sessions === 0) {
    return undefined;
  }
  const count = (n: number): string => n.toLocaleString('en-US');
  const tokens = l10n.t('{0} tokens in / {1} out', count(totals.inputTokens), count(totals.outputTokens));
  return l10n.t('Sessions: {0} · {1} · ${2}', totals.sessions, tokens, totals.costUsd.toFixed(4));
}
