/** Values shorter than this are too common ("1", "on", "dev") to mask without garbling ordinary text. */
const MIN_MASKED_LENGTH = 4;
export const MASK = '•••';

/**
 * Flags like `--token X`, `--api-key=X` and assignments like `PASSWORD=X` in a command line: their
 * values are masked wherever a command line is shown or stored.
 */
const SECRET_FLAG = /(--?[\w-]*(?:token|key|secret|password|passwd|pwd|auth|credential)[\w-]*)(=|\s+)(\S+)/gi;
const SECRET_ASSIGNMENT = /\b([A-Z0-9_]*(?:TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL)[A-Z0-9_]*)=(\S+)/g;

/** Replaces every occurrence of the given secret values (env values, keys) in `text` with a mask. */
export function maskValues(text: string, values: Iterable<string>): string {
  let masked = text;
  const sorted = [...values].filter((v) => v.length >= MIN_MASKED_LENGTH).sort((a, b) => b.length - a.length);
  for (const value of sorted) {
    masked = masked.split(value).join(MASK);
  }
  return masked;
}

/** Masks secret-looking flag values and assignments in a command line. */
export function maskSecretArguments(text: string): string {
  return text.replace(SECRET_FLAG, `$1$2${MASK}`).replace(SECRET_ASSIGNMENT, `$1=${MASK}`);
}

/** Everything a definition's text may leak: its env values and secret-looking arguments. */
export function redact(text: string, env: Readonly<Record<string, string>>): string {
  return maskSecretArguments(maskValues(text, Object.values(env)));
}
