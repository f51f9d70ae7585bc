import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseProcfile } from '../../../../src/core/definitions/procfile';
import { DEFAULT_WORKER_DEFAULTS } from '../../../../src/core/definitions/workerDefinition';

const baseDir = path.resolve('/projects/shop');
const context = { baseDir, defaults: DEFAULT_WORKER_DEFAULTS, idPrefix: 'procfile-shop-' };

describe('parseProcfile', () => {
  it('turns each entry into a shell worker in the Procfile folder that does not start by itself', () => {
    const { definitions, problems } = parseProcfile(
      'web: bundle exec rails s -p $PORT\nworker:python worker.py\n',
      context,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      definitions.map((d) => [d.id, d.label, d.command, d.args, d.shell, d.cwd, d.source, d.autoStart]),
      [
        ['procfile-shop-web', 'web', 'bundle exec rails s -p $PORT', [], true, baseDir, 'procfile', false],
        ['procfile-shop-worker', 'worker', 'python worker.py', [], true, baseDir, 'procfile', false],
      ],
    );
    assert.equal(definitions[0].restart, DEFAULT_WORKER_DEFAULTS.restart);
    assert.equal(definitions[0].graceMs, DEFAULT_WORKER_DEFAULTS.graceMs);
  });

  it('skips comments, blank lines and CRLF line ends', () => {
    const { definitions, problems } = parseProcfile(
      '# services\r\n\r\n   \r\n  # indented comment\r\nweb: node app.js\r\n',
      context,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      definitions.map((d) => d.command),
      ['node app.js'],
    );
  });

  it('reports bad lines with their numbers and keeps the good ones', () => {
    const text = [
      'web: node app.js',
      'no colon here',
      'bad name!: x',
      'empty:   ',
      'web: node other.js',
      'Web: node third.js',
      'ok_1: true',
    ].join('\n');
    const { definitions, problems } = parseProcfile(text, context);
    assert.deepEqual(
      definitions.map((d) => d.id),
      ['procfile-shop-web', 'procfile-shop-ok-1'],
    );
    assert.deepEqual(
      problems.map((p) => p.line),
      [2, 3, 4, 5, 6],
    );
    assert.match(problems[0].message, /expected "name: command"/);
    assert.match(problems[2].message, /"empty" has no command/);
    assert.match(problems[3].message, /repeats the process name on line 1/);
    assert.match(problems[4].message, /line 1/);
  });

  it('returns nothing for an empty file', () => {
    assert.deepEqual(parseProcfile('', context), { definitions: [], problems: [] });
  });
});
