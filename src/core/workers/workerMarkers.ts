import * as l10n from '@vscode/l10n';
import { OutputLine } from '../output/outputBuffer';

/**
 * Marker lines: where one run of a worker ends and the next begins, said in its output panel, its
 * terminal and the headless peer's log. They come from the supervisor's own events, never from the
 * worker's output, so a worker cannot forge one and a health pattern never matches one.
 */

export type MarkerKind = 'started' | 'stopped' | 'killed' | 'exited' | 'crashed' | 'restarting' | 'failed';

export interface WorkerMarker {
  readonly workerId: string;
  readonly kind: MarkerKind;
  /** "killed with SIGKILL after 3,027 ms", "restart 2 of 5 after 1.2 s". */
  readonly text: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** Seq of the last output line printed before it: a reader shows those lines first, then the marker. */
  readonly afterSeq: number;
}

/** Enough to frame the last few runs of a crash loop; older markers go with the output they framed. */
export const MAX_MARKERS_PER_WORKER = 50;

/** "1.2 s": seconds, one decimal at most. */
export function formatSeconds(ms: number): string {
  return l10n.t('{0} s', (ms / 1_000).toLocaleString('en-US', { maximumFractionDigits: 1 }));
}

/** "restart 2 of 5 after 1.2 s": which restart of the allowed ones, and how long it waited. */
export function restartText(restart: number, maxRestarts: number, delayMs: number): string {
  return l10n.t('restart {0} of {1} after {2}', restart, maxRestarts, formatSeconds(delayMs));
}

/** The kept lines with the kept markers placed among them by `afterSeq`, each rendered by its own function. */
export function interleave(
  lines: readonly OutputLine[],
  markers: readonly WorkerMarker[],
  lineText: (line: OutputLine) => string,
  markerText: (marker: WorkerMarker) => string,
): string {
  let text = '';
  let next = 0;
  for (const line of lines) {
    while (next < markers.length && markers[next].afterSeq < line.seq) {
      text += markerText(markers[next++]);
    }
    text += lineText(line);
  }
  for (; next < markers.length; next++) {
    text += markerText(markers[next]);
  }
  return text;
}

/** The markers of one worker, oldest first, bounded. */
export class MarkerLog {
  private readonly kept: WorkerMarker[] = [];

  add(marker: WorkerMarker): void {
    this.kept.push(marker);
    if (this.kept.length > MAX_MARKERS_PER_WORKER) {
      this.kept.shift();
    }
  }

  list(): readonly WorkerMarker[] {
    return [...this.kept];
  }

  clear(): void {
    this.kept.length = 0;
  }
}
