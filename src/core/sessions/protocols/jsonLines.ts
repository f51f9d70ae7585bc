import * as l10n from '@vscode/l10n';
import { StringDecoder } from 'node:string_decoder';
import { describeError } from '../../base/logger';

/**
 * One protocol event can be large (a tool result with a whole file, a 5 MB diff); a line past this
 * size is a broken or hostile peer, and keeping it would let it exhaust the extension host.
 */
export const MAX_PROTOCOL_LINE_CHARS = 32 * 1024 * 1024;

export type DecodedLine =
  | { readonly ok: true; readonly value: unknown; readonly raw: string }
  | { readonly ok: false; readonly reason: string; readonly excerpt: string };

const EXCERPT_CHARS = 120;

function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/**
 * Frames a byte stream into JSON values, one per line, strictly on LF: readline would also split
 * on U+2028/U+2029, which appear inside JSON strings. Blank lines are skipped; a line that is not
 * JSON, or too long, is reported and the stream goes on.
 */
export class JsonLineDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];
  private pendingChars = 0;
  private discarding = false;

  push(chunk: Buffer): DecodedLine[] {
    return this.accept(this.decoder.write(chunk));
  }

  /** Reports a final line that had no newline (a truncated event) once the stream has ended. */
  end(): DecodedLine[] {
    const rest = this.accept(this.decoder.end());
    const tail = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (tail.trim() === '' || this.discarding) {
      return rest;
    }
    return [
      ...rest,
      {
        ok: false,
        reason: l10n.t('the stream ended in the middle of an event (truncated line)'),
        excerpt: excerpt(tail),
      },
    ];
  }

  private accept(text: string): DecodedLine[] {
    const out: DecodedLine[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      const line = this.pending.length > 0 ? this.pending.join('') + piece : piece;
      this.pending = [];
      this.pendingChars = 0;
      const decoded = decodeLine(line);
      if (decoded) {
        out.push(decoded);
      }
    }
    this.keep(text.slice(start), out);
    return out;
  }

  private keep(rest: string, out: DecodedLine[]): void {
    if (rest === '' || this.discarding) {
      return;
    }
    this.pending.push(rest);
    this.pendingChars += rest.length;
    if (this.pendingChars > MAX_PROTOCOL_LINE_CHARS) {
      out.push({
        ok: false,
        reason: l10n.t('an event longer than {0} characters was dropped', MAX_PROTOCOL_LINE_CHARS),
        excerpt: excerpt(this.pending[0]),
      });
      this.pending = [];
      this.pendingChars = 0;
      this.discarding = true;
    }
  }
}

/**
 * JSON.stringify for a value parsed from an agent's output. V8 parses nesting of any depth, but
 * stringifies recursively: a 100,000-deep array from a hostile agent would throw RangeError in the
 * middle of decoding and take the rest of the chunk with it. Never throws.
 */
export function stringifyUntrusted(value: unknown, space?: number): string {
  try {
    return JSON.stringify(value, null, space) ?? '';
  } catch (error) {
    return l10n.t('(a value that cannot be shown: {0})', describeError(error));
  }
}

function decodeLine(line: string): DecodedLine | undefined {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (trimmed.trim() === '') {
    return undefined;
  }
  try {
    return { ok: true, value: JSON.parse(trimmed), raw: trimmed };
  } catch (error) {
    return { ok: false, reason: l10n.t('not valid JSON ({0})', describeError(error)), excerpt: excerpt(trimmed) };
  }
}

/** One message of a JSON-lines protocol: the value as JSON and a newline. Throws where JSON.stringify does. */
export function encodeJsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
