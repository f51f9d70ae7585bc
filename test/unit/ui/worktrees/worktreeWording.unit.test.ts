import * as assert from 'node:assert/strict';
import { ReviewFile } from '../../../../src/core/worktrees/reviewModel';
import {
  describeOrphan,
  describeWorktree,
  orphanTooltip,
  fileList,
  placeItems,
  quoteMessage,
  reviewContent,
  reviewSides,
} from '../../../../src/ui/worktrees/worktreeWording';

function file(path: string, change: ReviewFile['change'], extra: Partial<ReviewFile> = {}): ReviewFile {
  return { path, change, binary: false, untracked: false, insertions: 0, deletions: 0, ...extra };
}

describe('worktree wording', () => {
  it('describes a worktree in the tree: branch and base, then files and lines once summarised', () => {
    assert.equal(describeWorktree('shepherd/a', 'main', undefined), 'shepherd/a from main');
    const one = { branch: 'shepherd/a', changedFiles: 1, insertions: 1, deletions: 0, untracked: 0 };
    assert.equal(describeWorktree('shepherd/a', 'main', one), 'shepherd/a from main · 1 file +1 −0');
    const many = { branch: undefined, changedFiles: 3, insertions: 10, deletions: 4, untracked: 1 };
    assert.equal(
      describeWorktree('shepherd/a', 'dev', many),
      'shepherd/a from dev · 3 files +10 −4',
      'a detached HEAD shows the recorded branch',
    );
  });

  it('shows a worktree without a session as kept, with the session and when, or as lost', () => {
    const kept = { keptAt: Date.UTC(2026, 10, 30, 12), sessionTitle: 'Fix the parser' };
    assert.equal(describeOrphan('shepherd/a', kept), 'shepherd/a · kept');
    assert.equal(describeOrphan(undefined, kept), 'detached HEAD · kept');
    assert.equal(describeOrphan('shepherd/b', undefined), 'shepherd/b');
    const tip = orphanTooltip('/w/a', kept);
    assert.ok(tip.startsWith('/w/a\nKept when the session "Fix the parser" closed, '), tip);
    assert.ok(tip.includes(new Date(kept.keptAt).toLocaleString()), tip);
    assert.match(orphanTooltip('/w/b', undefined), /^\/w\/b\nNo session owns this worktree: its session was lost/);
  });

  it('names five files and counts the rest', () => {
    assert.equal(fileList(['a']), 'a');
    assert.equal(fileList(['a', 'b', 'c', 'd', 'e']), 'a, b, c, d, e');
    assert.equal(fileList(['a', 'b', 'c', 'd', 'e', 'f', 'g']), 'a, b, c, d, e and 2 more');
  });

  it('quotes the first line of a message, cut at 60 characters with an ellipsis', () => {
    assert.equal(quoteMessage('fix the bug\nand more'), 'fix the bug');
    const quoted = quoteMessage('x'.repeat(80));
    assert.equal(quoted.length, 60);
    assert.ok(quoted.endsWith('…'));
    assert.equal(quoteMessage(''), '');
  });

  it('diffs the base (old name for a rename) against the disk, with an empty side when added or deleted', () => {
    assert.deepEqual(reviewSides(file('a.txt', 'modified')), {
      original: { kind: 'revision', path: 'a.txt' },
      modified: { kind: 'disk', path: 'a.txt' },
    });
    assert.deepEqual(reviewSides(file('new.txt', 'renamed', { oldPath: 'old.txt' })), {
      original: { kind: 'revision', path: 'old.txt' },
      modified: { kind: 'disk', path: 'new.txt' },
    });
    assert.deepEqual(reviewSides(file('n.txt', 'added', { untracked: true })), {
      original: { kind: 'empty', path: 'n.txt' },
      modified: { kind: 'disk', path: 'n.txt' },
    });
    assert.deepEqual(reviewSides(file('gone.txt', 'deleted')), {
      original: { kind: 'revision', path: 'gone.txt' },
      modified: { kind: 'empty', path: 'gone.txt' },
    });
  });

  it('lists binary files in the review title and leaves them out of the diffs', () => {
    const files = [file('a.txt', 'modified'), file('logo.png', 'added', { binary: true }), file('b.txt', 'added')];
    const content = reviewContent('Demo 1', 'shepherd/x', 'main', files);
    assert.equal(content.title, 'Demo 1: shepherd/x vs main (binary, not diffed: logo.png)');
    assert.deepEqual(
      content.diffed.map((entry) => entry.path),
      ['a.txt', 'b.txt'],
    );
    assert.equal(
      reviewContent('Demo 1', 'shepherd/x', 'main', [files[0] as ReviewFile]).title,
      'Demo 1: shepherd/x vs main',
    );
  });

  it('offers the folder and two worktrees in a repository, and the worktree with its reason outside one', () => {
    assert.deepEqual(
      placeItems({ branch: 'main', head: 'abcdef0123' }).map((item) => [item.choice, item.description]),
      [
        ['folder', 'edit files in place'],
        ['worktree', 'from main, on a shepherd/ branch'],
        ['worktree-from', undefined],
      ],
    );
    assert.equal(
      placeItems({ branch: undefined, head: 'abcdef0123' })[1]?.description,
      'from abcdef0, on a shepherd/ branch',
    );
    const outside = placeItems(new Error('/tmp/x is not inside a git repository'));
    assert.deepEqual(
      outside.map((item) => [item.choice, item.detail]),
      [
        ['folder', undefined],
        ['unavailable', '/tmp/x is not inside a git repository'],
      ],
      'the unavailable worktree is its own choice, never the folder in disguise',
    );
  });
});
