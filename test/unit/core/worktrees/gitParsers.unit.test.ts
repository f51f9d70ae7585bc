import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  GitFormatError,
  parseNameStatus,
  parseNumstat,
  parseStatusV2,
  parseWorktreeList,
} from '../../../../src/core/worktrees/gitParsers';

/** Paths as git prints them with -z: anything but NUL, never empty. Spaces and tabs included. */
const gitPath = fc.string({ minLength: 1, maxLength: 30 }).filter((p) => !p.includes('\0'));
const xy = fc.constantFrom('.M', 'M.', 'MM', 'A.', 'D.', '.D', 'AM');
const OID = 'a'.repeat(40);

/** Every parser fails only with GitFormatError, whatever it is fed. */
function failsCleanly(parse: (text: string) => unknown): void {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => {
      try {
        parse(text);
      } catch (error) {
        assert.ok(error instanceof GitFormatError, `threw ${String(error)}`);
      }
    }),
  );
}

describe('git -z output parsers', () => {
  it('parseStatusV2 reads back what porcelain v2 prints, paths with spaces included', () => {
    const entry = fc.oneof(
      fc.record({ kind: fc.constant('changed' as const), xy, path: gitPath }),
      fc.record({ kind: fc.constant('renamed' as const), xy, path: gitPath, origPath: gitPath }),
      fc.record({ kind: fc.constant('untracked' as const), xy: fc.constant('??'), path: gitPath }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        const text = entries
          .map((e) => {
            if (e.kind === 'untracked') {
              return `? ${e.path}\0`;
            }
            if (e.kind === 'renamed') {
              return `2 ${e.xy} N... 100644 100644 100644 ${OID} ${OID} R100 ${e.path}\0${e.origPath}\0`;
            }
            return `1 ${e.xy} N... 100644 100644 100644 ${OID} ${OID} ${e.path}\0`;
          })
          .join('');
        const parsed = parseStatusV2(`# branch.oid ${OID}\0# branch.head main\0${text}`);
        assert.deepEqual(parsed, { head: OID, branch: 'main', entries: entries.map((e) => ({ ...e })) });
      }),
    );
  });

  it('parseStatusV2 knows an unborn or detached HEAD and unmerged files', () => {
    const text = `# branch.oid (initial)\0# branch.head (detached)\0u UU N... 100644 100644 100644 100644 ${OID} ${OID} ${OID} c d.txt\0`;
    assert.deepEqual(parseStatusV2(text), {
      head: undefined,
      branch: undefined,
      entries: [{ kind: 'unmerged', xy: 'UU', path: 'c d.txt' }],
    });
  });

  it('parseNumstat reads plain, renamed and binary entries', () => {
    const entry = fc.record({
      path: gitPath,
      oldPath: fc.option(gitPath, { nil: undefined }),
      insertions: fc.option(fc.nat(), { nil: undefined }),
      deletions: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        const normal = entries.map((e) =>
          e.insertions === undefined || e.deletions === undefined
            ? { ...e, insertions: undefined, deletions: undefined }
            : { ...e },
        );
        const text = normal
          .map((e) => {
            const counts = `${e.insertions ?? '-'}\t${e.deletions ?? '-'}\t`;
            return e.oldPath === undefined ? `${counts}${e.path}\0` : `${counts}\0${e.oldPath}\0${e.path}\0`;
          })
          .join('');
        const expected = normal.map((e) => ({ ...e, oldPath: e.oldPath }));
        const parsed = parseNumstat(text).map((e) => ({ oldPath: undefined, ...e }));
        assert.deepEqual(parsed, expected);
      }),
    );
  });

  it('parseNameStatus reads A/M/D/T and R/C with scores', () => {
    assert.deepEqual(parseNameStatus('A\0a b\0M\0m\0D\0d\0T\0t\0R087\0old\0new\0C100\0src\0copy\0'), [
      { status: 'A', path: 'a b' },
      { status: 'M', path: 'm' },
      { status: 'D', path: 'd' },
      { status: 'T', path: 't' },
      { status: 'R', path: 'new', oldPath: 'old' },
      { status: 'C', path: 'copy', oldPath: 'src' },
    ]);
  });

  it('parseWorktreeList reads branches, detached, locked and prunable entries', () => {
    const text =
      `worktree /r\0HEAD ${OID}\0branch refs/heads/main\0\0` +
      `worktree /r.worktrees/a b\0HEAD ${OID}\0detached\0locked\0\0` +
      `worktree /gone\0HEAD ${OID}\0branch refs/heads/shepherd/x\0prunable gitdir file points to non-existent location\0\0`;
    assert.deepEqual(parseWorktreeList(text), [
      { path: '/r', head: OID, branch: 'refs/heads/main', bare: false, locked: false, prunable: false },
      { path: '/r.worktrees/a b', head: OID, branch: undefined, bare: false, locked: true, prunable: false },
      { path: '/gone', head: OID, branch: 'refs/heads/shepherd/x', bare: false, locked: false, prunable: true },
    ]);
  });

  it('every parser rejects malformed output with a GitFormatError naming the entry', () => {
    assert.throws(() => parseStatusV2('Z what\0'), /unexpected status entry from git: "Z what"/);
    assert.throws(() => parseStatusV2('2 R. N... 1 1 1 a b R100 path\0'), GitFormatError);
    assert.throws(() => parseNumstat('x\t1\tfile\0'), /unexpected numstat entry/);
    assert.throws(() => parseNameStatus('R100\0only-one\0'), /unexpected name-status entry/);
    assert.throws(() => parseWorktreeList('HEAD abc\0'), /unexpected worktree list entry/);
    for (const parse of [parseStatusV2, parseNumstat, parseNameStatus, parseWorktreeList]) {
      failsCleanly(parse);
    }
  });
});
