import { SessionUsage } from '../../shared/sessionModel';
import { UsageBar, UsageSummary } from '../../shared/usageProtocol';

/** Days shown in the per-day chart: two weeks show a working rhythm and still fit a narrow panel. */
export const USAGE_DAYS_SHOWN = 14;
/** Sessions shown in the per-session chart, the heaviest first: more bars would be unreadable. */
export const USAGE_SESSIONS_SHOWN = 12;
/** Days of usage a session keeps (a year and a bit), so a long-lived transcript stays small. */
export const MAX_USAGE_DAYS_KEPT = 400;

/** What one session used on one day (the host's local date, YYYY-MM-DD). */
export interface DailyUsage extends SessionUsage {
  readonly day: string;
}

/** What the usage view reads of a session. */
export interface SessionUsageRecord {
  readonly title: string;
  readonly agentLabel: string;
  readonly createdAt: number;
  readonly usage: SessionUsage;
  /** Per day, by the turns' end times; empty for transcripts older than per-day records. */
  readonly daily: readonly DailyUsage[];
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** The local date of an epoch-milliseconds time, as YYYY-MM-DD (sorts as text). */
export function dayOf(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `daily` with one turn's usage added to the day of `at`, keeping the last MAX_USAGE_DAYS_KEPT days. */
export function addDailyUsage(daily: readonly DailyUsage[], usage: SessionUsage, at: number): DailyUsage[] {
  const day = dayOf(at);
  const known = daily.find((entry) => entry.day === day);
  const rest = daily.filter((entry) => entry !== known);
  const sum = known ? add(known, usage) : usage;
  return [...rest, { day, ...pick(sum) }].sort((a, b) => a.day.localeCompare(b.day)).slice(-MAX_USAGE_DAYS_KEPT);
}

function pick(usage: SessionUsage): SessionUsage {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd };
}

function add(a: SessionUsage, b: SessionUsage): SessionUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}

const ZERO: SessionUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
const tokens = (usage: SessionUsage): number => usage.inputTokens + usage.outputTokens;
const bar = (label: string, usage: SessionUsage): UsageBar => ({ label, ...pick(usage) });

/** Sums usage under each key, in first-seen order. */
function sumBy(items: Iterable<[string, SessionUsage]>): Map<string, SessionUsage> {
  const sums = new Map<string, SessionUsage>();
  for (const [key, usage] of items) {
    sums.set(key, add(sums.get(key) ?? ZERO, usage));
  }
  return sums;
}

/** The last `count` days up to the day of `now`, oldest first. */
function lastDays(now: number, count: number): string[] {
  const days: string[] = [];
  const date = new Date(now);
  for (let i = 0; i < count; i++) {
    days.unshift(dayOf(date.getTime()));
    // Stepping the calendar date (not 24 h) keeps each day once across daylight-saving changes.
    date.setDate(date.getDate() - 1);
  }
  return days;
}

/**
 * The usage view's charts: tokens and cost per agent (heaviest first), per session (the heaviest
 * USAGE_SESSIONS_SHOWN) and per day (the last USAGE_DAYS_SHOWN days). A transcript from before per-day
 * records counts its whole usage on the day it was created.
 */
export function summarizeUsage(records: readonly SessionUsageRecord[], now: number): UsageSummary {
  const heaviestFirst = (a: UsageBar, b: UsageBar): number => tokens(b) - tokens(a) || b.costUsd - a.costUsd;
  const perAgent = [...sumBy(records.map((r) => [r.agentLabel, r.usage]))]
    .map(([label, usage]) => bar(label, usage))
    .sort(heaviestFirst);
  const perSession = records
    .filter((r) => tokens(r.usage) > 0 || r.usage.costUsd > 0)
    .map((r) => bar(r.title, r.usage))
    .sort(heaviestFirst)
    .slice(0, USAGE_SESSIONS_SHOWN);
  const byDay = sumBy(
    records.flatMap((r): Array<[string, SessionUsage]> =>
      r.daily.length > 0 ? r.daily.map((d) => [d.day, d]) : [[dayOf(r.createdAt), r.usage]],
    ),
  );
  const perDay = lastDays(now, USAGE_DAYS_SHOWN).map((day) => bar(day, byDay.get(day) ?? ZERO));
  const total = bar(
    'total',
    records.reduce((sum, r) => add(sum, r.usage), ZERO),
  );
  return { perAgent, perSession, perDay, total };
}
