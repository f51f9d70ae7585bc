import * as l10n from '@vscode/l10n';
import { Emitter, Event, ListenerErrorHandler } from '../../base/events';
import { stringifyUntrusted } from '../protocols/jsonLines';
import {
  PermissionChoice,
  PermissionDecision,
  PlanItem,
  ToolDiff,
  TranscriptChange,
  TranscriptEntry,
} from '../../../shared/sessionModel';
import type { ToolCallChange } from '../protocols/agentEvents';

/** A long session keeps its latest exchanges; what is older than this is dropped first. */
export const MAX_TRANSCRIPT_ENTRIES = 2_000;
export const MAX_TRANSCRIPT_CHARS = 4 * 1024 * 1024;
/** A tool input or output beyond this is cut: the full text is in the agent's own logs. */
export const MAX_TOOL_TEXT_CHARS = 64 * 1024;

function cut(text: string, max: number = MAX_TOOL_TEXT_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}\n${l10n.t('… ({0} more characters)', text.length - max)}` : text;
}

export function formatToolInput(input: unknown): string {
  return cut(typeof input === 'string' ? input : stringifyUntrusted(input, 2));
}

function cutDiff(diff: ToolDiff): ToolDiff {
  return {
    path: diff.path,
    oldText: diff.oldText === undefined ? undefined : cut(diff.oldText),
    newText: cut(diff.newText),
  };
}

function sizeOf(entry: TranscriptEntry): number {
  switch (entry.kind) {
    case 'tool':
      return (
        entry.input.length +
        (entry.output?.length ?? 0) +
        (entry.diffs ?? []).reduce((sum, diff) => sum + (diff.oldText?.length ?? 0) + diff.newText.length, 0)
      );
    case 'permission':
      return entry.input.length;
    case 'plan':
      return entry.items.reduce((sum, item) => sum + item.content.length, 0);
    default:
      return entry.text.length;
  }
}

/**
 * The conversation of one session, bounded. Streamed deltas extend the open assistant entry; every
 * change is published so the panel can apply it without re-rendering the whole conversation.
 */
export class Transcript {
  private entries: TranscriptEntry[] = [];
  private chars = 0;
  private nextId: number;
  private openAssistant: number | undefined;
  private openThinking: number | undefined;
  /** The plan of the current turn: a new plan from the agent replaces its items in place. */
  private openPlan: number | undefined;
  private readonly changes: Emitter<TranscriptChange>;

  constructor(onListenerError: ListenerErrorHandler, restored: readonly TranscriptEntry[] = []) {
    this.changes = new Emitter<TranscriptChange>(onListenerError);
    this.entries = [...restored];
    this.chars = restored.reduce((sum, entry) => sum + sizeOf(entry), 0);
    this.nextId = restored.reduce((max, entry) => Math.max(max, entry.id), 0) + 1;
  }

  get onDidChange(): Event<TranscriptChange> {
    return this.changes.event;
  }

  list(): readonly TranscriptEntry[] {
    return [...this.entries];
  }

  addUser(text: string): void {
    this.closeAssistant();
    this.openPlan = undefined;
    this.append({ kind: 'user', id: this.nextId++, at: Date.now(), text });
  }

  addAssistantText(text: string): void {
    this.openThinking = undefined;
    const open = this.openAssistant === undefined ? undefined : this.find(this.openAssistant);
    if (open?.kind !== 'assistant') {
      const entry: TranscriptEntry = { kind: 'assistant', id: this.nextId++, at: Date.now(), text };
      this.openAssistant = entry.id;
      this.append(entry);
      return;
    }
    this.extend(open, text);
  }

  /** The agent's reasoning, streamed into its own entry until the reply (or a tool) begins. */
  addThinking(text: string): void {
    this.openAssistant = undefined;
    const open = this.openThinking === undefined ? undefined : this.find(this.openThinking);
    if (open?.kind !== 'thinking') {
      const entry: TranscriptEntry = { kind: 'thinking', id: this.nextId++, at: Date.now(), text };
      this.openThinking = entry.id;
      this.append(entry);
      return;
    }
    this.extend(open, text);
  }

  /** Shows the agent's current plan: the turn's plan entry is updated, or one is added. */
  setPlan(items: readonly PlanItem[]): void {
    const open = this.openPlan === undefined ? undefined : this.find(this.openPlan);
    if (open?.kind === 'plan') {
      this.replace({ ...open, items }, true);
      return;
    }
    this.closeAssistant();
    const entry: TranscriptEntry = { kind: 'plan', id: this.nextId++, at: Date.now(), items };
    this.openPlan = entry.id;
    this.append(entry);
  }

  /** An ACP tool call announced or updated: the fields it carries replace the entry's. */
  upsertToolCall(change: ToolCallChange): void {
    const entry = [...this.entries].reverse().find((e) => e.kind === 'tool' && e.toolUseId === change.toolCallId);
    if (entry?.kind === 'tool') {
      this.replace(
        {
          ...entry,
          name: change.title ?? entry.name,
          input: change.rawInput === undefined ? entry.input : formatToolInput(change.rawInput),
          output: change.output === undefined ? entry.output : cut(change.output),
          isError: change.status === undefined ? entry.isError : change.status === 'failed',
          toolKind: change.toolKind ?? entry.toolKind,
          status: change.status ?? entry.status,
          locations: change.locations ?? entry.locations,
          diffs: change.diffs?.map(cutDiff) ?? entry.diffs,
        },
        true,
      );
      return;
    }
    this.closeAssistant();
    this.append({
      kind: 'tool',
      id: this.nextId++,
      at: Date.now(),
      toolUseId: change.toolCallId,
      name: change.title ?? 'tool',
      input: change.rawInput === undefined ? '' : formatToolInput(change.rawInput),
      output: change.output === undefined ? undefined : cut(change.output),
      isError: change.status === 'failed',
      toolKind: change.toolKind,
      status: change.status ?? 'pending',
      locations: change.locations ?? [],
      diffs: (change.diffs ?? []).map(cutDiff),
    });
  }

  /**
   * Ends the ACP tool calls still pending or running when their turn ended: some agents never send
   * a final status for a call the user denied (Gemini CLI, codex-acp), and a call that can no longer
   * finish must not spin in the transcript forever.
   */
  settleToolCalls(): void {
    for (const entry of this.entries) {
      if (entry.kind === 'tool' && (entry.status === 'pending' || entry.status === 'in_progress')) {
        this.replace(
          {
            ...entry,
            status: 'failed',
            isError: true,
            output: entry.output ?? l10n.t('The turn ended before this tool ran.'),
          },
          true,
        );
      }
    }
  }

  addToolUse(toolUseId: string, name: string, input: unknown): void {
    this.closeAssistant();
    this.append({
      kind: 'tool',
      id: this.nextId++,
      at: Date.now(),
      toolUseId,
      name,
      input: formatToolInput(input),
      output: undefined,
      isError: false,
    });
  }

  addToolResult(toolUseId: string, output: string, isError: boolean): void {
    const entry = [...this.entries].reverse().find((e) => e.kind === 'tool' && e.toolUseId === toolUseId);
    if (entry?.kind === 'tool') {
      this.replace({ ...entry, output: cut(output), isError }, true);
    } else {
      this.append({
        kind: 'tool',
        id: this.nextId++,
        at: Date.now(),
        toolUseId,
        name: 'tool',
        input: '',
        output: cut(output),
        isError,
      });
    }
  }

  addPermission(
    requestId: string,
    toolName: string,
    input: unknown,
    description: string | undefined,
    choices?: readonly PermissionChoice[],
  ): void {
    this.closeAssistant();
    this.append({
      kind: 'permission',
      id: this.nextId++,
      at: Date.now(),
      requestId,
      toolName,
      input: formatToolInput(input),
      description,
      decision: undefined,
      ...(choices ? { choices } : {}),
    });
  }

  decidePermission(requestId: string, decision: PermissionDecision): void {
    const entry = this.entries.find((e) => e.kind === 'permission' && e.requestId === requestId);
    if (entry?.kind === 'permission') {
      this.replace({ ...entry, decision }, true);
    }
  }

  addError(text: string): void {
    this.closeAssistant();
    this.append({ kind: 'error', id: this.nextId++, at: Date.now(), text });
  }

  addNotice(text: string): void {
    this.closeAssistant();
    this.append({ kind: 'notice', id: this.nextId++, at: Date.now(), text });
  }

  /** Ends the open assistant (and thinking) entry, so the next text starts a new one (after a tool, a turn). */
  closeAssistant(): void {
    this.openAssistant = undefined;
    this.openThinking = undefined;
  }

  dispose(): void {
    this.changes.dispose();
  }

  /** Streams `text` onto the end of an open assistant or thinking entry. */
  private extend(open: Extract<TranscriptEntry, { kind: 'assistant' | 'thinking' }>, text: string): void {
    this.replace({ ...open, text: open.text + text }, false);
    this.chars += text.length;
    this.changes.fire({ type: 'delta', entryId: open.id, text });
    this.trim();
  }

  private find(id: number): TranscriptEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].id === id) {
        return this.entries[i];
      }
    }
    return undefined;
  }

  private append(entry: TranscriptEntry): void {
    this.entries.push(entry);
    this.chars += sizeOf(entry);
    this.changes.fire({ type: 'append', entry });
    this.trim();
  }

  private replace(entry: TranscriptEntry, publish: boolean): void {
    const index = this.entries.findIndex((e) => e.id === entry.id);
    if (index < 0) {
      return;
    }
    if (publish) {
      this.chars += sizeOf(entry) - sizeOf(this.entries[index]);
    }
    this.entries[index] = entry;
    if (publish) {
      this.changes.fire({ type: 'update', entry });
    }
  }

  private trim(): void {
    let dropped = 0;
    while (
      this.entries.length - dropped > 1 &&
      (this.entries.length - dropped > MAX_TRANSCRIPT_ENTRIES || this.chars > MAX_TRANSCRIPT_CHARS)
    ) {
      this.chars -= sizeOf(this.entries[dropped]);
      dropped += 1;
    }
    if (dropped > 0) {
      this.entries = this.entries.slice(dropped);
      this.changes.fire({ type: 'trim', firstId: this.entries[0].id });
    }
  }
}
