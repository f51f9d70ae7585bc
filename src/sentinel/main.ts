// The sentinel: a small Node process, one per extension host, started detached in its own session
// so that signals to the editor's process group (Ctrl+C, systemctl stop) do not reach it. The host
// tells it over the IPC channel of every group it starts and ends. When the channel closes without
// a goodbye, the host has died (SIGKILL, a crash, SIGTERM to its group): the sentinel stops every
// group on its list, writes what it did to its log for the next activation, and exits.
//   node sentinel.js <log file> <host pid>
import { describeError } from '../core/base/logger';
import { appendSentinelLog, appendSentinelProblem } from '../core/recovery/sentinelLog';
import { SentinelWatch } from '../core/recovery/sentinelWatch';

const [logFile, hostPidText] = process.argv.slice(2);
const hostPid = Number(hostPidText);

const watch = new SentinelWatch((message) => appendSentinelProblem(logFile, message));

async function hostGone(): Promise<void> {
  if (watch.goodbye) {
    process.exit(0);
  }
  try {
    for (const report of await watch.reapAll()) {
      appendSentinelLog(logFile, { at: Date.now(), hostPid, ...report });
    }
  } catch (error) {
    appendSentinelProblem(logFile, `stopping the groups of host ${hostPid} failed: ${describeError(error)}`);
  }
  process.exit(0);
}

if (!logFile || !Number.isInteger(hostPid) || !process.send) {
  // Started by hand, or without an IPC channel: there is no host to watch.
  process.exit(2);
}
process.on('message', (message) => watch.receive(message));
process.on('disconnect', () => void hostGone());
