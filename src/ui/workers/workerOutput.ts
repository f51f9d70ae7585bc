import * as vscode from 'vscode';
import { stripAnsi } from '../../core/output/ansi';
import { DisposableStore } from '../../core/base/events';
import { OutputLine } from '../../core/output/outputBuffer';
import { OutputBatch } from '../../core/workers/outputBatcher';
import { Supervisor } from '../../core/workers/supervisor';
import { requireWorker } from '../../core/workers/unknownWorkerError';
import { interleave, WorkerMarker } from '../../core/workers/workerMarkers';

interface OpenChannel {
  readonly channel: vscode.OutputChannel;
  /** The last line written, so the replay and the live batches never overlap. */
  lastSeq: number;
}

function plainText(lines: readonly OutputLine[]): string {
  return lines.map((line) => `${stripAnsi(line.text)}\n`).join('');
}

/** "── killed with SIGKILL after 3,027 ms ──": set apart from the worker's own lines. */
export function markerLine(marker: WorkerMarker): string {
  return `── ${marker.text} ──`;
}

/**
 * One output channel per worker ("Shepherd: <label>"), created the first time the user asks for it
 * (an editor with fifty workers should not list fifty channels nobody opened), seeded from the
 * worker's kept output, then appended batch by batch. Disposed when the worker is removed.
 */
export class WorkerOutputChannels implements vscode.Disposable {
  private readonly channels = new Map<string, OpenChannel>();
  private readonly disposables = new DisposableStore();

  constructor(private readonly supervisor: Supervisor) {
    this.disposables.add(supervisor.onDidOutput((batch) => this.append(batch)));
    this.disposables.add(supervisor.onDidMark((marker) => this.mark(marker)));
    this.disposables.add(
      supervisor.onDidChangeWorker((change) => {
        if (change.kind === 'removed') {
          this.close(change.view.id);
        }
      }),
    );
  }

  show(id: string): void {
    this.open(id).channel.show(true);
  }

  /** Empties the worker's kept output and its channel. */
  clear(id: string): void {
    this.supervisor.clearOutput(id);
    this.channels.get(id)?.channel.clear();
  }

  dispose(): void {
    this.disposables.dispose();
    for (const id of [...this.channels.keys()]) {
      this.close(id);
    }
  }

  private open(id: string): OpenChannel {
    const existing = this.channels.get(id);
    if (existing) {
      return existing;
    }
    const view = requireWorker(this.supervisor, id);
    const lines = this.supervisor.output(id);
    const opened: OpenChannel = {
      channel: vscode.window.createOutputChannel(`Shepherd: ${view.label}`, 'log'),
      lastSeq: lines.at(-1)?.seq ?? 0,
    };
    const text = interleave(
      lines,
      this.supervisor.markers(id),
      (line) => `${stripAnsi(line.text)}\n`,
      (marker) => `${markerLine(marker)}\n`,
    );
    if (text !== '') {
      opened.channel.append(text);
    }
    this.channels.set(id, opened);
    return opened;
  }

  private append(batch: OutputBatch): void {
    const opened = this.channels.get(batch.workerId);
    if (!opened) {
      return;
    }
    const fresh = batch.lines.filter((line) => line.seq > opened.lastSeq);
    if (fresh.length > 0) {
      opened.lastSeq = fresh[fresh.length - 1].seq;
      opened.channel.append(plainText(fresh));
    }
  }

  /** Lines still in a batch on their way come first, so the marker lands after the run's last words. */
  private mark(marker: WorkerMarker): void {
    const opened = this.channels.get(marker.workerId);
    if (!opened) {
      return;
    }
    const pending = this.supervisor.outputBetween(marker.workerId, opened.lastSeq, marker.afterSeq);
    opened.lastSeq = Math.max(opened.lastSeq, marker.afterSeq);
    opened.channel.append(`${plainText(pending)}${markerLine(marker)}\n`);
  }

  private close(id: string): void {
    this.channels.get(id)?.channel.dispose();
    this.channels.delete(id);
  }
}
