import * as l10n from '@vscode/l10n';

/** What the peer was asked to do on its command line. Secrets never come this way. */
export interface PeerArgs {
  readonly workersFile: string | undefined;
  readonly procfile: string | undefined;
  readonly redisUrl: string;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly heartbeatSeconds: number | undefined;
  readonly allowRemoteControl: boolean;
  readonly shareCommandLines: boolean;
  readonly statusFile: string | undefined;
  readonly secretsFile: string | undefined;
}

/** The command line, which is not translated, and what it means, which is. */
const SYNOPSIS = `node shepherd-peer.js --redis redis://host:6379
       [--workers workers.json] [--procfile Procfile] [--name gpu-box] [--namespace shepherd]
       [--heartbeat-seconds 5] [--allow-remote-control] [--share-command-lines]
       [--status-file path] [--secrets-file path]`;

/** The --help text (a function: l10n is configured after this module loads). */
export function usage(): string {
  const variables = 'SHEPHERD_REDIS_USERNAME, SHEPHERD_REDIS_PASSWORD, SHEPHERD_FLEET_SECRET';
  return [
    l10n.t('Usage: {0}', SYNOPSIS),
    '',
    l10n.t('Secrets come from the environment ({0}) or from --secrets-file (KEY=value lines, mode 0600).', variables),
    l10n.t('They are never taken from arguments, which any user can read in ps.'),
  ].join('\n');
}

const VALUE_FLAGS = new Set([
  '--workers',
  '--procfile',
  '--redis',
  '--name',
  '--namespace',
  '--heartbeat-seconds',
  '--status-file',
  '--secrets-file',
]);
const SWITCHES = new Set(['--allow-remote-control', '--share-command-lines']);
/** Flags someone might try for a secret: refused with a message, so the secret is not left in shell history twice. */
const SECRET_FLAGS = /^--(password|pass|secret|fleet-secret|redis-password|token)(=|$)/;

export type PeerArgsResult =
  | { readonly kind: 'ok'; readonly args: PeerArgs }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly errors: readonly string[] };

/** Reads `--flag value` pairs and switches; every problem is named. */
export function parsePeerArgs(argv: readonly string[]): PeerArgsResult {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const errors: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') {
      return { kind: 'help' };
    }
    if (SECRET_FLAGS.test(arg)) {
      errors.push(
        l10n.t('{0}: secrets are never taken from arguments; use the environment or --secrets-file', arg.split('=')[0]),
      );
    } else if (SWITCHES.has(arg)) {
      switches.add(arg);
    } else if (VALUE_FLAGS.has(arg)) {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) {
        errors.push(l10n.t('{0} needs a value', arg));
      } else {
        values.set(arg, value);
        index++;
      }
    } else {
      errors.push(l10n.t('unknown argument "{0}"', arg));
    }
  }
  const redisUrl = values.get('--redis');
  if (redisUrl === undefined) {
    errors.push(l10n.t('--redis is required'));
  }
  if (!values.has('--workers') && !values.has('--procfile')) {
    errors.push(l10n.t('give --workers, --procfile or both'));
  }
  const heartbeatText = values.get('--heartbeat-seconds');
  const heartbeatSeconds = heartbeatText === undefined ? undefined : Number(heartbeatText);
  if (heartbeatSeconds !== undefined && !Number.isInteger(heartbeatSeconds)) {
    errors.push(l10n.t('--heartbeat-seconds must be a whole number'));
  }
  if (errors.length > 0 || redisUrl === undefined) {
    return { kind: 'invalid', errors };
  }
  return {
    kind: 'ok',
    args: {
      workersFile: values.get('--workers'),
      procfile: values.get('--procfile'),
      redisUrl,
      name: values.get('--name'),
      namespace: values.get('--namespace'),
      heartbeatSeconds,
      allowRemoteControl: switches.has('--allow-remote-control'),
      shareCommandLines: switches.has('--share-command-lines'),
      statusFile: values.get('--status-file'),
      secretsFile: values.get('--secrets-file'),
    },
  };
}
