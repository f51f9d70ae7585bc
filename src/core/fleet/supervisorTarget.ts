import * as l10n from '@vscode/l10n';
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
          return view.pid === undefined
            ? l10n.t('{0} is {1}', workerId, view.state)
            : l10n.t('{0} is {1} (pid {2})', workerId, view.state, view.pid);
        }
        case 'stop': {
          const result = await supervisor.stop(workerId);
          return result === undefined
            ? l10n.t('{0} was not running', workerId)
            : l10n.t('{0} stopped ({1} after {2} ms)', workerId, result.outcome, result.elapsedMs);
        }
        case 'restart': {
          const view = await supervisor.restart(workerId);
          return view.pid === undefined
            ? l10n.t('{0} restarted', workerId)
            : l10n.t('{0} restarted (pid {1})', workerId, view.pid);
        }
      }
    },
  };
}
