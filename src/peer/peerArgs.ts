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

export const USAGE = `Usage: node shepherd-peer.js --redis redis://host:6379
       [--workers workers.json] [--procfile Procfile] [--name gpu-box] [--namespace shepherd]
       [--heartbeat-seconds 5] [--allow-remote-control] [--share-command-lines]
       [--status-file path] [--secrets-file path]

Secrets come from SHEPHERD_REDIS_USERNAME, SHEPHERD_REDIS_PASSWORD and SHEPHERD_FLEET_SECRET, or from
--secrets-file (KEY=value lines, mode 0600); never from arguments, which any user can read in ps.`;

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
        `${arg.split('=')[0]}: secrets are never taken from arguments; use the environment or --secrets-file`,
      );
    } else if (SWITCHES.has(arg)) {
      switches.add(arg);
    } else if (VALUE_FLAGS.has(arg)) {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) {
        errors.push(`${arg} needs a value`);
      } else {
        values.set(arg, value);
        index++;
      }
    } else {
      errors.push(`unknown argument "${arg}"`);
    }
  }
  const redisUrl = values.get('--redis');
  if (redisUrl === undefined) {
    errors.push('--redis is required');
  }
  if (!values.has('--workers') && !values.has('--procfile')) {
    errors.push('give --workers, --procfile or both');
  }
  const heartbeatText = values.get('--heartbeat-seconds');
  const heartbeatSeconds = heartbeatText === undefined ? undefined : Number(heartbeatText);
  if (heartbeatSeconds !== undefined && !Number.isInteger(heartbeatSeconds)) {
    errors.push('--heartbeat-seconds must be a whole number');
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
