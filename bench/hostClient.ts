import { fork } from 'node:child_process';
import { once } from 'node:events';
import { HostApi, HostKind, HostReply, HostRequest } from './host/protocol';
import { killRepProcesses, newMarker } from './orphans';
import { HOST_ENTRY } from './paths';

/** A host answer, with what the core complained about while producing it. */
export interface HostOutcome<K extends HostKind> {
  readonly result: HostApi[K]['result'];
  readonly problems: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 300_000;

/**
 * Runs one repetition of Shepherd's side in a fresh host process and returns its result. The host
 * is SIGKILLed if it outlives its answer or the timeout, and every process of the repetition is
 * killed afterwards whatever happened, so a failed repetition leaves nothing behind.
 */
export async function runOnHost<K extends HostKind>(
  kind: K,
  params: HostApi[K]['params'],
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
): Promise<HostOutcome<K>> {
  const repMarker = newMarker('rep');
  // --expose-gc lets the host collect garbage before it reads a memory baseline.
  const child = fork(HOST_ENTRY, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  let timer: NodeJS.Timeout | undefined;
  let answered = false;
  try {
    const answer = new Promise<HostReply<K>>((resolve, reject) => {
      child.once('message', (message: HostReply<K>) => resolve(message));
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        reject(new Error(`the bench host exited (${signal ?? `code ${code}`}) without answering ${kind}`)),
      );
      timer = setTimeout(
        () => reject(new Error(`the bench host did not answer ${kind} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const request: HostRequest<K> = { kind, params, repMarker };
    child.send(request);
    const reply = await answer;
    answered = true;
    if (!reply.ok) {
      const problems = reply.problems.length > 0 ? `\ncore problems:\n${reply.problems.join('\n')}` : '';
      throw new Error(`${kind} failed in the host: ${reply.error}${problems}`);
    }
    return { result: reply.result, problems: reply.problems };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      // A host that answered is exiting by itself and gets a moment; one that failed does not.
      const killTimer = setTimeout(() => child.kill('SIGKILL'), answered ? 5_000 : 0);
      await exited;
      clearTimeout(killTimer);
    }
    await killRepProcesses(repMarker);
  }
}
