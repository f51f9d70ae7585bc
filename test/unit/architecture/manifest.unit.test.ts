import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_GRACE_MS } from '../../../src/core/process/processGroup';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_STALL_TIMEOUT_MS } from '../../../src/core/sessions/sessionWatchdog';
import { DEFAULT_POOL_SIZE } from '../../../src/core/sessions/warmPool';
import { DEFAULT_WORKER_DEFAULTS, RESTART_MODES } from '../../../src/core/definitions/workerDefinition';
import {
  COMMANDS,
  FLEET_COMMANDS,
  ORPHAN_COMMANDS,
  SESSION_COMMANDS,
  USAGE_COMMANDS,
  WORKTREE_COMMANDS,
} from '../../../src/ui/commands/commandIds';
import { GROUP_BY_VALUES } from '../../../src/ui/workers/workerFormat';

interface Manifest {
  activationEvents: string[];
  icon: string;
  extensionKind: string[];
  contributes: {
    keybindings: Array<{ command: string; key: string; mac?: string; when?: string }>;
    walkthroughs: Array<{
      id: string;
      steps: Array<{ id: string; description: string; media: { image: string }; completionEvents: string[] }>;
    }>;
    commands: Array<{ command: string; title: string; category: string; icon: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
    configuration: {
      properties: Record<
        string,
        { default?: unknown; enum?: unknown[]; markdownDescription?: string; description?: string }
      >;
    };
  };
}

const ROOT = path.resolve(__dirname, '../../../..');
const rawManifest: unknown = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const NLS_REFERENCE = /^%([^%\s]+)%$/;

/** Every string of `value`, each with its path, however deep. */
function* strings(value: unknown, at: string): Generator<[string, string]> {
  if (typeof value === 'string') {
    yield [at, value];
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      yield* strings(item, `${at}[${index}]`);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      yield* strings(item, `${at}.${key}`);
    }
  }
}

/** The manifest as VS Code shows it: each `%key%` replaced by its English text from package.nls.json. */
function localized(value: unknown): unknown {
  if (typeof value === 'string') {
    const key = NLS_REFERENCE.exec(value)?.[1];
    return key === undefined ? value : nls[key];
  }
  if (Array.isArray(value)) {
    return value.map(localized);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, localized(item)]));
  }
  return value;
}

const manifest = localized(rawManifest) as Manifest;
const contributed = manifest.contributes.commands.map((entry) => entry.command);
const properties = manifest.contributes.configuration.properties;

describe('package.json contributions', () => {
  it('takes every user-facing text from package.nls.json, and every key there is used', () => {
    const texts = [...strings(rawManifest, 'package.json')];
    const used = new Set<string>();
    for (const [at, text] of texts) {
      const key = NLS_REFERENCE.exec(text)?.[1];
      if (key !== undefined) {
        assert.ok(typeof nls[key] === 'string', `${at} names ${text}, which package.nls.json lacks`);
        used.add(key);
      }
    }
    assert.deepEqual(
      Object.keys(nls).filter((key) => !used.has(key)),
      [],
      'keys of package.nls.json nothing uses',
    );
    // The fields VS Code shows the user: written in package.nls.json, so that it can be translated.
    const shown =
      /\.(displayName|description|markdownDescription|title|shortTitle|category|name|contents|altText|label|enumDescriptions\[\d+\]|markdownEnumDescriptions\[\d+\]|deprecationMessage)$/;
    const hardCoded = texts.filter(
      ([at, text]) =>
        shown.test(at) && !NLS_REFERENCE.test(text) && !/\.(default|body)\b/.test(at) && at !== 'package.json.name',
    );
    assert.deepEqual(hardCoded, []);
  });

  it('contributes exactly the commands the code registers', () => {
    const registered = [
      ...Object.values(COMMANDS),
      ...Object.values(SESSION_COMMANDS),
      ...Object.values(USAGE_COMMANDS),
      ...Object.values(FLEET_COMMANDS),
      ...Object.values(WORKTREE_COMMANDS),
      ...Object.values(ORPHAN_COMMANDS),
    ];
    assert.deepEqual([...contributed].sort(), registered.sort());
  });

  it('gives every command the Shepherd category and a codicon', () => {
    for (const entry of manifest.contributes.commands) {
      assert.equal(entry.category, 'Shepherd', entry.command);
      assert.match(entry.icon, /^\$\([a-z-]+\)$/, entry.command);
    }
  });

  it('refers only to contributed commands in menus and welcome buttons', () => {
    const known = new Set(contributed);
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        assert.ok(known.has(item.command), `${menu} refers to ${item.command}`);
      }
    }
    for (const link of manifest.contributes.viewsWelcome.flatMap((entry) =>
      [...entry.contents.matchAll(/command:([\w.]+)/g)].map((m) => m[1]),
    )) {
      assert.ok(known.has(link), `viewsWelcome refers to ${link}`);
    }
  });

  it('welcomes with one button in the Workers view, and offers Import Procfile only when there is a Procfile', () => {
    const welcome = manifest.contributes.viewsWelcome.filter((entry) => entry.view === 'shepherd.workers');
    // VS Code draws a line that is only a link as a button, and a link inside text as a link.
    const buttons = welcome.flatMap((entry) =>
      entry.contents.split('\n').filter((line) => /^\[[^\]]+\]\(command:[\w.]+\)$/.test(line.trim())),
    );
    assert.deepEqual(buttons, ['[Run Command as Worker](command:shepherd.worker.runCommand)']);
    const importing = welcome.filter((entry) => entry.contents.includes('command:shepherd.procfile.import'));
    assert.deepEqual(
      importing.map((entry) => entry.when),
      ['shepherd.hasProcfile'],
    );
    const without = welcome.find((entry) => entry.when === '!shepherd.hasProcfile');
    assert.match(without?.contents ?? '', /add a file named Procfile/i);
  });

  it('documents every setting and gives it a default', () => {
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(key.startsWith('shepherd.'), key);
      assert.ok('default' in property, `${key} has no default`);
      assert.ok(property.markdownDescription ?? property.description, `${key} has no description`);
    }
  });

  it('declares the same defaults the core uses', () => {
    assert.equal(properties['shepherd.defaults.graceMs'].default, DEFAULT_GRACE_MS);
    assert.equal(properties['shepherd.defaults.restart'].default, DEFAULT_WORKER_DEFAULTS.restart.mode);
    assert.deepEqual(properties['shepherd.defaults.restart'].enum, RESTART_MODES);
    assert.equal(properties['shepherd.defaults.maxRestarts'].default, DEFAULT_WORKER_DEFAULTS.restart.maxRestarts);
    assert.equal(properties['shepherd.defaults.outputBufferBytes'].default, DEFAULT_WORKER_DEFAULTS.outputBufferBytes);
    assert.deepEqual(properties['shepherd.defaults.healthPatterns'].default, DEFAULT_WORKER_DEFAULTS.healthPatterns);
    assert.deepEqual(properties['shepherd.tree.groupBy'].enum, GROUP_BY_VALUES);
    assert.equal(properties['shepherd.sessions.idleTimeoutMinutes'].default, DEFAULT_IDLE_TIMEOUT_MS / 60_000);
    assert.equal(properties['shepherd.sessions.stallTimeoutMinutes'].default, DEFAULT_STALL_TIMEOUT_MS / 60_000);
    assert.equal(properties['shepherd.sessions.poolSize'].default, DEFAULT_POOL_SIZE);
  });

  it('revives session panels after a reload', () => {
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:shepherd.session'));
  });

  it('activates lazily, never on startup', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  });

  it('runs where the workspace lives, so remote set-ups supervise remote processes', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });

  it('ships a 128×128 PNG icon', () => {
    const png = fs.readFileSync(path.resolve(__dirname, '../../../..', manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // The IHDR chunk: width and height as big-endian 32-bit integers at bytes 16 and 20.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('binds keys only to contributed commands, each scoped by a when clause', () => {
    assert.ok(manifest.contributes.keybindings.length >= 2);
    for (const binding of manifest.contributes.keybindings) {
      assert.ok(contributed.includes(binding.command), binding.command);
      assert.ok(binding.when && binding.when.length > 0, `${binding.command} has no when clause`);
    }
  });

  it('walks a newcomer through 4 or 5 steps, each with an image, a working button and a completion event', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough, 'a walkthrough is contributed');
    assert.ok(walkthrough.steps.length >= 4 && walkthrough.steps.length <= 5, `${walkthrough.steps.length} steps`);
    const builtIn = ['workbench.view.extension.shepherd'];
    for (const step of walkthrough.steps) {
      assert.ok(fs.existsSync(path.resolve(__dirname, '../../../..', step.media.image)), step.media.image);
      const buttons = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((match) => match[1] ?? '');
      assert.ok(buttons.length > 0, `${step.id} has a button`);
      for (const command of buttons) {
        assert.ok(contributed.includes(command) || builtIn.includes(command), `${step.id}: ${command}`);
      }
      assert.ok(step.completionEvents.length > 0, `${step.id} can be completed`);
    }
  });
});
