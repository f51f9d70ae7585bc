import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DefinitionProblem, parseWorkerList } from '../../core/definitions/definitionParser';
import {
  compileHealthPattern,
  DEFAULT_WORKER_DEFAULTS,
  RESTART_MODES,
  RestartMode,
  WorkerDefaults,
  WorkerDefinition,
} from '../../core/definitions/workerDefinition';
import { loadProcfile } from './procfileLoader';
import { WorkerOrigin } from './trust';
import { GROUP_BY_VALUES, GroupBy } from '../workers/workerFormat';
import { isStringArray, oneOf } from '../../shared/untrusted';

export const SECTION = 'shepherd';
/** The Procfile looked for in each workspace folder unless `shepherd.procfile` says otherwise. */
export const DEFAULT_PROCFILE = 'Procfile';

export interface DesiredWorker {
  readonly definition: WorkerDefinition;
  readonly origin: WorkerOrigin;
}

/** A Procfile the settings point at, watched so edits to it apply like edits to settings. */
export interface ProcfileLocation {
  readonly uri: vscode.Uri;
}

/** The workers the settings and Procfiles ask for, and what could not be read. */
export interface DesiredWorkers {
  readonly workers: readonly DesiredWorker[];
  readonly problems: readonly string[];
  readonly procfiles: readonly ProcfileLocation[];
}

function integerSetting(
  config: vscode.WorkspaceConfiguration,
  key: string,
  fallback: number,
  range: [number, number],
  problems: string[],
): number {
  const value = config.get<unknown>(key);
  if (value === undefined) {
    return fallback;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1]) {
    return value;
  }
  problems.push(
    vscode.l10n.t(
      '{0}.{1} must be a whole number from {2} to {3}; using {4}',
      SECTION,
      key,
      range[0],
      range[1],
      fallback,
    ),
  );
  return fallback;
}

function restartModeSetting(config: vscode.WorkspaceConfiguration, problems: string[]): RestartMode {
  const value = config.get<unknown>('defaults.restart');
  const fallback = DEFAULT_WORKER_DEFAULTS.restart.mode;
  if (value === undefined) {
    return fallback;
  }
  const mode = oneOf(RESTART_MODES, value);
  if (mode !== undefined) {
    return mode;
  }
  problems.push(
    vscode.l10n.t('{0}.defaults.restart must be one of {1}; using {2}', SECTION, RESTART_MODES.join(', '), fallback),
  );
  return fallback;
}

function healthPatternsSetting(config: vscode.WorkspaceConfiguration, problems: string[]): readonly string[] {
  const value = config.get<unknown>('defaults.healthPatterns');
  const fallback = DEFAULT_WORKER_DEFAULTS.healthPatterns;
  if (value === undefined) {
    return fallback;
  }
  if (!isStringArray(value)) {
    problems.push(
      vscode.l10n.t('{0}.defaults.healthPatterns must be an array of strings; using the built-in patterns', SECTION),
    );
    return fallback;
  }
  const valid = value.filter((pattern) => {
    try {
      compileHealthPattern(pattern);
      return true;
    } catch {
      problems.push(
        vscode.l10n.t(
          '{0}.defaults.healthPatterns: {1} is not a valid regular expression; it is ignored',
          SECTION,
          JSON.stringify(pattern),
        ),
      );
      return false;
    }
  });
  return valid;
}

/** `shepherd.defaults.*` for a scope. A bad value falls back to the built-in default and says so. */
export function readWorkerDefaults(scope: vscode.Uri | undefined, problems: string[]): WorkerDefaults {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const builtIn = DEFAULT_WORKER_DEFAULTS;
  return {
    graceMs: integerSetting(config, 'defaults.graceMs', builtIn.graceMs, [0, 600_000], problems),
    restart: {
      ...builtIn.restart,
      mode: restartModeSetting(config, problems),
      maxRestarts: integerSetting(config, 'defaults.maxRestarts', builtIn.restart.maxRestarts, [0, 1_000], problems),
    },
    healthPatterns: healthPatternsSetting(config, problems),
    outputBufferBytes: integerSetting(
      config,
      'defaults.outputBufferBytes',
      builtIn.outputBufferBytes,
      [1_024, 1_073_741_824],
      problems,
    ),
  };
}

export function readGroupBy(): GroupBy {
  const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('tree.groupBy');
  return oneOf(GROUP_BY_VALUES, value) ?? 'source';
}

/** `shepherd.statusFile`, or undefined for the default location in the extension's storage. */
export function readStatusFileSetting(): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('statusFile');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** One level of `shepherd.workers`: user settings, workspace settings or one folder's settings. */
export interface SettingsLayer {
  /** How the user finds it, for problem messages. */
  readonly where: string;
  readonly raw: unknown;
  readonly origin: WorkerOrigin;
  /** Relative `cwd` values resolve here. */
  readonly baseDir: string;
  readonly scope: vscode.Uri | undefined;
  /** Set for folder layers: two folders may not define the same id. */
  readonly folder: string | undefined;
}

export function settingsLayers(): SettingsLayer[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const first = folders[0];
  const baseDir = first?.uri.fsPath ?? os.homedir();
  const inspected = vscode.workspace.getConfiguration(SECTION, first?.uri).inspect<unknown>('workers');
  const layers: SettingsLayer[] = [
    {
      where: vscode.l10n.t('User settings'),
      raw: inspected?.globalValue,
      origin: 'user',
      baseDir,
      scope: first?.uri,
      folder: undefined,
    },
  ];
  if (!vscode.workspace.workspaceFile) {
    // A single folder: its .vscode/settings.json is the workspace settings.
    const raw = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
    layers.push({
      where: vscode.l10n.t('Workspace settings'),
      raw,
      origin: 'workspace',
      baseDir,
      scope: first?.uri,
      folder: undefined,
    });
    return layers;
  }
  layers.push({
    where: vscode.l10n.t('Workspace settings'),
    raw: inspected?.workspaceValue,
    origin: 'workspace',
    baseDir,
    scope: first?.uri,
    folder: undefined,
  });
  for (const folder of folders) {
    const raw = vscode.workspace
      .getConfiguration(SECTION, folder.uri)
      .inspect<unknown>('workers')?.workspaceFolderValue;
    layers.push({
      where: vscode.l10n.t('settings of folder "{0}"', folder.name),
      raw,
      origin: 'workspace',
      baseDir: folder.uri.fsPath,
      scope: folder.uri,
      folder: folder.name,
    });
  }
  return layers;
}

/** `shepherd.workers[2] ("api") in Workspace settings: "args" must be an array of strings` */
function describeProblem(layer: SettingsLayer, problem: DefinitionProblem): string {
  const entry = problem.index < 0 ? `${SECTION}.workers` : `${SECTION}.workers[${problem.index}]`;
  const name = problem.name === undefined ? '' : ` ("${problem.name}")`;
  return `${entry}${name} in ${layer.where}: ${problem.errors.join('; ')}`;
}

/** Collects workers from all sources; later layers replace earlier ones with the same id. */
class WorkerCollector {
  readonly workers = new Map<string, { worker: DesiredWorker; folder: string | undefined; where: string }>();
  readonly problems: string[] = [];

  addLayer(layer: SettingsLayer): void {
    const { definitions, problems } = parseWorkerList(layer.raw, {
      source: 'settings',
      defaults: readWorkerDefaults(layer.scope, this.problems),
      baseDir: layer.baseDir,
    });
    this.problems.push(...problems.map((problem) => describeProblem(layer, problem)));
    for (const definition of definitions) {
      const earlier = this.workers.get(definition.id);
      if (earlier && layer.folder !== undefined && earlier.folder !== undefined) {
        this.problems.push(
          vscode.l10n.t(
            '{0}.workers: the id "{1}" is used in {2} and in {3}; give one of them another "id"',
            SECTION,
            definition.id,
            earlier.where,
            layer.where,
          ),
        );
        continue;
      }
      this.workers.set(definition.id, {
        worker: { definition, origin: layer.origin },
        folder: layer.folder,
        where: layer.where,
      });
    }
  }

  /** Procfile workers never replace a worker from settings: a clash is reported instead. */
  addProcfileWorkers(definitions: readonly WorkerDefinition[], where: string): void {
    for (const definition of definitions) {
      const earlier = this.workers.get(definition.id);
      if (earlier) {
        this.problems.push(
          vscode.l10n.t('{0}: the id "{1}" is already used in {2}', where, definition.id, earlier.where),
        );
        continue;
      }
      this.workers.set(definition.id, { worker: { definition, origin: 'workspace' }, folder: undefined, where });
    }
  }
}

function procfileUri(folder: vscode.WorkspaceFolder, setting: string): vscode.Uri {
  return path.isAbsolute(setting) ? vscode.Uri.file(setting) : vscode.Uri.joinPath(folder.uri, setting);
}

async function addProcfiles(collector: WorkerCollector, procfiles: ProcfileLocation[]): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const setting = vscode.workspace.getConfiguration(SECTION, folder.uri).get<unknown>('procfile', DEFAULT_PROCFILE);
    if (typeof setting !== 'string') {
      collector.problems.push(
        vscode.l10n.t('{0}.procfile in folder "{1}" must be a path or an empty string', SECTION, folder.name),
      );
      continue;
    }
    if (setting.trim() === '') {
      continue;
    }
    const uri = procfileUri(folder, setting.trim());
    procfiles.push({ uri });
    const loaded = await loadProcfile(uri, readWorkerDefaults(folder.uri, collector.problems));
    if (!loaded) {
      if (setting.trim() !== DEFAULT_PROCFILE) {
        collector.problems.push(
          vscode.l10n.t(
            '{0}.procfile in folder "{1}": {2} does not exist',
            SECTION,
            folder.name,
            vscode.workspace.asRelativePath(uri),
          ),
        );
      }
      continue;
    }
    collector.problems.push(...loaded.problems);
    collector.addProcfileWorkers(loaded.definitions, vscode.workspace.asRelativePath(uri));
  }
}

/**
 * Reads every definition the settings ask for: `shepherd.workers` from user, workspace and folder
 * settings (each layer read on its own, so a worker's origin decides whether workspace trust
 * applies), and the Procfile `shepherd.procfile` names in each folder. Bad entries become problems;
 * the good ones are returned.
 */
export async function readDesiredWorkers(): Promise<DesiredWorkers> {
  const collector = new WorkerCollector();
  for (const layer of settingsLayers()) {
    collector.addLayer(layer);
  }
  const procfiles: ProcfileLocation[] = [];
  await addProcfiles(collector, procfiles);
  return {
    workers: [...collector.workers.values()].map((entry) => entry.worker),
    problems: [...new Set(collector.problems)],
    procfiles,
  };
}
