/** What the tree, the panel and the status bar see of a session; shared with the webview, so types only. */

export type SessionState = 'starting' | 'idle' | 'busy' | 'waiting-for-input' | 'stalled' | 'exited' | 'failed';

export interface SessionUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** What the tree, the panel and the status bar see of a session. */
export interface SessionView {
  readonly id: string;
  readonly title: string;
  readonly agentId: string;
  readonly agentLabel: string;
  readonly isDemo: boolean;
  readonly state: SessionState;
  readonly model: string | undefined;
  /** The worker that runs (or last ran) the agent process. */
  readonly workerId: string | undefined;
  readonly usage: SessionUsage;
  readonly lastActivity: number;
  readonly createdAt: number;
  /** Why the session failed or exited, in words. */
  readonly message: string | undefined;
  readonly canResume: boolean;
}
