import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { slugify } from '../../../src/core/definitions/definitionParser';
import { parseProcfile } from '../../../src/core/definitions/procfile';
import { targetNamed } from '../../helpers/untrusted/allTargets';
import { assertInvariants, UNIT_RUNS } from '../../helpers/untrusted/parserTarget';
import { procfileContext } from '../../helpers/untrusted/settingsTargets';

const entry = fc.record({
  name: fc.stringMatching(/^[a-z0-9_][a-z0-9_-]{0,11}$/),
  command: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '' && !/[\r\n]/.test(s)),
});

describe('properties: Procfiles', () => {
  it('never throw on any text; problems point at real lines; ids are unique and prefixed', () => {
    assertInvariants(targetNamed('Procfiles'));
  });

  it('every process written as "name: command" is read back, in order, with its line', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => slugify(e.name), maxLength: 6 }), (entries) => {
        const text = entries.map((e) => `${e.name}: ${e.command}`).join('\n');
        const { definitions, problems } = parseProcfile(text, procfileContext);
        assert.deepEqual(problems, []);
        assert.deepEqual(
          definitions.map((d) => [d.label, d.command]),
          entries.map((e) => [e.name, e.command.trim()]),
        );
      }),
      { numRuns: UNIT_RUNS },
    );
  });
});
