import { Supervisor } from '../workers/supervisor';
import { RemoteAction } from './commandSigning';
import { RemoteTarget } from './commandChannel';

/**
 * The supervisor's workers as a remote-control target. Agent-session workers are left out: a session's
 * agent is driven by its chat panel, and stopping it from afar would cut a conversation mid-turn.
 */
export function supervisorTarget(supervisor: Supervisor): RemoteTarget {
  return {
    has: (workerId) => {
      const view = supervisor.get(workerId);
      return view !== undefined && view.source !== 'session';
    },
    run: async (action: RemoteAction, workerId: string) => {
      switch (action) {
        case 'start': {
          const view = await supervisor.start(workerId);
          return `${workerId} is ${view.state}${view.pid === undefined ? '' : ` (pid ${view.pid})`}`;
        }
        case 'stop': {
          const result = await supervisor.stop(workerId);
          return result === undefined
            ? `${workerId} was not running`
            : `${workerId} stopped (${result.outcome} after ${result.elapsedMs} ms)`;
        }
        case 'restart': {
          const view = await supervisor.restart(workerId);
          return `${workerId} restarted${view.pid === undefined ? '' : ` (pid ${view.pid})`}`;
        }
      }
    },
  };
}
