import { Logger } from '../core/base/logger';

/** The peer logs one line per event to stderr, timestamped, as journald and docker logs expect. */
export function stderrLogger(): Logger {
  const line = (level: string, message: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
  };
  return {
    info: (message) => line('info', message),
    warn: (message) => line('warn', message),
    error: (message) => line('error', message),
  };
}
