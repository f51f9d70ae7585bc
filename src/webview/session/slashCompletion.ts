import type { SlashCommand } from '../../shared/sessionModel';
import { el } from './dom';

/** Enough to choose from; typing more letters narrows the rest. */
const MAX_SHOWN = 20;

/**
 * Completion of the agent's slash commands (ACP `available_commands_update`) in the message box:
 * typing `/` at the start lists the commands that match what follows; arrows move, Tab or Enter
 * takes one, Escape closes the list.
 */
export class SlashCompletion {
  private commands: readonly SlashCommand[] = [];
  private shown: SlashCommand[] = [];
  private selected = 0;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly list: HTMLElement,
  ) {
    input.addEventListener('input', () => this.update());
    input.addEventListener('blur', () => this.hide());
    // mousedown, not click: a click would blur the input first and close the list under the pointer.
    list.addEventListener('mousedown', (event) => {
      const item = (event.target as HTMLElement).closest('li[data-index]');
      if (item) {
        event.preventDefault();
        this.accept(Number(item.getAttribute('data-index')));
      }
    });
  }

  setCommands(commands: readonly SlashCommand[] | undefined): void {
    this.commands = commands ?? [];
    if (!this.list.hidden) {
      this.update();
    }
  }

  /** Handles a key for the open list; false when the key is not the list's (Enter then sends). */
  handleKey(event: KeyboardEvent): boolean {
    if (this.list.hidden || this.shown.length === 0) {
      return false;
    }
    switch (event.key) {
      case 'ArrowDown':
        this.select((this.selected + 1) % this.shown.length);
        return true;
      case 'ArrowUp':
        this.select((this.selected + this.shown.length - 1) % this.shown.length);
        return true;
      case 'Tab':
      case 'Enter':
        this.accept(this.selected);
        return true;
      case 'Escape':
        this.hide();
        return true;
      default:
        return false;
    }
  }

  private update(): void {
    const typed = /^\/(\S*)$/.exec(this.input.value);
    if (!typed || this.commands.length === 0) {
      this.hide();
      return;
    }
    const prefix = typed[1].toLowerCase();
    this.shown = this.commands.filter((command) => command.name.toLowerCase().startsWith(prefix)).slice(0, MAX_SHOWN);
    if (this.shown.length === 0) {
      this.hide();
      return;
    }
    this.list.replaceChildren(
      ...this.shown.map((command, index) => {
        const item = el('li', 'completion');
        item.setAttribute('role', 'option');
        item.dataset.index = String(index);
        item.append(el('span', 'name', `/${command.name}`), el('span', 'description', command.description));
        if (command.hint) {
          item.append(el('span', 'hint', command.hint));
        }
        return item;
      }),
    );
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.select(0);
  }

  private select(index: number): void {
    this.selected = index;
    this.list.querySelectorAll('li').forEach((item, i) => item.setAttribute('aria-selected', String(i === index)));
  }

  private accept(index: number): void {
    const command = this.shown[index];
    if (command) {
      this.input.value = `/${command.name} `;
      this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    }
    this.hide();
    this.input.focus();
  }

  private hide(): void {
    this.list.hidden = true;
    this.shown = [];
    this.input.setAttribute('aria-expanded', 'false');
  }
}
