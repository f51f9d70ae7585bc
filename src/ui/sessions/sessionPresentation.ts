import * as vscode from 'vscode';
import { SessionState, SessionView } from '../../shared/sessionModel';

const LABELS: Record<SessionState, string> = {
  starting: vscode.l10n.t('starting'),
  idle: vscode.l10n.t('idle'),
  busy: vscode.l10n.t('busy'),
  'waiting-for-input': vscode.l10n.t('waiting for input'),
  stalled: vscode.l10n.t('stalled'),
  exited: vscode.l10n.t('exited'),
  failed: vscode.l10n.t('failed'),
};

/** The same words in the tree, the picker and the panel's status line. */
export function sessionStateLabel(state: SessionState): string {
  return LABELS[state];
}

/** The codicon of a session's state; colour only where the user is needed. */
export function sessionIcon(state: SessionState): vscode.ThemeIcon {
  switch (state) {
    case 'starting':
      return new vscode.ThemeIcon('loading~spin');
    case 'busy':
      return new vscode.ThemeIcon('sync~spin');
    case 'idle':
      return new vscode.ThemeIcon('comment-discussion', new vscode.ThemeColor('charts.green'));
    case 'waiting-for-input':
      return new vscode.ThemeIcon('bell-dot', new vscode.ThemeColor('charts.yellow'));
    case 'stalled':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow'));
    case 'exited':
      return new vscode.ThemeIcon('comment-discussion');
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
}

/** "busy · 1.2k in / 340 out · $0.0123": what a session is doing and what it has cost. */
export function describeSession(view: SessionView): string {
  const parts = [sessionStateLabel(view.state)];
  if (view.isDemo) {
    parts.push('demo');
  }
  if (view.usage.inputTokens + view.usage.outputTokens > 0) {
    parts.push(`${compact(view.usage.inputTokens)} in / ${compact(view.usage.outputTokens)} out`);
  }
  if (view.usage.costUsd > 0) {
    parts.push(`$${view.usage.costUsd.toFixed(4)}`);
  }
  return parts.join(' · ');
}

function compact(n: number): string {
  return n >= 1_000 ? `${(n / 1_000).toFixed(1)}k` : String(n);
}
