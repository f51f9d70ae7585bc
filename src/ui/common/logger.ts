import * as vscode from 'vscode';
import { Logger } from '../../core/base/logger';

/** The core's Logger over the extension's one LogOutputChannel. */
export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
  };
}

/** A message about one worker, prefixed the way the core prefixes its own, so the log reads as one. */
export function workerMessage(id: string, message: string): string {
  return `[worker:${id}] ${message}`;
}
