import * as l10n from '@vscode/l10n';
import type { UsageBar, UsageSample } from '../../shared/usageProtocol';

const SVG = 'http://www.w3.org/2000/svg';
/** The charts draw in these units; the SVG scales to the panel's width. */
const WIDTH = 600;
const ROW_HEIGHT = 22;
const LABEL_WIDTH = 180;
const VALUE_WIDTH = 150;
const LINE_HEIGHT = 120;

/** An SVG element with its attributes; text only ever goes in through textContent. */
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function chart(height: number, label: string): SVGSVGElement {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img', 'aria-label': label });
  root.append(svg('title', {}, label));
  return root;
}

export function formatTokens(count: number): string {
  if (count >= 1_000_000) {
    return `${(count / 1_000_000).toFixed(1)}M`;
  }
  return count >= 1_000 ? `${(count / 1_000).toFixed(1)}k` : String(Math.round(count));
}

export function formatCost(usd: number): string {
  return usd >= 0.01 || usd === 0 ? `$${usd.toFixed(2)}` : '<$0.01';
}

export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${mb.toFixed(0)} MB`;
}

/** A label cut to fit its column; the full one stays in the row's tooltip. */
function fit(label: string, chars: number): string {
  return label.length > chars ? `${label.slice(0, chars - 1)}…` : label;
}

/**
 * Horizontal bars, one row per item: input and output tokens stacked, tokens and cost written at the
 * right. Horizontal, so long session titles stay readable in a narrow panel.
 */
export function tokenBars(bars: readonly UsageBar[], label: string): SVGSVGElement {
  const root = chart(Math.max(1, bars.length) * ROW_HEIGHT + 4, label);
  const most = Math.max(1, ...bars.map((bar) => bar.inputTokens + bar.outputTokens));
  const scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / most;
  bars.forEach((bar, index) => {
    const y = index * ROW_HEIGHT + 2;
    const row = svg('g', { class: 'bar' });
    const tokens = bar.inputTokens + bar.outputTokens;
    row.append(
      svg(
        'title',
        {},
        l10n.t(
          '{0}: {1} input, {2} output tokens, {3}',
          bar.label,
          bar.inputTokens,
          bar.outputTokens,
          formatCost(bar.costUsd),
        ),
      ),
      svg('text', { x: 0, y: y + 15, class: 'label' }, fit(bar.label, 28)),
      svg('rect', { x: LABEL_WIDTH, y: y + 3, width: bar.inputTokens * scale, height: ROW_HEIGHT - 6, class: 'input' }),
      svg('rect', {
        x: LABEL_WIDTH + bar.inputTokens * scale,
        y: y + 3,
        width: bar.outputTokens * scale,
        height: ROW_HEIGHT - 6,
        class: 'output',
      }),
      svg(
        'text',
        { x: WIDTH - VALUE_WIDTH + 6, y: y + 15, class: 'value' },
        `${formatTokens(tokens)} · ${formatCost(bar.costUsd)}`,
      ),
    );
    root.append(row);
  });
  return root;
}

export interface SeriesOptions {
  readonly label: string;
  readonly value: (sample: UsageSample) => number;
  readonly format: (value: number) => string;
  /** The least the vertical axis reaches, so a flat line at 0.2 % does not fill the chart. */
  readonly floor: number;
  readonly windowMs: number;
  readonly now: number;
}

/** A line over the last `windowMs` up to `now`, with the axis's top value and the time span written. */
export function timeSeries(samples: readonly UsageSample[], options: SeriesOptions): SVGSVGElement {
  const root = chart(LINE_HEIGHT + 20, options.label);
  const top = Math.max(options.floor, ...samples.map(options.value));
  const x = (at: number): number => Math.max(0, WIDTH - ((options.now - at) / options.windowMs) * WIDTH);
  const y = (value: number): number => LINE_HEIGHT - (value / top) * (LINE_HEIGHT - 16) + 2;
  root.append(
    svg('line', { x1: 0, y1: LINE_HEIGHT + 2, x2: WIDTH, y2: LINE_HEIGHT + 2, class: 'axis' }),
    svg('text', { x: 0, y: 12, class: 'label' }, l10n.t('{0} · max {1}', options.label, options.format(top))),
    svg(
      'text',
      { x: 0, y: LINE_HEIGHT + 18, class: 'tick' },
      l10n.t('{0} min ago', Math.round(options.windowMs / 60_000)),
    ),
    svg('text', { x: WIDTH, y: LINE_HEIGHT + 18, class: 'tick end' }, l10n.t('now')),
  );
  if (samples.length > 0) {
    const last = samples[samples.length - 1];
    const points = samples.map((sample) => `${x(sample.at).toFixed(1)},${y(options.value(sample)).toFixed(1)}`);
    root.append(
      svg('polyline', { points: points.join(' '), class: 'series' }),
      svg('text', { x: WIDTH, y: 12, class: 'value end' }, l10n.t('now {0}', options.format(options.value(last)))),
    );
  }
  return root;
}
