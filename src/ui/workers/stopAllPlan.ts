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

const NOUNS: Record<StopGroup, [string, string]> = {
  workers: ['worker', 'workers'],
  sessions: ['agent session', 'agent sessions'],
  spares: ['warm spare agent process', 'warm spare agent processes'],
};

function counted(plan: StopAllPlan, group: StopGroup): string {
  const count = plan[group].length;
  return `${count} ${NOUNS[group][count === 1 ? 0 : 1]}`;
}

/** "5 workers", "5 workers and 2 agent sessions", "5 workers, 2 agent sessions and 1 warm spare agent process". */
export function describeGroups(plan: StopAllPlan, groups: readonly StopGroup[]): string {
  const parts = groups.map((group) => counted(plan, group));
  return parts.length <= 1 ? (parts[0] ?? 'nothing') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
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

/** A button's words capitalised as VS Code's buttons are ("Stop 5 Workers and 2 Agent Sessions"). */
function titleCase(text: string): string {
  return text.replace(/(^|\s)([a-z]+)/g, (_match, space: string, word: string) =>
    word === 'and' ? `${space}${word}` : `${space}${word[0].toUpperCase()}${word.slice(1)}`,
  );
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
    return { label: titleCase(`stop ${describeGroups(plan, include)}`), include };
  });
  const [first] = present;
  const left = present.slice(1);
  return {
    message: `Stop ${describeGroups(plan, [first])}?`,
    detail:
      left.length === 0
        ? undefined
        : `${describeGroups(plan, left)} keep${left.length === 1 && plan[left[0]].length === 1 ? 's' : ''} ` +
          'running unless you choose a button that stops them too.',
    choices,
  };
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
    throw new Error(`Stop All Workers takes { include: [${STOP_GROUPS.join(', ')}] }, not ${describeValue(arg)}`);
  }
  return include.map((value: unknown) => {
    const group = oneOf(STOP_GROUPS, value);
    if (group === undefined) {
      throw new Error(`Stop All Workers: "include" lists ${describeValue(value)}; known: ${STOP_GROUPS.join(', ')}`);
    }
    return group;
  });
}

/** "3 of 5 still stopping · SIGKILL in 2 s": the progress of a Stop All, counting down to SIGKILL. */
export function stopProgressMessage(remaining: number, total: number, killAt: number | undefined, now: number): string {
  const parts = [`${remaining} of ${total} still stopping`];
  if (killAt !== undefined) {
    parts.push(killCountdown(killAt, now));
  }
  return parts.join(' · ');
}
