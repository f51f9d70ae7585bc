import * as vscode from 'vscode';
import { stripAnsi } from '../../core/output/ansi';
import { DisposableStore } from '../../core/base/events';
import { OutputLine } from '../../core/output/outputBuffer';
import { OutputBatch } from '../../core/workers/outputBatcher';
import { Supervisor } from '../../core/workers/supervisor';
import { requireWorker } from '../../core/workers/unknownWorkerError';

interface OpenChannel {
  readonly channel: vscode.OutputChannel;
  /** The last line written, so the replay and the live batches never overlap. */
  lastSeq: number;
}

function plainText(lines: readonly OutputLine[]): string {
  return lines.map((line) => `${stripAnsi(line.text)}\n`).join('');
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
    if (lines.length > 0) {
      opened.channel.append(plainText(lines));
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

  private close(id: string): void {
    this.channels.get(id)?.channel.dispose();
    this.channels.delete(id);
  }
}
