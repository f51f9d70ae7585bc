import * as l10n from '@vscode/l10n';
import { ParseResult } from './definitionParser';

/** A line the user typed, split the way a POSIX shell would split it, without running a shell. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  /**
   * True when the line uses shell syntax (pipes, redirections, expansions, …): the user asked for a
   * shell, so `command` is then the whole line and `args` is empty.
   */
  readonly shell: boolean;
}

/** Outside quotes these make a line shell syntax: operators, subshells, redirections, globs. */
const SHELL_CHARS = new Set(['|', '&', ';', '<', '>', '(', ')', '`', '*', '?', '[', '\n']);
/** At the start of a word these mean a comment and a home directory to a shell. */
const SHELL_WORD_STARTS = new Set(['#', '~']);
/** `$` expands (variables, `$(…)`) outside quotes and inside double quotes when one of these follows. */
const EXPANSION_START = /[A-Za-z0-9_{(?!@#*$-]/;
/** Inside double quotes a backslash escapes only these; before anything else it stays a backslash. */
const DOUBLE_QUOTE_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);
/** `NAME=value` as the first word sets a variable for the command: shell syntax. */
const LEADING_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

type Quote = 'none' | 'single' | 'double';

interface Scan {
  readonly words: string[];
  readonly needsShell: boolean;
}

function scan(line: string): ParseResult<Scan> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: Quote = 'none';
  let needsShell = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    const next = line[i + 1];
    if (quote === 'single') {
      if (ch === "'") {
        quote = 'none';
      } else {
        word += ch;
      }
      continue;
    }
    if (quote === 'double') {
      if (ch === '"') {
        quote = 'none';
      } else if (ch === '\\' && next !== undefined && DOUBLE_QUOTE_ESCAPABLE.has(next)) {
        word += next === '\n' ? '' : next;
        i += 1;
      } else {
        needsShell ||= ch === '`' || (ch === '$' && next !== undefined && EXPANSION_START.test(next));
        word += ch;
      }
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      continue;
    }
    inWord = true;
    if (ch === "'") {
      quote = 'single';
    } else if (ch === '"') {
      quote = 'double';
    } else if (ch === '\\') {
      if (next === undefined) {
        return { ok: false, errors: [l10n.t('the line ends with a lone backslash')] };
      }
      // Backslash-newline is a line continuation: both characters vanish.
      word += next === '\n' ? '' : next;
      i += 1;
    } else {
      const wordStart = word === '' && SHELL_WORD_STARTS.has(ch);
      const expansion = ch === '$' && next !== undefined && EXPANSION_START.test(next);
      needsShell ||= SHELL_CHARS.has(ch) || wordStart || expansion;
      word += ch;
    }
  }
  if (quote !== 'none') {
    return {
      ok: false,
      errors: [
        quote === 'single' ? l10n.t('the single quote is never closed') : l10n.t('the double quote is never closed'),
      ],
    };
  }
  if (inWord) {
    words.push(word);
  }
  return { ok: true, value: { words, needsShell } };
}

/**
 * Splits a command line into a command and its arguments with POSIX quoting rules (single quotes,
 * double quotes, backslashes), so a typed line runs without a shell. A line that uses shell syntax
 * outside quotes (`|`, `&&`, `;`, `>`, `<`, `$(…)`, backticks, `$VAR`, globs, a leading `NAME=value`)
 * is returned whole with `shell: true`, because only a shell can do what it asks.
 */
export function parseCommandLine(line: string): ParseResult<CommandLine> {
  const trimmed = line.trim();
  if (trimmed === '') {
    return { ok: false, errors: [l10n.t('the command line is empty')] };
  }
  const scanned = scan(trimmed);
  if (!scanned.ok) {
    return scanned;
  }
  const { words, needsShell } = scanned.value;
  if (needsShell || LEADING_ASSIGNMENT.test(trimmed)) {
    return { ok: true, value: { command: trimmed, args: [], shell: true } };
  }
  if (words[0] === '') {
    return { ok: false, errors: [l10n.t('the command is an empty string')] };
  }
  return { ok: true, value: { command: words[0], args: words.slice(1), shell: false } };
}
