import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkStatusContents } from '../../../src/core/recovery/statusFile';
import { parseStoredSession } from '../../../src/core/sessions/transcripts/storedSession';
import { targetNamed } from '../../helpers/untrusted/allTargets';
import { assertInvariants, UNIT_RUNS } from '../../helpers/untrusted/parserTarget';
import { statusContents, storedSession } from '../../helpers/untrusted/storedTargets';

/** What JSON.stringify then JSON.parse make of a value: how it comes back from disk. */
function throughDisk(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('properties: files Shepherd wrote, read back', () => {
  for (const name of ['status file', 'stored transcripts']) {
    it(`${name}: never throws on tampered or arbitrary JSON, and what it accepts reads back the same`, () => {
      assertInvariants(targetNamed(name));
    });
  }

  it('status file: every snapshot Shepherd writes is read back as written', () => {
    fc.assert(
      fc.property(statusContents, (contents) => {
        assert.deepEqual(checkStatusContents(throughDisk(contents)), { contents });
      }),
      { numRuns: UNIT_RUNS },
    );
  });

  it('stored transcripts: every saved session is read back as saved', () => {
    fc.assert(
      fc.property(storedSession, (session) => {
        assert.deepEqual(parseStoredSession(throughDisk(session)), { ok: true, session });
      }),
      { numRuns: UNIT_RUNS },
    );
  });

  it('stored transcripts: any field of an entry of the wrong type is named with the entry', () => {
    fc.assert(
      fc.property(
        storedSession.filter((s) => s.entries.length > 0),
        fc.nat(),
        fc.nat(),
        (session, entryChoice, keyChoice) => {
          const index = entryChoice % session.entries.length;
          const keys = Object.keys(session.entries[index] ?? {});
          const key = keys[keyChoice % keys.length] ?? 'kind';
          const entries = session.entries.map((entry, i) =>
            i === index ? { ...entry, [key]: { wrong: true } } : entry,
          );
          const parsed = parseStoredSession(throughDisk({ ...session, entries }));
          assert.ok(!parsed.ok, 'accepted');
          assert.match(parsed.reason, new RegExp(`^entries\\[${index}\\]: "${key}" `));
        },
      ),
      { numRuns: UNIT_RUNS },
    );
  });
});
