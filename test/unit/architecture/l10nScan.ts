import * as ts from 'typescript';

/**
 * Finds user-facing text that does not go through l10n.t, by walking the TypeScript syntax tree of one
 * source file. Plain Node, no vscode: the same rule runs over src/ui and src/core alike.
 *
 * A string or template literal is flagged when it reads as natural language: two words of letters
 * separated by white space ("Stop all workers"), or any letter at all when it is the value of a property
 * that VS Code shows to the user as is (a quick pick `label`, a button `title`, a `placeHolder`…).
 */

/** A literal that reads as a sentence fragment: a letter-word, white space, another letter-word. */
const NATURAL_LANGUAGE = /[A-Za-z][a-z']*\s+[A-Za-z][a-z']*/;

/** Properties whose string value VS Code or the page shows to the user word for word. */
const USER_FACING_PROPERTIES = new Set([
  'ariaLabel',
  'description',
  'detail',
  'label',
  'message',
  'placeHolder',
  'placeholder',
  'prompt',
  'textContent',
  'title',
  'tooltip',
  'validationMessage',
]);

/** A codicon reference in a label ("$(play) Start"): syntax, not a word to translate. */
const CODICON = /\$\([a-z~-]+\)/g;

/** Logger methods: log lines stay English so that bug reports read the same everywhere. */
const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'log', 'appendLine']);
const LOGGER_RECEIVER = /^(log|logger|console|channel)$|Logger$/;

/** Calls whose first argument only names background work in the log ("restore sessions"), never shown. */
const LOG_LABEL_CALLEE = /(^|\.)tasks\.run$|^this\.run$|(^|\.)(reconcile|reconnect)$/;

/** Calls with an argument that is CSS classes, by position: the webview's `el(tag, className, text)`. */
const MARKUP_ARGUMENTS = new Map([['el', 1]]);

/** Attributes of HTML/DOM that hold CSS classes, ids and such, never prose ("codicon codicon-play"). */
const MARKUP_PROPERTIES = new Set(['className', 'class', 'id', 'rel', 'sandbox', 'allow', 'style', 'cssText']);

export interface Unlocalized {
  line: number;
  text: string;
}

/** One allowed literal: the file it is in (relative to the repository), its exact text and why it may stay. */
export interface AllowedLiteral {
  file: string;
  text: string;
  reason: string;
}

/** The callee of the call `node` is an argument of, and the argument's position. */
function argumentOf(node: ts.Node): { callee: string; index: number } | undefined {
  // `cond ? 'secondary' : ''` passes either literal in the conditional's place.
  while (ts.isConditionalExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) {
    node = node.parent;
  }
  const parent = node.parent;
  if (!ts.isCallExpression(parent)) {
    return undefined;
  }
  const index = parent.arguments.indexOf(node as ts.Expression);
  return index < 0 ? undefined : { callee: parent.expression.getText(), index };
}

function isL10nCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) {
    return false;
  }
  const callee = node.expression;
  return callee.name.text === 't' && /(^|\.)l10n$/.test(callee.expression.getText());
}

function isLoggerCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) {
    return false;
  }
  const callee = node.expression;
  const receiver = callee.expression;
  const receiverName = ts.isPropertyAccessExpression(receiver)
    ? receiver.name.text
    : ts.isIdentifier(receiver)
      ? receiver.text
      : '';
  return LOG_METHODS.has(callee.name.text) && LOGGER_RECEIVER.test(receiverName);
}

/** Parts of the tree that cannot hold user-facing text: imports, types, and the message of l10n.t itself. */
function isExempt(node: ts.Node): boolean {
  return (
    ts.isImportDeclaration(node) ||
    ts.isExportDeclaration(node) ||
    ts.isImportEqualsDeclaration(node) ||
    ts.isTypeNode(node) ||
    ts.isLiteralTypeNode(node) ||
    isLoggerCall(node)
  );
}

function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return node.text;
  }
  if (ts.isTemplateExpression(node)) {
    return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
  }
  return undefined;
}

/** The property a literal is the value of (`{ label: '…' }`, `el.title = '…'`), if any. */
function propertyOf(node: ts.Node): string | undefined {
  const parent = node.parent;
  if (ts.isPropertyAssignment(parent) && parent.initializer === node) {
    return parent.name.getText().replace(/^['"]|['"]$/g, '');
  }
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === node &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(parent.left)
  ) {
    return parent.left.name.text;
  }
  if (
    ts.isCallExpression(parent) &&
    ts.isPropertyAccessExpression(parent.expression) &&
    parent.expression.name.text === 'setAttribute' &&
    parent.arguments[1] === node
  ) {
    const attribute = parent.arguments[0];
    return attribute && ts.isStringLiteral(attribute) ? attribute.text : undefined;
  }
  return undefined;
}

/** A literal in a place where it names something rather than says something: a key, a module, a case. */
function isName(node: ts.Node): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isPropertyDeclaration(parent) && parent.name === node) ||
    (ts.isMethodDeclaration(parent) && parent.name === node) ||
    ts.isElementAccessExpression(parent) ||
    (ts.isCallExpression(parent) && parent.expression.getText() === 'require')
  );
}

/** A literal that is a log label or CSS classes by the position it is passed in. */
function isLabelOrMarkupArgument(node: ts.Node): boolean {
  const argument = argumentOf(node);
  return (
    argument !== undefined &&
    ((argument.index === 0 && LOG_LABEL_CALLEE.test(argument.callee)) ||
      MARKUP_ARGUMENTS.get(argument.callee) === argument.index)
  );
}

/** An HTML tag, with its attributes. */
const TAG = /<[!/]?[A-Za-z][^>]*>/g;
/** Attributes whose value the page shows or reads out as is. */
const SHOWN_ATTRIBUTE = /\b(?:title|aria-label|placeholder|alt)="([^"]*)"/g;

/**
 * The prose in a piece of HTML: the text between its tags and the values of shown attributes. The
 * markup itself (`role="status"`, `class="secondary"`) is not prose; `undefined` when it is not HTML.
 */
function proseOfMarkup(text: string): string[] | undefined {
  if (!TAG.test(text)) {
    return undefined;
  }
  TAG.lastIndex = 0;
  const shown = [...text.matchAll(SHOWN_ATTRIBUTE)].map((match) => match[1] ?? '');
  return [...text.split(TAG), ...shown];
}

function reads(node: ts.Node, text: string): boolean {
  const markup = proseOfMarkup(text);
  if (markup !== undefined) {
    return markup.some((part) => NATURAL_LANGUAGE.test(part) || /[A-Za-z]{2}/.test(part.trim()));
  }
  const property = propertyOf(node);
  if (isLabelOrMarkupArgument(node) || (property !== undefined && MARKUP_PROPERTIES.has(property))) {
    return false;
  }
  if (property !== undefined && USER_FACING_PROPERTIES.has(property.replace(/^aria-/, 'aria'))) {
    return /[A-Za-z]/.test(text.replace(CODICON, ''));
  }
  return NATURAL_LANGUAGE.test(text);
}

/** Every literal in `source` that reads as user-facing text and is not localized or logged. */
export function findUnlocalized(fileName: string, source: string): Unlocalized[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: Unlocalized[] = [];
  const visit = (node: ts.Node): void => {
    if (isExempt(node)) {
      return;
    }
    if (isL10nCall(node)) {
      // The message is what a translator translates; the values put into it may still be prose.
      node.arguments.slice(1).forEach(visit);
      return;
    }
    const text = literalText(node);
    if (text !== undefined && !isName(node) && reads(node, text)) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push({ line: line + 1, text });
    }
    if (ts.isTemplateExpression(node)) {
      node.templateSpans.forEach((span) => visit(span.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The text of a message literal, also when it is split over lines as 'a ' + 'b'. */
function messageText(node: ts.Expression): string | undefined {
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = messageText(node.left);
    const right = messageText(node.right);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isParenthesizedExpression(node)) {
    return messageText(node.expression);
  }
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

/** The messages `source` passes to l10n.t: the keys of the bundle a translator translates. */
export function l10nMessages(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const messages: string[] = [];
  const visit = (node: ts.Node): void => {
    if (isL10nCall(node)) {
      const first = node.arguments[0];
      const text = first === undefined ? undefined : messageText(first);
      if (text === undefined) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        throw new Error(`${fileName}:${line + 1}: l10n.t needs a string literal message, not ${node.getText()}`);
      }
      messages.push(text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return messages;
}
