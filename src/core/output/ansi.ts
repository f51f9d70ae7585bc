/**
 * Matches the escape sequences terminals interpret: CSI (colours, cursor moves), OSC (titles,
 * hyperlinks, terminated by BEL or ST) and the two-byte Fe escapes.
 */
const ANSI_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Removes terminal escape sequences, for plain views (output channels, tooltips, transcripts). */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI_SEQUENCE, '') : text;
}
