import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseWorkerDefinition } from '../../../src/core/definitions/definitionParser';
import { parseAgentConfig } from '../../../src/core/sessions/agentConfig';
import { targetNamed } from '../../helpers/untrusted/allTargets';
import { assertInvariants, UNIT_RUNS } from '../../helpers/untrusted/parserTarget';
import { agentFields, definitionContext, workerFields } from '../../helpers/untrusted/settingsTargets';

/** A wrong value for each field that has a type: one that no reading of the field can accept. */
const WRONG: Record<string, unknown> = {
  id: 7,
  label: ['x'],
  kind: 'emacs',
  command: '   ',
  args: 'run dev',
  cwd: false,
  env: { A: 1 },
  shell: 'yes',
  restart: 'sometimes',
  graceMs: -1,
  healthPatterns: [1],
  outputBufferBytes: 1.5,
  maxRuntimeMs: 0,
  autoStart: 'no',
  endMarker: '',
  idleGapMs: 10,
};

describe('properties: settings entries', () => {
  for (const name of [
    'settings entries (shepherd.workers)',
    'settings lists (shepherd.workers)',
    'agent config (shepherd.agents)',
  ]) {
    it(`${name}: never throw on any value, and name a field in every message`, () => {
      assertInvariants(targetNamed(name));
    });
  }

  it('a well-formed worker entry is read as written', () => {
    fc.assert(
      fc.property(
        fc.record({ ...workerFields, command: workerFields.command }, { requiredKeys: ['command'] }),
        (raw) => {
          const parsed = parseWorkerDefinition(raw, definitionContext);
          assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.join('; '));
          const value = parsed.value;
          assert.equal(value.command, raw.command);
          assert.deepEqual(value.args, raw.args ?? []);
          assert.deepEqual(value.env, raw.env ?? {});
          assert.equal(value.cwd, path.resolve('/work', raw.cwd ?? '.'));
          assert.equal(value.graceMs, raw.graceMs ?? definitionContext.defaults.graceMs);
          assert.equal(
            value.restart.mode,
            typeof raw.restart === 'string'
              ? raw.restart
              : (raw.restart?.mode ?? definitionContext.defaults.restart.mode),
          );
          assert.equal(value.id, raw.id ?? value.id);
        },
      ),
      { numRuns: UNIT_RUNS },
    );
  });

  it('one wrong field in an otherwise good entry is refused by name, and only that field', () => {
    const workerKeys = Object.keys(workerFields);
    const agentKeys = Object.keys(agentFields);
    fc.assert(
      fc.property(
        fc.record(workerFields, { requiredKeys: ['command'] }),
        fc.constantFrom(...workerKeys),
        (raw, key) => {
          const parsed = parseWorkerDefinition({ ...raw, [key]: WRONG[key] }, definitionContext);
          assert.ok(!parsed.ok, `${key}: ${JSON.stringify(WRONG[key])} was accepted`);
          assert.equal(parsed.errors.length, 1, parsed.errors.join('; '));
          assert.ok(parsed.errors[0]?.includes(`"${key}"`), parsed.errors[0]);
        },
      ),
      { numRuns: UNIT_RUNS },
    );
    fc.assert(
      fc.property(
        fc.record(agentFields, { requiredKeys: ['id', 'kind', 'command'] }),
        fc.constantFrom(...agentKeys),
        (raw, key) => {
          const parsed = parseAgentConfig({ ...raw, [key]: WRONG[key] }, '/work');
          assert.ok(!parsed.ok, `${key}: ${JSON.stringify(WRONG[key])} was accepted`);
          assert.equal(parsed.errors.length, 1, parsed.errors.join('; '));
          assert.ok(parsed.errors[0]?.includes(`"${key}"`), parsed.errors[0]);
        },
      ),
      { numRuns: UNIT_RUNS },
    );
  });
});
