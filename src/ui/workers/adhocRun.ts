import * as os from 'node:os';
import * as vscode from 'vscode';
import { parseCommandLine } from '../../core/definitions/commandLine';
import { parseWorkerDefinition, slugify } from '../../core/definitions/definitionParser';
import { Supervisor } from '../../core/workers/supervisor';
import type { ShepherdContext } from '../context';
import { pickFolder } from '../common/folderPick';
import { readWorkerDefaults } from '../settings/configuration';
import { shortWorkerName } from './workerFormat';
import { describeValue, isObject } from '../../shared/untrusted';

/** The longest part of a command line kept in an ad hoc worker's id, and the longest name. */
const ADHOC_SLUG_CHARS = 32;
const WORKER_NAME_CHARS = 60;
/** The input box's example: a command line, the same in every language. */
const EXAMPLE_COMMAND = 'npm run dev';

/** What running a typed command uses of the context. */
export type AdhocRunContext = Pick<ShepherdContext, 'supervisor' | 'trust' | 'outputs' | 'control'>;

function adhocId(supervisor: Supervisor, line: string): string {
  const slug = slugify(line).slice(0, ADHOC_SLUG_CHARS).replace(/-+$/, '');
  let n = 1;
  while (supervisor.get(`adhoc-${slug}-${n}`)) {
    n += 1;
  }
  return `adhoc-${slug}-${n}`;
}

/** Why a worker name cannot be used, or undefined when it can. */
export function validateWorkerName(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') {
    return vscode.l10n.t('a name cannot be empty');
  }
  return trimmed.length > WORKER_NAME_CHARS
    ? vscode.l10n.t('a name has at most {0} characters', WORKER_NAME_CHARS)
    : undefined;
}

function validateCommandLine(value: string): string | undefined {
  const parsed = parseCommandLine(value);
  return parsed.ok ? undefined : parsed.errors.join('; ');
}

/** What a caller (a test, a keybinding) may pass: the line, or `{ command, name }`. */
function readRunArg(arg: unknown): { line: string | undefined; name: string | undefined } {
  if (arg === undefined || typeof arg === 'string') {
    return { line: arg, name: undefined };
  }
  if (isObject(arg) && typeof arg.command === 'string' && (arg.name === undefined || typeof arg.name === 'string')) {
    return { line: arg.command, name: arg.name };
  }
  throw new Error(
    vscode.l10n.t(
      'Run Command as Worker takes a command line or {1}, not {0}',
      describeValue(arg),
      '{ command, name }',
    ),
  );
}

/** Asks for the line, then for a name (the short name offered); undefined when the user cancelled. */
async function askLineAndName(): Promise<{ line: string; name: string } | undefined> {
  const line = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Command as Worker (1/2): command'),
    prompt: vscode.l10n.t('Runs without a shell, unless the line uses shell syntax such as |, &&, > or $VAR'),
    placeHolder: EXAMPLE_COMMAND,
    ignoreFocusOut: true,
    validateInput: validateCommandLine,
  });
  if (line === undefined) {
    return undefined;
  }
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Run Command as Worker (2/2): name'),
    prompt: vscode.l10n.t('The name shown in the Workers view; Rename changes it later'),
    value: shortWorkerName(line),
    ignoreFocusOut: true,
    validateInput: validateWorkerName,
  });
  return name === undefined ? undefined : { line, name };
}

/**
 * Runs a typed command line as a new ad hoc worker; resolves with its id. Tests pass the line, or
 * `{ command, name }`; without a name the worker is called by its short name ("npm run").
 */
export async function runCommandAsWorker(ctx: AdhocRunContext, arg: unknown): Promise<string | undefined> {
  const given = readRunArg(arg);
  const asked = given.line === undefined ? await askLineAndName() : undefined;
  const line = given.line ?? asked?.line;
  if (line === undefined) {
    return undefined;
  }
  const parsed = parseCommandLine(line);
  if (!parsed.ok) {
    throw new Error(vscode.l10n.t('Cannot run "{0}": {1}', line, parsed.errors.join('; ')));
  }
  const name = (given.name ?? asked?.name ?? shortWorkerName(line)).trim();
  const nameProblem = validateWorkerName(name);
  if (nameProblem) {
    throw new Error(vscode.l10n.t('Cannot run "{0}" as "{1}": {2}', line, name, nameProblem));
  }
  const where = await pickFolder();
  if (!where) {
    return undefined;
  }
  const id = adhocId(ctx.supervisor, line);
  // Problems in shepherd.defaults are reported by the settings sync; here they only fall back.
  const ignoredProblems: string[] = [];
  const definition = parseWorkerDefinition(
    // A typed command is often finite (a build, a test run): restarting it on failure would loop.
    {
      id,
      label: name,
      command: parsed.value.command,
      args: [...parsed.value.args],
      shell: parsed.value.shell,
      restart: 'never',
    },
    {
      source: 'adhoc',
      defaults: readWorkerDefaults(where.folder?.uri, ignoredProblems),
      baseDir: where.folder?.uri.fsPath ?? os.homedir(),
    },
  );
  if (!definition.ok) {
    throw new Error(vscode.l10n.t('Cannot run "{0}": {1}', line, definition.errors.join('; ')));
  }
  ctx.supervisor.upsert(definition.value);
  ctx.trust.setOrigin(id, 'user');
  ctx.outputs.show(id);
  await ctx.control.start(id);
  return id;
}
