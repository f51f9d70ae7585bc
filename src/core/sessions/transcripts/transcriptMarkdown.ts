import { SessionUsage, TranscriptEntry } from '../../../shared/sessionModel';

/** What the export says about a session above its transcript. */
export interface MarkdownSession {
  readonly title: string;
  readonly agentLabel: string;
  readonly cwd: string | undefined;
  readonly createdAt: number;
  readonly usage: SessionUsage;
  readonly entries: readonly TranscriptEntry[];
}

/**
 * A short text on one line with every ASCII punctuation mark backslash-escaped (CommonMark allows
 * that for all of them): no link, image, HTML tag, emphasis or heading can come out of it.
 */
export function escapeInline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * `text` as a fenced code block, so agent output is shown as it was and never rendered: the fence
 * is longer than any run of backticks inside, so nothing in the text can close it early.
 */
export function fenced(text: string, info = 'text'): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

function time(at: number): string {
  return new Date(at).toISOString();
}

function entryMarkdown(entry: TranscriptEntry): string {
  switch (entry.kind) {
    case 'user':
      return `## You · ${time(entry.at)}\n\n${fenced(entry.text)}`;
    case 'assistant':
      return `## Agent · ${time(entry.at)}\n\n${fenced(entry.text, 'markdown')}`;
    case 'thinking':
      return `### Thinking\n\n${fenced(entry.text)}`;
    case 'tool': {
      const status = entry.isError ? ' (failed)' : '';
      const output = entry.output === undefined ? '' : `\n\nOutput:\n\n${fenced(entry.output)}`;
      return `### Tool: ${escapeInline(entry.name)}${status}\n\n${fenced(entry.input, 'json')}${output}`;
    }
    case 'permission': {
      const decision = entry.decision ?? 'not answered';
      return `### Permission: ${escapeInline(entry.toolName)} · ${decision}\n\n${fenced(entry.input, 'json')}`;
    }
    case 'plan': {
      const items = entry.items.map(
        (item) => `- [${item.status === 'completed' ? 'x' : ' '}] ${escapeInline(item.content)}`,
      );
      return `### Plan\n\n${items.join('\n')}`;
    }
    case 'error':
      return `> **Error:** ${escapeInline(entry.text)}`;
    case 'notice':
      return `> ${escapeInline(entry.text)}`;
  }
}

/**
 * A session's transcript as a Markdown document that is safe to render: everything the agent (or a
 * tool) wrote is in code blocks or escaped, so it cannot inject links, images or HTML.
 */
export function transcriptMarkdown(session: MarkdownSession): string {
  const { inputTokens, outputTokens, costUsd } = session.usage;
  const facts = [
    `- Agent: ${escapeInline(session.agentLabel)}`,
    ...(session.cwd === undefined ? [] : [`- Folder: ${escapeInline(session.cwd)}`]),
    `- Started: ${time(session.createdAt)}`,
    `- Tokens: ${inputTokens} in / ${outputTokens} out · Cost: $${costUsd.toFixed(4)}`,
  ];
  const body = session.entries.map(entryMarkdown);
  return [`# ${escapeInline(session.title)}`, facts.join('\n'), ...body].join('\n\n') + '\n';
}
