import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { transcriptMarkdown } from '../../../../../src/core/sessions/transcripts/transcriptMarkdown';
import { TranscriptEntry } from '../../../../../src/shared/sessionModel';

const AT = Date.UTC(2026, 0, 2, 3, 4, 5);

function exported(entries: TranscriptEntry[], title = 'Fix the tests'): string {
  return transcriptMarkdown({
    title,
    agentLabel: 'Demo',
    cwd: '/work/project',
    createdAt: AT,
    usage: { inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 },
    entries,
  });
}

describe('transcriptMarkdown', () => {
  it('writes the header and each message under its speaker', () => {
    const markdown = exported([
      { kind: 'user', id: 1, at: AT, text: 'run the tests' },
      { kind: 'assistant', id: 2, at: AT + 1_000, text: 'All **green**.' },
    ]);
    assert.equal(
      markdown,
      [
        '# Fix the tests',
        '- Agent: Demo\n- Folder: \\/work\\/project\n- Started: 2026-01-02T03:04:05.000Z\n' +
          '- Tokens: 1200 in / 340 out · Cost: $0.0123',
        '## You · 2026-01-02T03:04:05.000Z',
        '```text\nrun the tests\n```',
        '## Agent · 2026-01-02T03:04:06.000Z',
        '```markdown\nAll **green**.\n```',
      ].join('\n\n') + '\n',
    );
  });

  it('renders no link, image or HTML from what the agent wrote, even with fences in its text', () => {
    const hostile = '```\n</code><img src=x onerror=alert(1)>\n[click](javascript:alert(1)) ![t](http://x/t.png)';
    const markdown = exported(
      [
        { kind: 'assistant', id: 1, at: AT, text: hostile },
        { kind: 'notice', id: 2, at: AT, text: '<script>alert(1)</script> [x](http://evil)' },
        {
          kind: 'tool',
          id: 3,
          at: AT,
          toolUseId: 't',
          name: '<b>Bash</b>',
          input: '{"command":"````"}',
          output: hostile,
          isError: false,
        },
      ],
      '[title](http://evil) <i>',
    );
    const html = new MarkdownIt({ html: true, linkify: false }).render(markdown);
    assert.doesNotMatch(html, /<(img|a|script|b|i)[\s>]/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, 'the agent text is shown, as text');
  });
});
