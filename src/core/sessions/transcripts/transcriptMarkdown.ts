import * as l10n from '@vscode/l10n';
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
      return `## ${l10n.t('You · {0}', time(entry.at))}\n\n${fenced(entry.text)}`;
    case 'assistant':
      return `## ${l10n.t('Agent · {0}', time(entry.at))}\n\n${fenced(entry.text, 'markdown')}`;
    case 'thinking':
      return `### ${l10n.t('Thinking')}\n\n${fenced(entry.text)}`;
    case 'tool': {
      const name = escapeInline(entry.name);
      const heading = entry.isError ? l10n.t('Tool: {0} (failed)', name) : l10n.t('Tool: {0}', name);
      const output = entry.output === undefined ? '' : `\n\n${l10n.t('Output:')}\n\n${fenced(entry.output)}`;
      return `### ${heading}\n\n${fenced(entry.input, 'json')}${output}`;
    }
    case 'permission': {
      const decision = entry.decision ?? l10n.t('not answered');
      const heading = l10n.t('Permission: {0} · {1}', escapeInline(entry.toolName), decision);
      return `### ${heading}\n\n${fenced(entry.input, 'json')}`;
    }
    case 'plan': {
      const items = entry.items.map(
        (item) => `- [${item.status === 'completed' ? 'x' : ' '}] ${escapeInline(item.content)}`,
      );
      return `### ${l10n.t('Plan')}\n\n${items.join('\n')}`;
    }
    case 'error':
      return `> **${l10n.t('Error:')}** ${escapeInline(entry.text)}`;
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
    `- ${l10n.t('Agent: {0}', escapeInline(session.agentLabel))}`,
    ...(session.cwd === undefined ? [] : [`- ${l10n.t('Folder: {0}', escapeInline(session.cwd))}`]),
    `- ${l10n.t('Started: {0}', time(session.createdAt))}`,
    `- ${l10n.t('Tokens: {0} in / {1} out · Cost: ${2}', inputTokens, outputTokens, costUsd.toFixed(4))}`,
  ];
  const body = session.entries.map(entryMarkdown);
  return [`# ${escapeInline(session.title)}`, facts.join('\n'), ...body].join('\n\n') + '\n';
}
