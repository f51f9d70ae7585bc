import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseWorkerDefinition, parseWorkerList } from '../../../src/core/definitions/definitionParser';
import { parseProcfile } from '../../../src/core/definitions/procfile';
import { DEFAULT_WORKER_DEFAULTS, RESTART_MODES } from '../../../src/core/definitions/workerDefinition';
import { AGENT_KINDS, parseAgentConfig } from '../../../src/core/sessions/agentConfig';
import { anyText, hostile, shaped } from './arbitraries';
import { checkMessage, target } from './parserTarget';

/** What users write: worker and agent entries in settings, and Procfiles. */

export const definitionContext = { source: 'settings' as const, defaults: DEFAULT_WORKER_DEFAULTS, baseDir: '/work' };

const restartLimits = {
  maxRestarts: fc.integer({ min: 0, max: 1_000 }),
  windowMs: fc.integer({ min: 1, max: 86_400_000 }),
  backoffBaseMs: fc.integer({ min: 0, max: 3_600_000 }),
  backoffMaxMs: fc.integer({ min: 0, max: 3_600_000 }),
  minUptimeMs: fc.integer({ min: 0, max: 86_400_000 }),
};

/** Well-formed values for each field of a worker definition. */
export const workerFields = {
  id: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
  label: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
  command: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
  args: fc.array(anyText, { maxLength: 3 }),
  cwd: fc.constantFrom('web', '/srv/api', '../up', 'a b'),
  env: fc.dictionary(fc.string({ maxLength: 8 }), anyText, { maxKeys: 3 }),
  shell: fc.boolean(),
  restart: fc.oneof(
    fc.constantFrom(...RESTART_MODES),
    fc.record({ mode: fc.constantFrom(...RESTART_MODES), ...restartLimits }, { requiredKeys: [] }),
  ),
  graceMs: fc.integer({ min: 0, max: 600_000 }),
  healthPatterns: fc.array(fc.constantFrom('ready', '/rate limit/i', 'x+y'), { maxLength: 3 }),
  outputBufferBytes: fc.integer({ min: 1_024, max: 1_073_741_824 }),
  maxRuntimeMs: fc.integer({ min: 1, max: 2_147_483_647 }),
  autoStart: fc.boolean(),
};

function within(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Each message names a field in quotes, or says what the whole entry must be. */
function checkFieldErrors(errors: readonly string[]): void {
  assert.ok(errors.length > 0, 'refused without a reason');
  for (const error of errors) {
    checkMessage(error);
    assert.match(error, /"[^"]*"|^must be an/, `a message that names no field: ${error}`);
  }
}

export const settingsEntries = target(
  'settings entries (shepherd.workers)',
  hostile(shaped(workerFields)),
  (raw) => parseWorkerDefinition(raw, definitionContext),
  (_raw, parsed) => {
    if (!parsed.ok) {
      checkFieldErrors(parsed.errors);
      return;
    }
    const definition = parsed.value;
    assert.ok(definition.id !== '' && definition.command.trim() !== '' && path.isAbsolute(definition.cwd));
    assert.ok(Object.values(definition.env).every((value) => typeof value === 'string'));
    assert.ok(RESTART_MODES.includes(definition.restart.mode));
    const { restart } = definition;
    assert.ok(within(definition.graceMs, 0, 600_000) && within(definition.outputBufferBytes, 1_024, 1_073_741_824));
    assert.ok(definition.maxRuntimeMs === undefined || within(definition.maxRuntimeMs, 1, 2_147_483_647));
    assert.ok(within(restart.maxRestarts, 0, 1_000) && within(restart.windowMs, 1, 86_400_000));
    assert.ok(within(restart.backoffBaseMs, 0, 3_600_000) && within(restart.backoffMaxMs, 0, 3_600_000));
    assert.ok(within(restart.minUptimeMs, 0, 86_400_000));
  },
);

export const settingsLists = target(
  'settings lists (shepherd.workers)',
  hostile(fc.array(hostile(shaped(workerFields)), { maxLength: 4 })),
  (raw) => parseWorkerList(raw, definitionContext),
  (raw, { definitions, problems }) => {
    const length = Array.isArray(raw) ? raw.length : 1;
    assert.ok(definitions.length + problems.length <= length, 'more results than entries');
    assert.equal(new Set(definitions.map((d) => d.id)).size, definitions.length, 'a repeated id was accepted');
    problems.forEach((problem) => checkFieldErrors(problem.errors));
  },
);

export const agentFields = {
  id: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
  label: workerFields.label,
  kind: fc.constantFrom(...AGENT_KINDS),
  command: workerFields.command,
  args: workerFields.args,
  cwd: workerFields.cwd,
  env: workerFields.env,
  endMarker: fc.constantFrom('>>>', 'END'),
  idleGapMs: fc.integer({ min: 50, max: 600_000 }),
};

export const agentEntries = target(
  'agent config (shepherd.agents)',
  hostile(shaped(agentFields)),
  (raw) => parseAgentConfig(raw, '/work'),
  (_raw, parsed) => {
    if (!parsed.ok) {
      checkFieldErrors(parsed.errors);
      return;
    }
    const agent = parsed.value;
    assert.ok(agent.id !== '' && agent.command !== '' && AGENT_KINDS.includes(agent.kind));
    assert.ok(agent.cwd === undefined || path.isAbsolute(agent.cwd));
    assert.ok(within(agent.idleGapMs, 50, 600_000));
  },
);

export const procfileLine = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), anyText).map(([n, c]) => `${n}: ${c}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '  ', 'web', ': x', 'a b: c', 'web:', '\r') },
  { weight: 1, arbitrary: anyText },
);

export const procfileContext = { baseDir: '/work', defaults: DEFAULT_WORKER_DEFAULTS, idPrefix: 'procfile-work-' };

export const procfiles = target(
  'Procfiles',
  fc.array(procfileLine, { maxLength: 8 }).map((lines) => lines.join('\n')),
  (text) => parseProcfile(text, procfileContext),
  (text, { definitions, problems }) => {
    const lines = text.split('\n').length;
    assert.ok(definitions.length + problems.length <= lines, 'more results than lines');
    for (const problem of problems) {
      assert.ok(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lines);
      checkMessage(problem.message);
    }
    assert.equal(new Set(definitions.map((d) => d.id)).size, definitions.length, 'a repeated id was accepted');
    for (const definition of definitions) {
      assert.ok(definition.id.startsWith(procfileContext.idPrefix) && definition.shell && !definition.autoStart);
    }
  },
);
