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
    'State',
    [stateLabel(view.state), view.health === 'degraded' ? 'degraded' : undefined].filter(Boolean).join(', '),
  );
  if (session) {
    line(
      'Session',
      `${session.title} (${session.agentLabel}): ${describeSession(session)}` +
        (session.model ? `, model ${session.model}` : ''),
    );
  }
  if (restricted) {
    line('Workspace trust', 'required: this workspace defines the worker and is not trusted');
  }
  md.appendCodeblock(view.commandLine, 'shellscript');
  line('Folder', view.cwd);
  if (view.envNames.length > 0) {
    line('Environment', view.envNames.join(', '));
  }
  if (view.pid !== undefined) {
    const figures = [`pid ${view.pid}`];
    if (view.startedAt !== undefined) {
      figures.push(`up ${formatDuration(Date.now() - view.startedAt)}`);
    }
    if (view.processCount !== undefined) {
      figures.push(`${view.processCount} process${view.processCount === 1 ? '' : 'es'}`);
    }
    if (view.cpuPercent !== undefined) {
      figures.push(`${view.cpuPercent.toFixed(1)}% CPU`);
    }
    if (view.rssBytes !== undefined) {
      figures.push(formatBytes(view.rssBytes));
    }
    line('Process', figures.join(', '));
  }
  if (view.localUrls.length > 0) {
    line(vscode.l10n.t('Open in Browser'), view.localUrls.join(', '));
  }
  if (view.lastExit) {
    line('Last exit', `${describeExit(view.lastExit)} at ${time(view.lastExit.at)}`);
  }
  line('Restarts', String(view.restartCount));
  if (view.lastHealthMatch) {
    const match = view.lastHealthMatch;
    line('Last health match', `${match.pattern} at ${time(match.at)}: ${match.line}`);
  }
  if (view.message) {
    line(FAILURE_STATES.has(view.state) ? 'Failure' : 'Note', view.message);
  }
  if (view.definitionChanged) {
    line('Settings', 'changed since it started; restart to apply');
  }
  if (view.lastLines.length > 0) {
    md.appendMarkdown('**Last lines:**\n');
    md.appendCodeblock(view.lastLines.join('\n'), 'log');
  }
  return md;
}
