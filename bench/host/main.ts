/**
 * Entry of a host process: the driver forks one per repetition, sends it one HostRequest over IPC,
 * and gets one HostReply back. Shepherd's core runs here alone, as in the extension host, so its
 * event loop, CPU time and memory are measured without the driver's own work mixed in.
 */
// First, so that the timer functions are wrapped before any other module can keep a reference.
import './timerCensus';
import { describeError } from '../../src/core/base/logger';
import { acpFlood, acpScale, acpTerminals } from './acp';
import { acpFloor } from './acpFloor';
import { createContext, HostContext } from './context';
import { fleet } from './fleet';
import { flood, floodNodeOnly } from './flood';
import { idle } from './idle';
import { HostApi, HostKind, HostReply, HostRequest } from './protocol';
import { sessionEvents, sessionStatus, sessionTtft } from './sessions';
import { startMany } from './startMany';
import { stopStubborn } from './stopStubborn';
import { sweep } from './sweep';

type Handlers = {
  [K in HostKind]: (context: HostContext, params: HostApi[K]['params']) => Promise<HostApi[K]['result']>;
};

const handlers: Handlers = {
  'stop-stubborn': stopStubborn,
  'start-many': startMany,
  flood,
  'flood-node-only': floodNodeOnly,
  idle,
  sweep,
  'session-status': sessionStatus,
  'session-events': sessionEvents,
  'session-ttft': sessionTtft,
  fleet,
  'acp-terminals': acpTerminals,
  'acp-flood': acpFlood,
  'acp-scale': acpScale,
  'acp-floor': acpFloor,
};

function run<K extends HostKind>(request: HostRequest<K>, context: HostContext): Promise<HostApi[K]['result']> {
  const handler = handlers[request.kind] as (
    context: HostContext,
    params: HostApi[K]['params'],
  ) => Promise<HostApi[K]['result']>;
  return handler(context, request.params);
}

function reply(message: HostReply): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('the bench host must be started by the driver, with an IPC channel'));
      return;
    }
    process.send(message, undefined, undefined, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

async function serve(request: HostRequest): Promise<void> {
  const context = createContext(request.repMarker);
  let message: HostReply;
  try {
    message = { ok: true, result: await run(request, context), problems: context.problems };
  } catch (error) {
    // A failed scenario is the driver's to report (with its stack); the host only passes it on.
    message = {
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      problems: context.problems,
    };
  }
  await reply(message);
  // Every scenario has shut its supervisor down; exiting here also ends anything a bug left armed.
  process.exit(0);
}

process.once('message', (request: HostRequest) => {
  serve(request).catch((error: unknown) => {
    // The reply itself failed: the driver sees the exit code and reports the repetition as failed.
    process.stderr.write(`bench host: ${describeError(error)}\n`);
    process.exit(1);
  });
});
