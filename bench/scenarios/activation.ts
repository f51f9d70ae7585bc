import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ACTIVATION_RESULTS, REPO_ROOT } from '../paths';
import { summarize } from '../stats';
import { Scenario } from './scenario';

/** Reads the activation times the host harness recorded, or undefined when it has not run. */
async function readActivation(): Promise<number[] | undefined> {
  let text: string;
  try {
    text = await fs.readFile(ACTIVATION_RESULTS, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  const parsed = JSON.parse(text) as { activateMs?: unknown };
  const values = parsed.activateMs;
  if (
    !Array.isArray(values) ||
    values.length === 0 ||
    !values.every((v): v is number => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new Error(`${ACTIVATION_RESULTS} must hold {"activateMs": number[]} with at least one number`);
  }
  return values;
}

export const activationScenario: Scenario = {
  number: 7,
  title: 'Extension activation',
  async run() {
    const values = await readActivation();
    const where = path.relative(REPO_ROOT, ACTIVATION_RESULTS);
    if (!values) {
      return {
        rows: [
          { metric: 'activate() in the extension host (ms)', shepherd: 'not measured (run npm run test:host first)' },
        ],
        notes: [
          `${where} does not exist. The code-server harness (npm run test:host) writes it from the extension's "activated in N ms" log line; the bench only reads it.`,
        ],
      };
    }
    return {
      rows: [
        { metric: `activate() in the extension host (ms), ${values.length} activations`, shepherd: summarize(values) },
      ],
      notes: [
        `Read from ${where}, written by the extension-host harness from the extension's "activated in N ms" log line.`,
      ],
      details: { activateMs: values },
    };
  },
};
