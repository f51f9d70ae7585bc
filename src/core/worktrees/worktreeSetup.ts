import * as l10n from '@vscode/l10n';
import { parseCommandLine } from '../definitions/commandLine';
import { slugify } from '../definitions/definitionParser';
import { DEFAULT_WORKER_DEFAULTS, WorkerDefinition } from '../definitions/workerDefinition';
import { Supervisor } from '../workers/supervisor';
import { RESTING_STATES } from '../workers/workerStates';
import { WorkerView } from '../workers/workerView';
import { describeExit } from '../workers/exitWording';

/** Lines of the setup's output quoted when it fails: enough to show npm's error, not a whole log. */
const QUOTED_LINES = 5;

export interface WorktreeSetupOptions {
  /** `shepherd.worktrees.setup`, a command line split like a shell would (a shell only for shell syntax). */
  readonly commandLine: string;
  /** The new worktree: the setup's cwd. */
  readonly cwd: string;
  /** Names the worker in the tree, next to the session it prepares (the worktree's slug). */
  readonly name: string;
}

/** The setup's worker id: `setup-<name>`, numbered when an earlier one is still in the tree. */
function setupId(supervisor: Supervisor, name: string): string {
  const base = `setup-${slugify(name)}`;
  let id = base;
  for (let n = 2; supervisor.get(id); n += 1) {
    id = `${base}-${n}`;
  }
  return id;
}

function failureOf(
  supervisor: Supervisor,
  id: string,
  view: WorkerView | undefined,
  options: WorktreeSetupOptions,
): string | undefined {
  if (view?.state === 'exited') {
    return undefined;
  }
  const why =
    view === undefined
      ? l10n.t('its worker was removed')
      : view.lastExit
        ? describeExit(view.lastExit)
        : (view.message ?? l10n.t('it ended {0}', view.state));
  const output = supervisor
    .output(id, QUOTED_LINES)
    .map((line) => line.text)
    .join(' / ');
  return output === ''
    ? l10n.t('the worktree setup "{0}" failed in {1}: {2}', options.commandLine, options.cwd, why)
    : l10n.t(
        'the worktree setup "{0}" failed in {1}: {2}; last output: {3}',
        options.commandLine,
        options.cwd,
        why,
        output,
      );
}

/**
 * Runs `shepherd.worktrees.setup` (for example `npm ci`) as a supervised worker in a new worktree
 * and waits for it to end, so the user sees it in the tree with its output and can stop it. Rejects
 * with the reason and the last lines of output when it does not exit cleanly (a non-zero code, a
 * signal, a stop, a command that cannot start): the session must not start on a half-made tree.
 * Resolves with the worker's id; the worker stays in the tree, exited.
 */
export async function runWorktreeSetup(supervisor: Supervisor, options: WorktreeSetupOptions): Promise<string> {
  const parsed = parseCommandLine(options.commandLine);
  if (!parsed.ok) {
    throw new Error(l10n.t('the worktree setup "{0}" cannot run: {1}', options.commandLine, parsed.errors.join('; ')));
  }
  const id = setupId(supervisor, options.name);
  const definition: WorkerDefinition = {
    id,
    label: l10n.t('setup {0}: {1}', options.name, options.commandLine),
    command: parsed.value.command,
    args: [...parsed.value.args],
    cwd: options.cwd,
    env: {},
    shell: parsed.value.shell,
    // A setup is finite: running it again on failure would hide why the session did not start.
    restart: { ...DEFAULT_WORKER_DEFAULTS.restart, mode: 'never' },
    graceMs: DEFAULT_WORKER_DEFAULTS.graceMs,
    healthPatterns: [],
    outputBufferBytes: DEFAULT_WORKER_DEFAULTS.outputBufferBytes,
    maxRuntimeMs: undefined,
    autoStart: false,
    source: 'adhoc',
  };
  supervisor.upsert(definition);
  // Listen before starting: a setup that fails at once must not end unseen.
  let resolveEnded: (view: WorkerView | undefined) => void = () => undefined;
  const ended = new Promise<WorkerView | undefined>((resolve) => (resolveEnded = resolve));
  const listener = supervisor.onDidChangeWorker((change) => {
    if (change.view.id === id && (change.kind === 'removed' || RESTING_STATES.has(change.view.state))) {
      resolveEnded(change.kind === 'removed' ? undefined : change.view);
    }
  });
  let view: WorkerView | undefined;
  try {
    const started = await supervisor.start(id);
    view = RESTING_STATES.has(started.state) ? started : await ended;
  } finally {
    listener.dispose();
  }
  const failure = failureOf(supervisor, id, view, options);
  if (failure !== undefined) {
    throw new Error(failure);
  }
  return id;
}
