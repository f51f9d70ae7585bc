import * as vscode from 'vscode';
import { FleetSecrets } from '../../core/fleet/fleetSettings';

/** SecretStorage keys: secrets never go into settings, where they would sync and show in plain text. */
const KEYS = {
  redisUsername: 'shepherd.fleet.redisUsername',
  redisPassword: 'shepherd.fleet.redisPassword',
  fleetSecret: 'shepherd.fleet.secret',
} as const;

export async function readFleetSecrets(storage: vscode.SecretStorage): Promise<FleetSecrets> {
  const [redisUsername, redisPassword, fleetSecret] = await Promise.all([
    storage.get(KEYS.redisUsername),
    storage.get(KEYS.redisPassword),
    storage.get(KEYS.fleetSecret),
  ]);
  return { redisUsername, redisPassword, fleetSecret };
}

/** Stores what was given; an empty answer deletes the secret, so a password can be removed too. */
export async function storeFleetSecrets(storage: vscode.SecretStorage, secrets: FleetSecrets): Promise<void> {
  for (const key of Object.keys(KEYS) as Array<keyof typeof KEYS>) {
    const value = secrets[key];
    if (value === undefined || value === '') {
      await storage.delete(KEYS[key]);
    } else {
      await storage.store(KEYS[key], value);
    }
  }
}

export function affectsFleetSecrets(event: vscode.SecretStorageChangeEvent): boolean {
  return Object.values(KEYS).some((key) => event.key === key);
}
