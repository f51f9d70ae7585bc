import * as vscode from 'vscode';
import { ActivityEntry, ActivityLog } from '../../core/base/activityLog';
import { Disposable } from '../../core/base/events';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** "2025-03-01 14:02:07  crashed         api: exit code 1" in local time, one entry per line. */
export function formatActivityEntry(entry: ActivityEntry): string {
  const d = new Date(entry.at);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const stamp = `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${stamp}  ${entry.kind.padEnd(14)}  ${entry.message}`;
}

/**
 * "Show Activity Log": the supervisor's recent events in an output channel, created on first use with
 * what the log kept, then updated live as events happen.
 */
export class ActivityLogView implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;
  private subscription: Disposable | undefined;

  constructor(private readonly activity: ActivityLog) {}

  show(): void {
    this.channel ??= this.create();
    this.channel.show(true);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.channel?.dispose();
  }

  private create(): vscode.OutputChannel {
    const channel = vscode.window.createOutputChannel(vscode.l10n.t('Shepherd Activity'), 'log');
    channel.append(
      this.activity
        .list()
        .map((entry) => `${formatActivityEntry(entry)}\n`)
        .join(''),
    );
    this.subscription = this.activity.onDidAdd((entry) => channel.appendLine(formatActivityEntry(entry)));
    return channel;
  }
}
