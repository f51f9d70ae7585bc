import * as vscode from 'vscode';
import { SessionView } from '../../shared/sessionModel';
import { describeExit } from '../../core/workers/exitWording';
import { FAILURE_STATES } from '../../core/workers/workerStates';
import { WorkerView } from '../../core/workers/workerView';
import { describeSession } from '../sessions/sessionPresentation';
import { formatBytes, formatDuration, stateLabel } from './workerFormat';

const RED = new vscode.ThemeColor('charts.red');
const YELLOW = new vscode.ThemeColor('charts.yellow');
const GREEN = new vscode.ThemeColor('charts.green');
const FAILED = new vscode.ThemeColor('testing.iconFailed');

/** The codicon for a worker's state; colour only where the user should look (crash, failure, trouble). */
export function stateIcon(view: Pick<WorkerView, 'state' | 'health'>, restricted: boolean): vscode.ThemeIcon {
  if (restricted) {
    return new vscode.ThemeIcon('workspace-untrusted');
  }
  switch (view.state) {
    case 'starting':
    case 'stopping':
      return new vscode.ThemeIcon('loading~spin');
    case 'restarting':
      return new vscode.ThemeIcon('sync~spin');
    case 'running':
      return view.health === 'degraded'
        ? new vscode.ThemeIcon('warning', YELLOW)
        : new vscode.ThemeIcon('circle-filled', GREEN);
    case 'backoff':
      return new vscode.ThemeIcon('history', YELLOW);
    case 'crashed':
      return new vscode.ThemeIcon('error', RED);
    case 'failed':
      return new vscode.ThemeIcon('error', FAILED);
    case 'exited':
      return new vscode.ThemeIcon('pass');
    case 'stopped':
      return new vscode.ThemeIcon('circle-outline');
  }
}

function time(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/** Everything about a worker worth a hover; user text goes through appendText so it is never markup. */
export function workerTooltip(view: WorkerView, restricted: boolean, session?: SessionView): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const line = (label: string, text: string): void => {
    md.appendMarkdown(`**${label}:** `);
    md.appendText(text);
    md.appendMarkdown('  \n');
  };
  md.appendMarkdown('**');
  md.appendText(view.label);
  md.appendMarkdown('**  \n');
  line(
    vscode.l10n.t('State'),
    [stateLabel(view.state), view.health === 'degraded' ? vscode.l10n.t('degraded') : undefined]
      .filter(Boolean)
      .join(', '),
  );
  if (session) {
    const about = session.model
      ? vscode.l10n.t(
          '{0} ({1}): {2}, model {3}',
          session.title,
          session.agentLabel,
          describeSession(session),
          session.model,
        )
      : vscode.l10n.t('{0} ({1}): {2}', session.title, session.agentLabel, describeSession(session));
    line(vscode.l10n.t('Session'), about);
  }
  if (restricted) {
    line(
      vscode.l10n.t('Workspace trust'),
      vscode.l10n.t('required: this workspace defines the worker and is not trusted'),
    );
  }
  md.appendCodeblock(view.commandLine, 'shellscript');
  line(vscode.l10n.t('Folder'), view.cwd);
  if (view.envNames.length > 0) {
    line(vscode.l10n.t('Environment'), view.envNames.join(', '));
  }
  if (view.pid !== undefined) {
    const figures = [vscode.l10n.t('pid {0}', view.pid)];
    if (view.startedAt !== undefined) {
      figures.push(vscode.l10n.t('up {0}', formatDuration(Date.now() - view.startedAt)));
    }
    if (view.processCount !== undefined) {
      figures.push(
        view.processCount === 1 ? vscode.l10n.t('1 process') : vscode.l10n.t('{0} processes', view.processCount),
      );
    }
    if (view.cpuPercent !== undefined) {
      figures.push(vscode.l10n.t('{0}% CPU', view.cpuPercent.toFixed(1)));
    }
    if (view.rssBytes !== undefined) {
      figures.push(formatBytes(view.rssBytes));
    }
    line(vscode.l10n.t('Process'), figures.join(', '));
  }
  if (view.localUrls.length > 0) {
    line(vscode.l10n.t('Open in Browser'), view.localUrls.join(', '));
  }
  if (view.lastExit) {
    line(vscode.l10n.t('Last exit'), vscode.l10n.t('{0} at {1}', describeExit(view.lastExit), time(view.lastExit.at)));
  }
  line(vscode.l10n.t('Restarts'), String(view.restartCount));
  if (view.lastHealthMatch) {
    const match = view.lastHealthMatch;
    line(
      vscode.l10n.t('Last health match'),
      vscode.l10n.t('{0} at {1}: {2}', match.pattern, time(match.at), match.line),
    );
  }
  if (view.message) {
    line(FAILURE_STATES.has(view.state) ? vscode.l10n.t('Failure') : vscode.l10n.t('Note'), view.message);
  }
  if (view.definitionChanged) {
    line(vscode.l10n.t('Settings'), vscode.l10n.t('changed since it started; restart to apply'));
  }
  if (view.lastLines.length > 0) {
    md.appendMarkdown(`**${vscode.l10n.t('Last lines:')}**\n`);
    md.appendCodeblock(view.lastLines.join('\n'), 'log');
  }
  return md;
}
