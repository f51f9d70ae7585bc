import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

/**
 * Agent output is untrusted. markdown-it with `html: false` escapes any raw HTML the agent prints,
 * and DOMPurify then allows only the tags markdown produces, so no script, handler, iframe, form or
 * style can reach the page. Links keep their target in `data-href` and are opened by the extension,
 * which allows http(s) only; images are not rendered at all (a remote image is a tracking beacon).
 */
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

const ALLOWED_TAGS = [
  'a',
  'p',
  'br',
  'hr',
  'em',
  'strong',
  'del',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];
const ALLOWED_ATTR = ['data-href', 'title', 'class', 'start', 'align'];

markdown.renderer.rules.link_open = (tokens, index) => {
  const href = tokens[index].attrGet('href') ?? '';
  return `<a data-href="${markdown.utils.escapeHtml(href)}" title="${markdown.utils.escapeHtml(href)}">`;
};
markdown.renderer.rules.image = (tokens, index) => markdown.utils.escapeHtml(`[image: ${tokens[index].content}]`);

/** Beyond this, markdown is shown as plain text: a markdown bomb must not freeze the panel. */
export const MAX_MARKDOWN_CHARS = 200_000;

/** Renders agent markdown to sanitized HTML. */
export function renderMarkdown(text: string): string {
  if (text.length > MAX_MARKDOWN_CHARS) {
    return `<pre>${markdown.utils.escapeHtml(text)}</pre>`;
  }
  return DOMPurify.sanitize(markdown.render(text), { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
}
