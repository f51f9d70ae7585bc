import * as vscode from 'vscode';
import { stripAnsi } from '../../core/output/ansi';
import { DisposableStore } from '../../core/base/events';
import { OutputLine } from '../../core/output/outputBuffer';
import { Supervisor } from '../../core/workers/supervisor';
import { WorkerChange } from '../../core/workers/workerEvents';
import { requireWorker } from '../../core/workers/unknownWorkerError';
import { interleave, WorkerMarker } from '../../core/workers/workerMarkers';

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
/** Carriage return, then erase the whole line: makes room for output above the line being typed. */
const CLEAR_LINE = '\r\x1b[2K';
const DELETE = '\x7f';
const BACKSPACE = '\b';
const CTRL_C = '\x03';

/** A dim line of Shepherd's own: a hint, or a marker where a run began or ended. */
function note(text: string): string {
  return `${DIM}[${text}]${RESET}\r\n`;
}

function terminalText(lines: readonly OutputLine[]): string {
  return lines.map((line) => `${line.text}\r\n`).join('');
}

/**
 * A terminal view of one worker: the kept output first (colours intact), then live output, and a
 * line editor whose lines go to the worker's stdin. The worker does not belong to the terminal:
 * closing it only stops watching.
 */
class WorkerPseudoterminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private readonly disposables = new DisposableStore();
  private input = '';
  private lastSeq = 0;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly workerId: string,
  ) {
    this.disposables.add(this.writeEmitter);
    this.disposables.add(this.closeEmitter);
  }

  open(): void {
    const lines = this.supervisor.output(this.workerId);
    this.lastSeq = lines.at(-1)?.seq ?? 0;
    const kept = interleave(
      lines,
      this.supervisor.markers(this.workerId),
      (line) => `${line.text}\r\n`,
      (marker) => note(marker.text),
    );
    this.writeEmitter.fire(note(vscode.l10n.t("type a line and press Enter to send it to the worker's stdin")) + kept);
    this.disposables.add(
      this.supervisor.onDidOutput((batch) => {
        if (batch.workerId === this.workerId) {
          this.showOutput(batch.lines.filter((line) => line.seq > this.lastSeq));
        }
      }),
    );
    this.disposables.add(this.supervisor.onDidChangeWorker((change) => this.onWorkerChange(change)));
    this.disposables.add(
      this.supervisor.onDidMark((marker) => {
        if (marker.workerId === this.workerId) {
          this.showMarker(marker);
        }
      }),
    );
  }

  close(): void {
    this.disposables.dispose();
  }

  handleInput(data: string): void {
    // Arrow keys and other escape sequences have no meaning in this simple line editor.
    const text = stripAnsi(data);
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\r' || ch === '\n') {
        // A pasted CRLF is one line end, not two.
        if (ch === '\r' && text[i + 1] === '\n') {
          i += 1;
        }
        this.sendLine();
      } else if (ch === DELETE || ch === BACKSPACE) {
        this.erase();
      } else if (ch === CTRL_C) {
        this.input = '';
        this.writeEmitter.fire('^C\r\n');
      } else if (ch >= ' ' || ch === '\t') {
        this.input += ch;
        this.writeEmitter.fire(ch);
      }
    }
  }

  private sendLine(): void {
    const line = this.input;
    this.input = '';
    this.writeEmitter.fire('\r\n');
    if (!this.supervisor.write(this.workerId, `${line}\n`)) {
      this.writeEmitter.fire(note(vscode.l10n.t('the worker is not running; the line was not sent')));
    }
  }

  private erase(): void {
    if (this.input === '') {
      return;
    }
    const chars = [...this.input];
    chars.pop();
    this.input = chars.join('');
    this.writeEmitter.fire('\b \b');
  }

  /** Prints output above the line being typed, then shows that line again. */
  private showOutput(lines: readonly OutputLine[]): void {
    if (lines.length === 0) {
      return;
    }
    this.lastSeq = lines[lines.length - 1].seq;
    this.print(terminalText(lines));
  }

  private print(text: string): void {
    this.writeEmitter.fire(this.input === '' ? text : `${CLEAR_LINE}${text}${this.input}`);
  }

  private onWorkerChange(change: WorkerChange): void {
    if (change.view.id !== this.workerId) {
      return;
    }
    if (change.kind === 'removed') {
      this.closeEmitter.fire();
    }
  }

  /** Lines still in a batch on their way come first, so the marker lands after the run's last words. */
  private showMarker(marker: WorkerMarker): void {
    const pending = this.supervisor.outputBetween(this.workerId, this.lastSeq, marker.afterSeq);
    this.lastSeq = Math.max(this.lastSeq, marker.afterSeq);
    this.print(terminalText(pending) + note(marker.text));
  }
}

/** At most one terminal per worker; asking again shows the open one. */
export class WorkerTerminals implements vscode.Disposable {
  private readonly terminals = new Map<string, vscode.Terminal>();
  private readonly disposables = new DisposableStore();

  constructor(private readonly supervisor: Supervisor) {
    this.disposables.add(
      vscode.window.onDidCloseTerminal((closed) => {
        for (const [id, terminal] of this.terminals) {
          if (terminal === closed) {
            this.terminals.delete(id);
          }
        }
      }),
    );
  }

  show(id: string): void {
    const view = requireWorker(this.supervisor, id);
    let terminal = this.terminals.get(id);
    if (!terminal) {
      terminal = vscode.window.createTerminal({
        name: `Shepherd: ${view.label}`,
        pty: new WorkerPseudoterminal(this.supervisor, id),
        iconPath: new vscode.ThemeIcon('server-process'),
        // A pseudoterminal cannot be revived after a reload: do not restore it.
        isTransient: true,
      });
      this.terminals.set(id, terminal);
    }
    terminal.show();
  }

  dispose(): void {
    this.disposables.dispose();
    for (const terminal of this.terminals.values()) {
      terminal.dispose();
    }
    this.terminals.clear();
  }
}
