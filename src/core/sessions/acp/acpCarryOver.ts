import * as l10n from '@vscode/l10n';
import { EarlierMessage } from '../agentConnection';

/**
 * What a new agent process is told, with the user's next message, of a conversation it could not
 * reload: the latest messages, oldest first, so the agent can go on where the old process stopped.
 * Bounded (about 6,000 tokens) so that a long session cannot fill the model's context.
 */
export const CARRY_OVER_LIMIT_CHARS = 24_000;

export interface CarryOver {
  /** The text sent ahead of the user's message, in the same prompt. */
  readonly text: string;
  /** How many of the earlier messages it holds (the latest ones). */
  readonly messages: number;
}

/**
 * The carry-over for a prompt of `prompt`, or undefined when there is nothing earlier to carry. The
 * last earlier message is left out when it is the prompt itself (the transcript shows it before it is sent).
 */
export function carryOverOf(
  earlier: readonly EarlierMessage[],
  prompt: string,
  limitChars = CARRY_OVER_LIMIT_CHARS,
): CarryOver | undefined {
  const last = earlier.at(-1);
  const before = last?.role === 'user' && last.text === prompt ? earlier.slice(0, -1) : earlier;
  const kept: string[] = [];
  let room = limitChars;
  for (let i = before.length - 1; i >= 0 && room > 0; i--) {
    const { role, text } = before[i];
    const body = text.trim();
    if (body === '') {
      continue;
    }
    // The oldest message kept may be cut: its end is what the next one answers.
    const shown = body.length > room ? `…${body.slice(body.length - room)}` : body;
    kept.unshift(`${role === 'user' ? l10n.t('User') : l10n.t('Assistant')}: ${shown}`);
    room -= shown.length;
  }
  if (kept.length === 0) {
    return undefined;
  }
  const intro = l10n.t(
    '[Shepherd] An agent process that has ended held this conversation. Its last {0} messages, oldest first:',
    kept.length,
  );
  const outro = l10n.t('[Shepherd] End of the earlier conversation; the user’s new message follows.');
  return { text: [intro, ...kept, outro].join('\n\n'), messages: kept.length };
}
