/**
 * Visible text of an HTML body, for snippets, in one linear pass and no regular expression.
 * A regex such as `/<[^>]*>/g` rescans to the end of the input from every `<` that has no `>`,
 * which is quadratic: 400 KB of `<` took minutes. Here a tag is skipped with one `indexOf`, and
 * once no `>` is left the rest is text, so each character is looked at a bounded number of
 * times. It stops once `maxChars` of text are collected: a snippet never reads the whole body.
 */

/** Elements whose content is never shown. */
const HIDDEN_ELEMENTS = ['script', 'style', 'head', 'title'] as const;

/** The few entities a snippet meets most; the rest stay as written. */
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};
/** `&nbsp;` is the longest name above; a `;` further than this does not end an entity. */
const MAX_ENTITY_NAME = 6;

function isWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0;
}

/** The lower-cased element name right after `<` or `</` at `start`, at most 10 letters. */
function elementName(html: string, start: number): string {
  let end = start;
  while (end < html.length && end - start < 10) {
    const code = html.charCodeAt(end) | 0x20;
    if (code < 0x61 || code > 0x7a) break;
    end += 1;
  }
  return html.slice(start, end).toLowerCase();
}

/**
 * Up to `maxChars` characters of the text an HTML body shows, whitespace collapsed to single
 * spaces and trimmed.
 */
export function htmlToSnippetText(html: string, maxChars: number): string {
  let out = '';
  let pendingSpace = false;
  let i = 0;
  let lower: string | undefined;
  const push = (text: string) => {
    for (const char of text) {
      if (isWhitespace(char.charCodeAt(0))) {
        pendingSpace = out.length > 0;
        continue;
      }
      if (pendingSpace) out += ' ';
      pendingSpace = false;
      out += char;
    }
  };
  while (i < html.length && out.length < maxChars) {
    const char = html[i] as string;
    if (char === '<') {
      const close = html.indexOf('>', i + 1);
      // No `>` anywhere after: no tag can follow either, so what is left is text.
      if (close < 0) {
        push(html.slice(i, i + (maxChars - out.length) * 2));
        break;
      }
      const closing = html[i + 1] === '/';
      const name = elementName(html, i + (closing ? 2 : 1));
      i = close + 1;
      pendingSpace = out.length > 0;
      if (!closing && (HIDDEN_ELEMENTS as readonly string[]).includes(name)) {
        // Skip to its end tag; one search from here, so still linear.
        lower ??= html.toLowerCase();
        const end = lower.indexOf(`</${name}`, i);
        i = end < 0 ? html.length : end;
      }
      continue;
    }
    if (char === '&') {
      // Looked for within the longest name only: a search to the end per `&` is quadratic.
      const semicolon = html.slice(i + 1, i + 2 + MAX_ENTITY_NAME).indexOf(';');
      if (semicolon > 0) {
        const entity = ENTITIES[html.slice(i + 1, i + 1 + semicolon).toLowerCase()];
        if (entity !== undefined) {
          push(entity);
          i += semicolon + 2;
          continue;
        }
      }
    }
    push(char);
    i += 1;
  }
  return out.slice(0, maxChars);
}
