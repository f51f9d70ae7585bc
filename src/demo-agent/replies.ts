/** A canned reply: text, an optional tool call, more text. */
export interface DemoReply {
  readonly before: string;
  readonly tool:
    { readonly name: string; readonly input: Record<string, unknown>; readonly needsPermission: boolean } | undefined;
  readonly after: string;
}

const GREETING: DemoReply = {
  before:
    "Hello! I'm Shepherd's **demo agent**. I don't call any model: my replies are canned, " +
    'so you can try sessions without an API key. Let me look around first.',
  tool: { name: 'LS', input: { path: '.' }, needsPermission: false },
  after:
    'That is your workspace folder. Try asking me to **run the tests** to see a permission request, ' +
    'or press *Interrupt* while I am typing. ' +
    'Configure a real agent (Claude Code or pi) in the `shepherd.agents` setting.',
};

const RUN: DemoReply = {
  before: 'Sure. Running a command needs your permission, so I am asking for it now.',
  tool: { name: 'Bash', input: { command: 'npm test' }, needsPermission: true },
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

/** Picks a reply by keyword, so a demo can show each feature on purpose. */
export function cannedReply(text: string): DemoReply {
  const lower = text.toLowerCase();
  if (/\b(run|test|build|deploy)\b/.test(lower)) {
    return RUN;
  }
  if (/\b(markdown|format|code)\b/.test(lower)) {
    return MARKDOWN;
  }
  return GREETING;
}
