import * as l10n from '@vscode/l10n';

/** A tab, a tree row and a history line show a title whole only when it is short. */
export const MAX_AUTO_TITLE_CHARS = 60;
/** A name the user types may be longer, but it is still one line of a tab. */
export const MAX_TITLE_CHARS = 120;

/** Control characters (line breaks included) would break a tab or a tree row onto several lines. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

function oneLine(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The title a session takes from its first message: the first line with words in it, blanks
 * collapsed, cut at a word boundary to MAX_AUTO_TITLE_CHARS with an ellipsis. Undefined when the
 * message has no words at all (the session keeps its title).
 */
export function titleFromMessage(message: string): string | undefined {
  const firstLine = message
    .split(/\r?\n/)
    .map(oneLine)
    .find((line) => line !== '');
  if (firstLine === undefined) {
    return undefined;
  }
  if (firstLine.length <= MAX_AUTO_TITLE_CHARS) {
    return firstLine;
  }
  const cut = firstLine.slice(0, MAX_AUTO_TITLE_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  // At the last space, unless that drops half the title (a very long word): then mid-word.
  const end = space >= MAX_AUTO_TITLE_CHARS / 2 ? space : cut.length;
  return `${cut.slice(0, end).trimEnd()}…`;
}

/** A name the user gave a session, on one line; throws a message naming what was wrong. */
export function checkTitle(title: string): string {
  const clean = oneLine(title);
  if (clean === '') {
    throw new Error(l10n.t('A session title cannot be empty.'));
  }
  if (clean.length > MAX_TITLE_CHARS) {
    throw new Error(
      l10n.t('A session title is at most {0} characters (this one has {1}).', MAX_TITLE_CHARS, clean.length),
    );
  }
  return clean;
}
