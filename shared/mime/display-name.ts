/** The longest display name we keep; longer ones keep their extension. */
export const MAX_DISPLAY_NAME_LENGTH = 180;

/**
 * Control characters, quotes and the Unicode direction overrides that make `exe.pdf` out of
 * `fdp.exe` on screen: none of them belongs in a name shown to a user or put in a header.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f"'`\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const isDotOrSpace = (char: string | undefined) => char === '.' || char === ' ';

/**
 * Leading and trailing dots and spaces off (after whitespace became single spaces). A loop, not
 * `/[.\s]+$/`: that regex retries from every dot of a long run that does not end the name, which
 * is quadratic in the run (a file name of 100,000 dots and one letter).
 */
function trimDotsAndSpaces(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && isDotOrSpace(name[start])) start += 1;
  while (end > start && isDotOrSpace(name[end - 1])) end -= 1;
  return name.slice(start, end);
}

/**
 * A display name for an attachment: the last path segment only (no `../`, no `C:\`), no control
 * characters or quotes, never empty. It is only ever shown; storage keys never come from it.
 */
export function sanitiseDisplayName(name: string | undefined, fallback: string): string {
  const lastSegment = (name ?? '').split(/[/\\]/).pop() ?? '';
  let clean = trimDotsAndSpaces(lastSegment.replace(UNSAFE, '').replace(/\s+/g, ' '));
  if (clean.length > MAX_DISPLAY_NAME_LENGTH) {
    const dot = clean.lastIndexOf('.');
    const extension = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
    clean = clean.slice(0, MAX_DISPLAY_NAME_LENGTH - extension.length) + extension;
  }
  return clean || fallback;
}

/** RFC 6266 `Content-Disposition` with an ASCII fallback and the UTF-8 `filename*` form. */
export function contentDisposition(
  filename: string,
  type: 'attachment' | 'inline' = 'attachment',
): string {
  const safe = sanitiseDisplayName(filename, 'download');
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/[\\%]/g, '_');
  const encoded = encodeURIComponent(safe).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
