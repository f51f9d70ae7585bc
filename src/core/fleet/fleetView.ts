import * as l10n from '@vscode/l10n';
import { DiscoveredHost } from './discovery';
import { LinkState } from './redisLink';

/** The machines of the fleet, each with its windows and peers. */
export interface FleetMachine {
  readonly name: string;
  readonly hosts: readonly DiscoveredHost[];
}

/**
 * What the Fleet view shows: one of four states with its own message, or the machines. An error is
 * never shown as an empty list: "no other machines" is said only after a discovery round succeeded.
 */
export type FleetView =
  | { readonly kind: 'not-configured'; readonly problems: readonly string[] }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'unreachable'; readonly reason: string; readonly retryAt: number }
  | { readonly kind: 'alone' }
  | { readonly kind: 'machines'; readonly machines: readonly FleetMachine[] };

function machineOf(host: DiscoveredHost): string {
  return host.kind === 'host' ? host.heartbeat.machine : `(unreadable) ${host.hostId}`;
}

/** Groups the hosts other than this one by machine, machines and hosts sorted by name. */
export function groupMachines(hosts: readonly DiscoveredHost[], selfHostId: string): FleetMachine[] {
  const byMachine = new Map<string, DiscoveredHost[]>();
  for (const host of hosts) {
    if (host.hostId === selfHostId) {
      continue;
    }
    const name = machineOf(host);
    const list = byMachine.get(name) ?? [];
    list.push(host);
    byMachine.set(name, list);
  }
  return [...byMachine.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, hosts: list.sort((a, b) => a.hostId.localeCompare(b.hostId)) }));
}

/** The view for a link state and the last discovery round made on the current connection, if any. */
export function fleetViewOf(
  link: LinkState,
  lastRound: readonly DiscoveredHost[] | undefined,
  selfHostId: string,
): FleetView {
  switch (link.kind) {
    case 'connecting':
    case 'closed':
      return { kind: 'connecting' };
    case 'unreachable':
      return { kind: 'unreachable', reason: link.reason, retryAt: link.retryAt };
    case 'connected': {
      if (lastRound === undefined) {
        return { kind: 'connecting' };
      }
      const machines = groupMachines(lastRound, selfHostId);
      return machines.length === 0 ? { kind: 'alone' } : { kind: 'machines', machines };
    }
  }
}

/** The view's message in words, as the tree's message line and the peer's log show it. */
export function describeFleetView(view: FleetView, now: number = Date.now()): string {
  switch (view.kind) {
    case 'not-configured':
      return view.problems.length > 0
        ? l10n.t('Fleet settings are invalid: {0}', view.problems.join('; '))
        : l10n.t('The fleet is not configured: set shepherd.fleet.redisUrl to see your other machines.');
    case 'connecting':
      return l10n.t('Connecting to Redis…');
    case 'unreachable':
      return l10n.t(
        'Redis unreachable: {0}; retrying in {1} s',
        view.reason,
        Math.max(0, Math.ceil((view.retryAt - now) / 1_000)),
      );
    case 'alone':
      return l10n.t('No other machines are in the fleet.');
    case 'machines': {
      const hosts = view.machines.reduce((sum, machine) => sum + machine.hosts.length, 0);
      return l10n.t('{0} other machine(s), {1} window(s) or peer(s)', view.machines.length, hosts);
    }
  }
}
