import * as assert from 'node:assert/strict';
import {
  addDailyUsage,
  DailyUsage,
  dayOf,
  SessionUsageRecord,
  summarizeUsage,
  USAGE_DAYS_SHOWN,
  USAGE_SESSIONS_SHOWN,
} from '../../../../src/core/sessions/usageSummary';
import { parseStoredSession } from '../../../../src/core/sessions/transcripts/storedSession';

const DAY_MS = 24 * 60 * 60_000;
/** Noon, so a day before or after is another date in any time zone the test runs in. */
const NOW = new Date(2026, 11, 2, 12).getTime();

function record(
  id: string,
  agentLabel: string,
  usage: [number, number, number],
  days: number[] = [],
): SessionUsageRecord {
  const [inputTokens, outputTokens, costUsd] = usage;
  let daily: DailyUsage[] = [];
  for (const ago of days) {
    daily = addDailyUsage(daily, { inputTokens, outputTokens, costUsd }, NOW - ago * DAY_MS);
  }
  const total = {
    inputTokens: inputTokens * days.length,
    outputTokens: outputTokens * days.length,
    costUsd: costUsd * days.length,
  };
  return {
    title: `Session ${id}`,
    agentLabel,
    createdAt: NOW - 30 * DAY_MS,
    usage: days.length > 0 ? total : { inputTokens, outputTokens, costUsd },
    daily,
  };
}

describe('usage summary', () => {
  it('sums tokens and cost per agent, heaviest first', () => {
    const summary = summarizeUsage(
      [
        record('a', 'Claude Code', [100, 50, 0.5], [0]),
        record('b', 'pi', [10, 5, 0], [0]),
        record('c', 'Claude Code', [1, 1, 0.01], [1]),
      ],
      NOW,
    );
    assert.deepEqual(summary.perAgent, [
      { label: 'Claude Code', inputTokens: 101, outputTokens: 51, costUsd: 0.51 },
      { label: 'pi', inputTokens: 10, outputTokens: 5, costUsd: 0 },
    ]);
    assert.deepEqual(summary.total, { label: 'total', inputTokens: 111, outputTokens: 56, costUsd: 0.51 });
  });

  it('charts the heaviest sessions only, and leaves out sessions that used nothing', () => {
    const records = Array.from({ length: USAGE_SESSIONS_SHOWN + 3 }, (_, i) => record(String(i), 'pi', [i, 0, 0], [0]));
    const summary = summarizeUsage(records, NOW);
    assert.equal(summary.perSession.length, USAGE_SESSIONS_SHOWN);
    assert.equal(summary.perSession[0].label, `Session ${USAGE_SESSIONS_SHOWN + 2}`);
    assert.ok(!summary.perSession.some((bar) => bar.label === 'Session 0'));
  });

  it('charts each of the last days by the turns dates, zero on days without use', () => {
    const summary = summarizeUsage([record('a', 'pi', [10, 1, 0.1], [0, 0, 2]), record('old', 'pi', [7, 0, 0])], NOW);
    assert.equal(summary.perDay.length, USAGE_DAYS_SHOWN);
    const last = summary.perDay[USAGE_DAYS_SHOWN - 1];
    assert.deepEqual(last, { label: dayOf(NOW), inputTokens: 20, outputTokens: 2, costUsd: 0.2 });
    assert.equal(summary.perDay[USAGE_DAYS_SHOWN - 2].inputTokens, 0);
    assert.equal(summary.perDay[USAGE_DAYS_SHOWN - 3].inputTokens, 10);
    assert.equal(summary.perDay[0].label, dayOf(NOW - (USAGE_DAYS_SHOWN - 1) * DAY_MS));
    assert.ok(
      summary.perDay.every((bar) => bar.inputTokens !== 7),
      'a transcript without per-day records counts on the day it was created, 30 days ago: off the chart',
    );
  });

  it('keeps per-day usage in a stored transcript and refuses a malformed day by name', () => {
    const daily = addDailyUsage([], { inputTokens: 3, outputTokens: 4, costUsd: 0.5 }, NOW);
    const stored = {
      version: 1,
      id: 'abc',
      agentId: 'demo',
      title: 'T',
      createdAt: NOW,
      usage: { inputTokens: 3, outputTokens: 4, costUsd: 0.5 },
      entries: [],
      dailyUsage: daily,
    };
    const parsed = parseStoredSession(JSON.parse(JSON.stringify(stored)));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.session.dailyUsage, daily);
    const bad = parseStoredSession({
      ...stored,
      dailyUsage: [{ day: 'yesterday', inputTokens: 1, outputTokens: 1, costUsd: 0 }],
    });
    assert.ok(!bad.ok);
    assert.match(bad.reason, /dailyUsage\[0\]/);
  });
});
