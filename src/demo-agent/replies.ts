/** What a demo tool call really does: list the agent's folder, nothing, or append to a file in its folder. */
export type DemoToolEffect =
  | { readonly kind: 'list-folder' }
  | { readonly kind: 'none' }
  | { readonly kind: 'append'; readonly file: string; readonly text: string };

/** A canned reply: text, an optional tool call, more text. */
export interface DemoReply {
  readonly before: string;
  readonly tool:
    | {
        readonly name: string;
        readonly input: Record<string, unknown>;
        readonly needsPermission: boolean;
        readonly effect: DemoToolEffect;
      }
    | undefined;
  readonly after: string;
}

const GREETING: DemoReply = {
  before:
    "Hello! I'm Shepherd's **demo agent**. I don't call any model: my replies are canned, " +
    'so you can try sessions without an API key. Let me look around first.',
  tool: { name: 'LS', input: { path: '.' }, needsPermission: false, effect: { kind: 'list-folder' } },
  after:
    'That is your workspace folder. Try asking me to **run the tests** to see a permission request, ' +
    'ask me to **add a greeting to the README** to see a real edit, or press *Interrupt* while I am typing. ' +
    'Configure a real agent (Claude Code or pi) in the `shepherd.agents` setting.',
};

const RUN: DemoReply = {
  before: 'Sure. Running a command needs your permission, so I am asking for it now.',
  tool: { name: 'Bash', input: { command: 'npm test' }, needsPermission: true, effect: { kind: 'none' } },
  after: 'Done: that was the whole permission round trip. A real agent would show the command output here.',
};

const MARKDOWN: DemoReply = {
  before: [
    'Here is what I can render:',
    '',
    '1. **Bold**, *italic* and `inline code`',
    '2. Links such as [the VS Code docs](https://code.visualstudio.com/api)',
    '',
    '```ts',
    "const greeting: string = 'hello from the demo agent';",
    '```',
  ].join('\n'),
  tool: undefined,
  after: 'Anything else?',
};

/** The line the greeting edit appends to README.md in the agent's folder. */
export const GREETING_LINE = "Hello from Shepherd's demo agent!";

const GREET: DemoReply = {
  before: "Sure. I'll add a greeting at the end of `README.md` in my folder, and nowhere else.",
  tool: {
    name: 'Edit',
    input: { file_path: 'README.md', new_string: GREETING_LINE },
    needsPermission: false,
    effect: { kind: 'append', file: 'README.md', text: `${GREETING_LINE}\n` },
  },
  after:
    'Done: that was a real edit of a file in my working folder. In a worktree session, ' +
    '*Review Changes* shows it and *Accept* brings it into your branch.',
};

/** Picks a reply by keyword, so a demo can show each feature on purpose. */
export function cannedReply(text: string): DemoReply {
  const lower = text.toLowerCase();
  if (/\b(greeting|greet)\b/.test(lower)) {
    return GREET;
  }
  if (/\b(run|test|build|deploy)\b/.test(lower)) {
    return RUN;
  }
  if (/\b(markdown|format|code)\b/.test(lower)) {
    return MARKDOWN;
  }
  return GREETING;
}
