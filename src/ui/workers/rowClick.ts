import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { COMMANDS, OPEN_CLICKED_ROW, SESSION_COMMANDS } from '../commands/commandIds';
import { registerGuardedCommand } from '../commands/commandGuard';
import type { ShepherdContext } from '../context';
import { isWorkerNode, WorkersNode } from './workersTree';

/**
 * Opens what the clicked row shows: the session of an agent's worker, the output of any other.
 *
 * A tree item command with arguments is kept by VS Code only as long as that rendering of the item;
 * rows refresh every tick with live CPU and memory, and a click landing between a refresh and its
 * repaint ran a command VS Code had already forgotten ("Actual command not found", an error the
 * user sees; microsoft/vscode#173233). A command without arguments cannot go stale, and the view
 * sends the row's selection to the extension before it runs the row's command, on the same channel.
 */
export function registerRowClick(
  view: vscode.TreeView<WorkersNode>,
  ctx: Pick<ShepherdContext, 'sessions' | 'logger' | 'notifier'>,
  store: DisposableStore,
): void {
  registerGuardedCommand(
    store,
    OPEN_CLICKED_ROW,
    () => {
      const node = view.selection.find(isWorkerNode);
      if (!node) {
        ctx.logger.warn(`${OPEN_CLICKED_ROW} ran with no worker selected in the Workers view`);
        return undefined;
      }
      return vscode.commands.executeCommand(
        ctx.sessions.sessionOfWorker(node.id) !== undefined ? SESSION_COMMANDS.openSession : COMMANDS.showOutput,
        node,
      );
    },
    ctx,
  );
}
