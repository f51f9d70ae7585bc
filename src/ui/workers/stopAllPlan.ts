import * as l10n from '@vscode/l10n';
import { canStop } from '../../core/workers/workerCapabilities';
import { WorkerView } from '../../core/workers/workerView';
import { describeValue, isObject, oneOf } from '../../shared/untrusted';
import { killCountdown } from './workerFormat';

/** What Stop All Workers may stop, in the order the question offers them. No vscode here. */
export type StopGroup = 'workers' | 'sessions' | 'spares';
export const STOP_GROUPS: readonly StopGroup[] = ['workers', 'sessions', 'spares'];

/** The live workers of each group: what Stop All could stop right now. */
export type StopAllPlan = Readonly<Record<StopGroup, readonly string[]>>;

/** One button of the question: what it stops. */
export interface StopChoice {
  readonly label: string;
  readonly include: readonly StopGroup[];
}

export interface StopQuestion {
  /** "Stop 5 workers?", or "Stop 5 workers and 2 agent sessions?" when there is nothing else to stop. */
  readonly message: string;
  /** What keeps running unless the user picks a button that includes it. */
  readonly detail: string | undefined;
  /** The first is the default; each next one includes one more group. */
  readonly choices: readonly StopChoice[];
}

/** How a count is worded: in a sentence ("2 agent sessions") or on a button ("2 Agent Sessions"). */
type Wording = 'sentence' | 'button';

/** One message per number and wording, so that a translation can inflect each its own way. */
function counted(plan: StopAllPlan, group: StopGroup, wording: Wording): string {
  const count = plan[group].length;
  const one = count === 1;
  const button = wording === 'button';
  switch (group) {
    case 'workers':
      if (button) {
        return one ? l10n.t('1 Worker') : l10n.t('{0} Workers', count);
      }
      return one ? l10n.t('1 worker') : l10n.t('{0} workers', count);
    case 'sessions':
      if (button) {
        return one ? l10n.t('1 Agent Session') : l10n.t('{0} Agent Sessions', count);
      }
      return one ? l10n.t('1 agent session') : l10n.t('{0} agent sessions', count);
    case 'spares':
      if (button) {
        return one ? l10n.t('1 Warm Spare Agent Process') : l10n.t('{0} Warm Spare Agent Processes', count);
      }
      return one ? l10n.t('1 warm spare agent process') : l10n.t('{0} warm spare agent processes', count);
  }
}

/** "5 workers", "5 workers and 2 agent sessions", "5 workers, 2 agent sessions and 1 warm spare agent process". */
export function describeGroups(plan: StopAllPlan, groups: readonly StopGroup[], wording: Wording = 'sentence'): string {
  const parts = groups.map((group) => counted(plan, group, wording));
  const last = parts.at(-1);
  if (last === undefined) {
    return l10n.t('nothing');
  }
  return parts.length === 1 ? last : l10n.t('{0} and {1}', parts.slice(0, -1).join(l10n.t(', ')), last);
}

/**
 * Sorts the stoppable workers into groups: warm spares (`isWarmSpare`), agent sessions (an agent's
 * process or a terminal it runs), and the workers the user defined or typed.
 */
export function planStopAll(views: readonly WorkerView[], isWarmSpare: (id: string) => boolean): StopAllPlan {
  const plan: Record<StopGroup, string[]> = { workers: [], sessions: [], spares: [] };
  for (const view of views.filter(canStop)) {
    const group: StopGroup = isWarmSpare(view.id) ? 'spares' : view.source === 'session' ? 'sessions' : 'workers';
    plan[group].push(view.id);
  }
  return plan;
}

/**
 * The question asked before anything stops. Agent sessions and warm spares are left out of the
 * default: stopping them loses a conversation's process or a ready agent, which the user should choose.
 */
export function stopAllQuestion(plan: StopAllPlan): StopQuestion | undefined {
  const present = STOP_GROUPS.filter((group) => plan[group].length > 0);
  if (present.length === 0) {
    return undefined;
  }
  const choices = present.map((_group, index) => {
    const include = present.slice(0, index + 1);
    return { label: l10n.t('Stop {0}', describeGroups(plan, include, 'button')), include };
  });
  const [first] = present;
  const left = present.slice(1);
  return {
    message: l10n.t('Stop {0}?', describeGroups(plan, [first])),
    detail: left.length === 0 ? undefined : keepsRunning(plan, left),
    choices,
  };
}

/** What the default button leaves running; "keeps" for one thing, "keep" for more. */
function keepsRunning(plan: StopAllPlan, left: readonly StopGroup[]): string {
  const what = describeGroups(plan, left);
  return left.length === 1 && plan[left[0]].length === 1
    ? l10n.t('{0} keeps running unless you choose a button that stops it too.', what)
    : l10n.t('{0} keep running unless you choose a button that stops them too.', what);
}

/** The ids a choice stops. */
export function idsToStop(plan: StopAllPlan, include: readonly StopGroup[]): string[] {
  return include.flatMap((group) => plan[group]);
}

/**
 * Stop All called from code or a keybinding with `{ include: ['workers', 'sessions'] }` skips the
 * question; anything else is refused with what was wrong.
 */
export function readStopAllArg(arg: unknown): readonly StopGroup[] | undefined {
  if (arg === undefined) {
    return undefined;
  }
  const include = isObject(arg) ? arg.include : undefined;
  if (!Array.isArray(include) || include.length === 0) {
    throw new Error(
      l10n.t('Stop All Workers takes {0}, not {1}', `{ include: [${STOP_GROUPS.join(', ')}] }`, describeValue(arg)),
    );
  }
  return include.map((value: unknown) => {
    const group = oneOf(STOP_GROUPS, value);
    if (group === undefined) {
      throw new Error(
        l10n.t('Stop All Workers: "include" lists {0}; known: {1}', describeValue(value), STOP_GROUPS.join(', ')),
      );
    }
    return group;
  });
}

/** "3 of 5 still stopping · SIGKILL in 2 s": the progress of a Stop All, counting down to SIGKILL. */
export function stopProgressMessage(remaining: number, total: number, killAt: number | undefined, now: number): string {
  const parts = [l10n.t('{0} of {1} still stopping', remaining, total)];
  if (killAt !== undefined) {
    parts.push(killCountdown(killAt, now));
  }
  return parts.join(' · ');
}
