/**
 * The usage page's data and messages in both directions. The extension validates every message from
 * the page with `parseUsageMessage`; the page only ever asks for a worker's history.
 */
import { describeValue, isObject, stringField } from './untrusted';

const MAX_ID_CHARS = 200;

/** Tokens and cost of one bar of a chart: an agent, a session or a day. */
export interface UsageBar {
  /** What the bar is labelled with: the agent, the session's title, or the day (YYYY-MM-DD). */
  readonly label: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** What the agents used, summed three ways. */
export interface UsageSummary {
  readonly perAgent: readonly UsageBar[];
  /** The sessions that used the most tokens, most first. */
  readonly perSession: readonly UsageBar[];
  /** The last days up to today, oldest first, days without use included (as zero). */
  readonly perDay: readonly UsageBar[];
  readonly total: UsageBar;
}

/** One tick's CPU and RSS of one worker's group. */
export interface UsageSample {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly cpuPercent: number;
  readonly rssBytes: number;
}

export interface UsageWorker {
  readonly id: string;
  readonly label: string;
  readonly running: boolean;
}

// ---- Webview → extension ------------------------------------------------------------------

export type UsageWebviewMessage =
  /** Sent once the script runs; the extension sends nothing before it. */
  | { readonly type: 'ready' }
  /** The worker whose CPU and RSS history the page shows. */
  | { readonly type: 'selectWorker'; readonly workerId: string };

// ---- Extension → webview ------------------------------------------------------------------

export type UsageExtensionMessage = {
  readonly type: 'update';
  readonly summary: UsageSummary;
  readonly workers: readonly UsageWorker[];
  /** The worker whose samples follow; undefined when no worker exists. */
  readonly selectedWorkerId: string | undefined;
  readonly samples: readonly UsageSample[];
  /** How far back the samples reach, in milliseconds: the chart's time axis. */
  readonly windowMs: number;
  /** Epoch milliseconds at which the update was made: the right end of the time axis. */
  readonly now: number;
};

export type ParsedUsageMessage =
  { readonly ok: true; readonly message: UsageWebviewMessage } | { readonly ok: false; readonly reason: string };

/** Validates a message from the usage page; anything else is refused with a reason that names the problem. */
export function parseUsageMessage(value: unknown): ParsedUsageMessage {
  if (!isObject(value)) {
    return { ok: false, reason: `the message is ${describeValue(value)}, not an object` };
  }
  switch (value.type) {
    case 'ready':
      return { ok: true, message: { type: 'ready' } };
    case 'selectWorker': {
      const workerId = stringField(value, 'workerId');
      if (!workerId || workerId.length > MAX_ID_CHARS) {
        const given = describeValue(workerId ?? value.workerId);
        return {
          ok: false,
          reason: `"selectWorker" needs a "workerId" of 1 to ${MAX_ID_CHARS} characters, not ${given}`,
        };
      }
      return { ok: true, message: { type: 'selectWorker', workerId } };
    }
    default:
      return { ok: false, reason: `unknown message type ${describeValue(value.type)}` };
  }
}
