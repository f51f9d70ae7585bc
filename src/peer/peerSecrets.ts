import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { FleetSecrets } from '../core/fleet/fleetSettings';

/** The variables (in the environment or the secrets file) that hold the peer's secrets. */
export const SECRET_VARIABLES = {
  redisUsername: 'SHEPHERD_REDIS_USERNAME',
  redisPassword: 'SHEPHERD_REDIS_PASSWORD',
  fleetSecret: 'SHEPHERD_FLEET_SECRET',
} as const;

/** `KEY=value` lines, `#` comments and blank lines; a value keeps everything after the first `=`. */
function parseSecretsText(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '').trim();
    const equals = trimmed.indexOf('=');
    if (trimmed !== '' && !trimmed.startsWith('#') && equals > 0) {
      values.set(trimmed.slice(0, equals).trim(), trimmed.slice(equals + 1).trim());
    }
  }
  return values;
}

/**
 * Reads the secrets file, refusing one that group or others can read: a fleet secret readable by every
 * user of the box would let any of them stop workers on every machine.
 */
async function readSecretsFile(file: string): Promise<Map<string, string>> {
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0) {
    throw new Error(
      l10n.t(
        'the secrets file {0} is readable by others (mode {1}); chmod 600 it',
        file,
        (stat.mode & 0o777).toString(8),
      ),
    );
  }
  return parseSecretsText(await fs.readFile(file, 'utf8'));
}

/** The peer's secrets: the file's values, else the environment's. */
export async function readPeerSecrets(
  secretsFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FleetSecrets> {
  const fromFile = secretsFile === undefined ? new Map<string, string>() : await readSecretsFile(secretsFile);
  const pick = (name: string): string | undefined => {
    const value = fromFile.get(name) ?? env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    redisUsername: pick(SECRET_VARIABLES.redisUsername),
    redisPassword: pick(SECRET_VARIABLES.redisPassword),
    fleetSecret: pick(SECRET_VARIABLES.fleetSecret),
  };
}
