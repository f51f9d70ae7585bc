import * as os from 'node:os';
import * as vscode from 'vscode';
import { parseCommandLine } from '../../core/definitions/commandLine';
import { parseWorkerDefinition, slugify } from '../../core/definitions/definitionParser';
import { Supervisor } from '../../core/workers/supervisor';
import type { ShepherdContext } from '../context';
import { pickFolder } from '../common/folderPick';
import { readWorkerDefaults } from '../settings/configuration';

/** The longest part of a command line kept in an ad hoc worker's id and label. */
const ADHOC_SLUG_CHARS = 32;
const ADHOC_LABEL_CHARS = 60;

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

function validateCommandLine(value: string): string | undefined {
  const parsed = parseCommandLine(value);
  return parsed.ok ? undefined : parsed.errors.join('; ');
}

/** Runs a typed command line as a new ad hoc worker; resolves with its id (tests pass the line). */
export async function runCommandAsWorker(ctx: AdhocRunContext, arg: unknown): Promise<string | undefined> {
  const line =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({
          title: 'Run Command as Worker',
          prompt: 'Runs without a shell, unless the line uses shell syntax such as |, &&, > or $VAR',
          placeHolder: 'npm run dev',
          ignoreFocusOut: true,
          validateInput: validateCommandLine,
        });
  if (line === undefined) {
    return undefined;
  }
  const parsed = parseCommandLine(line);
  if (!parsed.ok) {
    throw new Error(`Cannot run "${line}": ${parsed.errors.join('; ')}`);
  }
  const where = await pickFolder();
  if (!where) {
    return undefined;
  }
  const id = adhocId(ctx.supervisor, line);
  const trimmed = line.trim();
  const label = trimmed.length > ADHOC_LABEL_CHARS ? `${trimmed.slice(0, ADHOC_LABEL_CHARS - 1)}…` : trimmed;
  // Problems in shepherd.defaults are reported by the settings sync; here they only fall back.
  const ignoredProblems: string[] = [];
  const definition = parseWorkerDefinition(
    // A typed command is often finite (a build, a test run): restarting it on failure would loop.
    {
      id,
      label,
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
    throw new Error(`Cannot run "${line}": ${definition.errors.join('; ')}`);
  }
  ctx.supervisor.upsert(definition.value);
  ctx.trust.setOrigin(id, 'user');
  ctx.outputs.show(id);
  await ctx.control.start(id);
  return id;
}
