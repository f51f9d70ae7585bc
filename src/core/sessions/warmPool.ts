import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { AgentConfig } from './agentConfig';
import { AgentConnection } from './agentConnection';

/** One idle process per agent answers "New Agent Session" at once and costs one process. */
export const DEFAULT_POOL_SIZE = 1;
export const MAX_POOL_SIZE = 5;

/** Starts an idle agent process for the pool under the given worker id. */
export type PoolLauncher = (agent: AgentConfig, cwd: string, workerId: string) => Promise<AgentConnection>;

function poolKey(agent: AgentConfig, cwd: string): string {
  return `${agent.id}\u0000${cwd}`;
}

/**
 * Pre-spawned idle agent processes, per agent and folder. An agent joins the pool once a session's
 * agent has started (so a CLI that is not installed, or one waiting for a sign-in, is never spawned
 * in the background), refills through the
 * TaskRegistry, drops processes that died, and is emptied on dispose.
 */
export class WarmPool {
  private readonly idle = new Map<string, AgentConnection[]>();
  private readonly filling = new Set<string>();
  /** Worker ids of spares still starting: spares already, though not yet idle. */
  private readonly launching = new Set<string>();
  /** Agents whose pooled start failed: not retried until the configuration changes. */
  private readonly broken = new Set<string>();
  private counter = 0;
  private disposed = false;

  constructor(
    private readonly launch: PoolLauncher,
    private size: number,
    private readonly tasks: TaskRegistry,
    private readonly logger: Logger,
  ) {}

  /**
   * Whether this worker is a spare (starting or idle, not yet taken by a session): the editor shows
   * spares as a detail of their agent, never as workers of their own, and does not count them as running.
   */
  holds(workerId: string): boolean {
    if (this.launching.has(workerId)) {
      return true;
    }
    for (const list of this.idle.values()) {
      if (list.some((connection) => connection.workerId === workerId)) {
        return true;
      }
    }
    return false;
  }

  /** A live idle process for this agent and folder, if one is ready; the pool refills behind it. */
  take(agent: AgentConfig, cwd: string): AgentConnection | undefined {
    const key = poolKey(agent, cwd);
    const list = this.idle.get(key) ?? [];
    let taken: AgentConnection | undefined;
    while (!taken && list.length > 0) {
      const candidate = list.shift() as AgentConnection;
      if (candidate.isAlive) {
        taken = candidate;
      } else {
        void this.tasks.run(`discard dead pooled ${agent.id}`, () => candidate.close());
      }
    }
    if (taken) {
      // Without a spare, the session starts its own agent, and agentStarted() tops up once that works.
      this.fill(agent, cwd);
    }
    return taken;
  }

  /**
   * A session's agent started in this folder: the agent has been used, and its configuration (and
   * sign-in) works now, so an earlier failed pooled start is forgiven and the pool tops up behind it.
   */
  agentStarted(agent: AgentConfig, cwd: string): void {
    this.broken.delete(agent.id);
    this.fill(agent, cwd);
  }

  /** Tops the pool up for this agent and folder in the background. */
  private fill(agent: AgentConfig, cwd: string): void {
    const key = poolKey(agent, cwd);
    if (this.disposed || this.size === 0 || this.broken.has(agent.id) || this.filling.has(key)) {
      return;
    }
    this.filling.add(key);
    void this.tasks
      .run(`fill warm pool for ${agent.id}`, async (signal) => {
        const list = this.idle.get(key) ?? [];
        this.idle.set(key, list);
        while (list.length < this.size && !signal.aborted && !this.disposed) {
          const workerId = `pool-${agent.id}-${++this.counter}`;
          this.launching.add(workerId);
          try {
            list.push(await this.launch(agent, cwd, workerId));
          } catch (error) {
            this.broken.add(agent.id);
            this.logger.warn(`warm pool: could not pre-start ${agent.id}: ${describeError(error)}`);
            return;
          } finally {
            this.launching.delete(workerId);
          }
        }
      })
      .finally(() => this.filling.delete(key));
  }

  /** Closes idle processes that died, so the pool never hands out a corpse. */
  sweep(): void {
    for (const [key, list] of this.idle) {
      const dead = list.filter((connection) => !connection.isAlive);
      if (dead.length > 0) {
        this.idle.set(
          key,
          list.filter((connection) => connection.isAlive),
        );
        for (const connection of dead) {
          void this.tasks.run('close dead pooled agent', () => connection.close());
        }
      }
    }
  }

  /** Applies a new size and forgets failures (the configuration may have fixed them). */
  resize(size: number): void {
    this.size = Math.max(0, Math.min(MAX_POOL_SIZE, size));
    this.broken.clear();
    for (const [key, list] of this.idle) {
      const surplus = list.splice(this.size);
      for (const connection of surplus) {
        void this.tasks.run(`shrink warm pool ${key}`, () => connection.close());
      }
    }
  }

  /** Stops every idle process. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }
}
