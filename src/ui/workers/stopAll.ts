import * as vscode from 'vscode';
import type { ShepherdContext } from '../context';
import { COMMANDS } from '../commands/commandIds';
import { idsToStop, planStopAll, readStopAllArg, StopGroup, stopAllQuestion, stopProgressMessage } from './stopAllPlan';

/** What Stop All Workers uses of the context. */
export type StopAllContext = Pick<ShepherdContext, 'supervisor' | 'sessions' | 'notifier'>;

/** The countdown in the notification moves in whole seconds. */
const PROGRESS_TICK_MS = 1_000;

/**
 * The progress notification's own button can only say "Cancel" (the API fixes its label), so Kill
 * Now is a command link in its message; closing the notification leaves the stop running.
 */
const KILL_NOW_LINK = `[${vscode.l10n.t('Kill Now')}](command:${COMMANDS.killNow})`;

/** The ids to stop: from the caller's `{ include }`, else from the user's answer to the question. */
async function ask(ctx: StopAllContext, arg: unknown): Promise<string[] | undefined> {
  const given = readStopAllArg(arg);
  const plan = planStopAll(ctx.supervisor.snapshot(), (id) => ctx.sessions.isWarmSpare(id));
  const question = stopAllQuestion(plan);
  if (!question) {
    ctx.notifier.info(vscode.l10n.t('Shepherd: no worker is running.'));
    return undefined;
  }
  let include: readonly StopGroup[] | undefined = given;
  if (!include) {
    const labels = question.choices.map((choice) => choice.label);
    const picked = await vscode.window.showWarningMessage(
      question.message,
      { modal: true, detail: question.detail },
      ...labels,
    );
    include = question.choices.find((choice) => choice.label === picked)?.include;
  }
  return include && idsToStop(plan, include);
}

/**
 * Stop All Workers: asks what to stop (agent sessions and warm spares only when the user says so),
 * then stops it all at once under a notification that counts down to SIGKILL. Resolves with the ids
 * it stopped (tests read them).
 */
export async function stopAllWorkers(ctx: StopAllContext, arg: unknown): Promise<string[]> {
  const ids = (await ask(ctx, arg)) ?? [];
  if (ids.length === 0) {
    return [];
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Shepherd', cancellable: false },
    async (progress) => {
      let remaining = ids.length;
      const report = (increment?: number): void => {
        const killAt = ids
          .map((id) => ctx.supervisor.get(id)?.killAt)
          .filter((at): at is number => at !== undefined)
          .reduce<number | undefined>(
            (earliest, at) => (earliest === undefined ? at : Math.min(earliest, at)),
            undefined,
          );
        const message = stopProgressMessage(remaining, ids.length, killAt, Date.now());
        progress.report({ message: `${message} · ${KILL_NOW_LINK}`, increment });
      };
      report();
      const ticker = setInterval(() => report(), PROGRESS_TICK_MS);
      try {
        await Promise.all(
          ids.map(async (id) => {
            if (ctx.supervisor.get(id)) {
              await ctx.supervisor.stop(id);
            }
            remaining -= 1;
            report(100 / ids.length);
          }),
        );
      } finally {
        clearInterval(ticker);
      }
    },
  );
  return ids;
}
