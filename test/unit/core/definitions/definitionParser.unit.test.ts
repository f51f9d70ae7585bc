import * as assert from 'node:assert/strict';
import { parseWorkerDefinition, parseWorkerList } from '../../../../src/core/definitions/definitionParser';
import { DEFAULT_WORKER_DEFAULTS } from '../../../../src/core/definitions/workerDefinition';

const context = { source: 'settings' as const, defaults: DEFAULT_WORKER_DEFAULTS, baseDir: '/work/project' };

describe('parseWorkerDefinition', () => {
  it('fills defaults and resolves a relative cwd against the folder', () => {
    const parsed = parseWorkerDefinition(
      { label: 'Web Server', command: 'npm', args: ['run', 'dev'], cwd: 'web' },
      context,
    );
    assert.ok(parsed.ok);
    assert.equal(parsed.value.id, 'web-server');
    assert.equal(parsed.value.cwd, '/work/project/web');
    assert.equal(parsed.value.shell, false);
    assert.equal(parsed.value.graceMs, DEFAULT_WORKER_DEFAULTS.graceMs);
    assert.deepEqual(parsed.value.restart, DEFAULT_WORKER_DEFAULTS.restart);
  });

  it('accepts a restart mode as a string or a policy object', () => {
    const short = parseWorkerDefinition({ command: 'x', restart: 'always' }, context);
    const full = parseWorkerDefinition({ command: 'x', restart: { mode: 'never', maxRestarts: 2 } }, context);
    assert.ok(short.ok && full.ok);
    assert.equal(short.value.restart.mode, 'always');
    assert.equal(full.value.restart.mode, 'never');
    assert.equal(full.value.restart.maxRestarts, 2);
  });

  it('names every wrong field', () => {
    const parsed = parseWorkerDefinition(
      {
        command: '',
        args: 'run dev',
        env: { A: 1 },
        graceMs: -1,
        restart: 'sometimes',
        healthPatterns: ['(unclosed'],
        colour: 'red',
      },
      context,
    );
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.errors.sort(), [
      '"args" must be an array of strings',
      '"command" must be a non-empty string',
      '"env" must be an object whose values are strings',
      '"graceMs" must be a whole number from 0 to 600000',
      '"healthPatterns" entry "(unclosed" is not a valid regular expression',
      '"restart" mode must be one of never, on-failure, always',
      'unknown property "colour"',
    ]);
  });

  it('requires a command', () => {
    const parsed = parseWorkerDefinition({ label: 'nothing' }, context);
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.errors, ['"command" is required']);
  });
});

describe('parseWorkerList', () => {
  it('keeps the valid entries and reports the bad ones by position and name', () => {
    const { definitions, problems } = parseWorkerList(
      [
        { id: 'api', command: 'node' },
        { id: 'bad', command: 'x', args: 3 },
        { id: 'api', command: 'again' },
        'nonsense',
      ],
      context,
    );
    assert.deepEqual(
      definitions.map((d) => d.id),
      ['api'],
    );
    assert.deepEqual(
      problems.map((p) => [p.index, p.name, p.errors[0]]),
      [
        [1, 'bad', '"args" must be an array of strings'],
        [2, 'api', 'the id "api" is used by an earlier entry'],
        [3, undefined, 'must be an object with at least a "command"'],
      ],
    );
  });

  it('reports a value that is not a list', () => {
    assert.equal(
      parseWorkerList({ command: 'x' }, context).problems[0].errors[0],
      'must be an array of worker definitions',
    );
  });
});
