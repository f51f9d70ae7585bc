import * as l10n from '@vscode/l10n';
import { Mutex } from 'async-mutex';
import { Disposable, DisposableStore } from '../base/events';
import { AgentConfig, canResume } from './agentConfig';
import { AgentConnection } from './agentConnection';
import { PermissionDecision, SessionState, SessionUsage, SessionView } from '../../shared/sessionModel';
import { titleFromMessage } from './sessionTitle';
import { Transcript } from './transcripts/transcript';
import { StoredSession } from './transcripts/storedSession';
import { WorktreeInfo } from '../worktrees/worktreeModel';
import { addDailyUsage, DailyUsage, SessionUsageRecord } from './usageSummary';

/** A few protocol complaints per turn are worth showing; a flood of them is not. */
export const MAX_PROTOCOL_NOTICES_PER_TURN = 3;

/**
 * One conversation with one agent. The turn lock serialises this session's turns only; everything
 * a status query reads (state, lastActivity, usage) lives outside it, so queries never wait.
 */
export class Session implements Disposable {
  /**
   * Held for the whole of a turn: two messages to the same agent must not interleave on its
   * stdin. Each session has its own, so one slow agent never delays another session.
   */
  readonly turnLock = new Mutex();
  connection: AgentConnection | undefined;
  private connectionSubscriptions = new DisposableStore();
  /** Epoch ms of the last thing that happened: a message, a token, a tool call. */
  lastActivity = Date.now();
  phase: 'starting' | 'failed' | undefined;
  stalled = false;
  message: string | undefined;
  /** The last start failed because the agent wants the user to sign in first. */
  needsSignIn = false;
  resumeId: string | undefined;
  usage: SessionUsage;
  /** The same usage per day, for the usage view's chart by day. */
  dailyUsage: readonly DailyUsage[];
  /** Tools the user allowed for the rest of this session. */
  readonly allowedTools = new Set<string>();
  /** Set while Shepherd itself stops the process (idle cleanup, close), so the exit is not an error. */
  expectingExit = false;
  protocolNotices = 0;
  /** Counts the agent processes this session has had, to name each one's worker. */
  generation = 0;
  /** Where the agent runs, chosen at creation and kept with the transcript. */
  cwd: string | undefined;
  /** The git worktree the session runs in, if any. */
  worktree: WorktreeInfo | undefined;
  /** The user named this session, so its first message does not title it. */
  renamed: boolean;

  constructor(
    readonly id: string,
    readonly agent: AgentConfig,
    public title: string,
    readonly createdAt: number,
    readonly transcript: Transcript,
    restored: Pick<StoredSession, 'resumeId' | 'usage' | 'cwd' | 'worktree' | 'renamed' | 'dailyUsage'> | undefined,
  ) {
    this.renamed = restored?.renamed ?? false;
    this.resumeId = restored?.resumeId;
    this.cwd = restored?.cwd;
    this.worktree = restored?.worktree;
    this.usage = restored?.usage ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    this.dailyUsage = restored?.dailyUsage ?? [];
  }

  get state(): SessionState {
    if (this.phase) {
      return this.phase;
    }
    const connection = this.connection;
    if (!connection || !connection.isAlive) {
      return 'exited';
    }
    if (connection.state === 'busy' && this.stalled) {
      return 'stalled';
    }
    return connection.state === 'exited' ? 'exited' : connection.state;
  }

  /**
   * Titles the session from `message` when it is the first one and the user has not named the
   * session. Call before the message enters the transcript. Returns whether the title changed.
   */
  titleFromFirstMessage(message: string): boolean {
    const title = titleFromMessage(message);
    if (this.renamed || title === undefined || this.transcript.list().some((entry) => entry.kind === 'user')) {
      return false;
    }
    this.title = title;
    return true;
  }

  touch(): void {
    this.lastActivity = Date.now();
  }

  /** Makes `connection` this session's agent process, with `subscriptions` tied to it. */
  attach(connection: AgentConnection, subscriptions: DisposableStore): void {
    this.connectionSubscriptions.dispose();
    this.connection = connection;
    this.connectionSubscriptions = subscriptions;
    this.resumeId = connection.resumeId ?? this.resumeId;
  }

  respond(requestId: string, decision: PermissionDecision, toolName: string | undefined): boolean {
    if (!this.connection?.respond(requestId, decision)) {
      return false;
    }
    if (decision === 'allow-session' && toolName) {
      this.allowedTools.add(toolName);
    }
    this.transcript.decidePermission(requestId, decision);
    return true;
  }

  /** Adds one turn's usage as it ends, so the per-day chart counts it on today's date. */
  addUsage(inputTokens: number, outputTokens: number, costUsd: number): void {
    this.usage = {
      inputTokens: this.usage.inputTokens + inputTokens,
      outputTokens: this.usage.outputTokens + outputTokens,
      costUsd: this.usage.costUsd + costUsd,
    };
    if (inputTokens > 0 || outputTokens > 0 || costUsd > 0) {
      this.dailyUsage = addDailyUsage(this.dailyUsage, { inputTokens, outputTokens, costUsd }, Date.now());
    }
  }

  /** What the usage view reads of this session. */
  usageRecord(): SessionUsageRecord {
    return {
      title: this.title,
      agentLabel: this.agent.label,
      createdAt: this.createdAt,
      usage: this.usage,
      daily: this.dailyUsage,
    };
  }

  /** What the user's next message does once this session's agent is gone, as the transcript tells it. */
  nextMessageNotice(): string {
    return canResume(this.agent)
      ? l10n.t('Your next message resumes the conversation.')
      : l10n.t('Your next message starts a new agent process.');
  }

  /** The session as it is kept between window reloads. */
  stored(): StoredSession {
    return {
      version: 1,
      id: this.id,
      agentId: this.agent.id,
      title: this.title,
      resumeId: this.resumeId,
      createdAt: this.createdAt,
      usage: this.usage,
      entries: this.transcript.list(),
      ...(this.cwd === undefined ? {} : { cwd: this.cwd }),
      ...(this.worktree === undefined ? {} : { worktree: this.worktree }),
      ...(this.renamed ? { renamed: true } : {}),
      ...(this.dailyUsage.length === 0 ? {} : { dailyUsage: this.dailyUsage }),
    };
  }

  view(): SessionView {
    return {
      id: this.id,
      title: this.title,
      agentId: this.agent.id,
      agentLabel: this.agent.label,
      isDemo: this.agent.kind === 'demo',
      state: this.state,
      model: this.connection?.model,
      workerId: this.connection?.workerId,
      usage: this.usage,
      lastActivity: this.lastActivity,
      createdAt: this.createdAt,
      ...(this.worktree ? { worktree: { branch: this.worktree.branch, base: this.worktree.baseLabel } } : {}),
      message: this.message,
      needsSignIn: this.phase === 'failed' && this.needsSignIn,
      canResume: canResume(this.agent),
      modes: this.connection?.modes,
      commands: this.connection?.commands,
      context: this.connection?.context,
    };
  }

  dispose(): void {
    this.connectionSubscriptions.dispose();
    this.transcript.dispose();
  }
}
