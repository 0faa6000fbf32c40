/**
 * Attachment markers in a message the parser gave up on. Its parts could not be decoded, so the
 * attachment policy cannot see real attachments; instead the raw bytes are searched once, in
 * linear time, for what announces one: `Content-Disposition: attachment`, or a `filename=` /
 * `name=` parameter (RFC 2231 forms included: `filename*=utf-8''…`, `filename*0=…;
 * filename*1=…`). The names found are checked against the policy (shared/scan/scan-message).
 */
export const UNPARSED_SCAN_LIMITS = {
  /** Names collected at most; markers past it still count, their names are not kept. */
  maxNames: 1_000,
  /** A parameter value longer than this is cut (names are only checked by their extension). */
  maxValueLength: 1_000,
} as const;

export interface AttachmentMarkers {
  /** Any marker at all: a disposition of `attachment` or a name parameter. */
  found: boolean;
  /** The names announced, decoded, at most `maxNames`. */
  names: string[];
}

/**
 * One pass over the text: either an attachment disposition or a `name` / `filename` parameter
 * (after `;`, as MIME parameters are), with an optional RFC 2231 section and `*` for an
 * extended value, then a quoted or a bare value. No nested quantifiers: linear.
 */
const MARKER =
  /content-disposition[ \t]*:[ \t]*attachment|;[ \t\r\n]*(file)?name(?:\*(\d{1,3}))?(\*)?[ \t]*=[ \t]*(?:"([^"\r\n]{0,1000})"?|([^;\s"]{0,1000}))/gi;

/** RFC 2047 encoded words (`=?utf-8?B?…?=`) in a quoted name, as mailers still send them. */
const ENCODED_WORD = /=\?([^?\s]{1,40})\?([bq])\?([^?\s]{0,1000})\?=/gi;

function decodeEncodedWords(value: string): string {
  return value.replace(ENCODED_WORD, (_word, _charset: string, encoding: string, text: string) => {
    const bytes =
      encoding.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              ),
            'latin1',
          );
    return bytes.toString('utf8');
  });
}

/** An RFC 2231 extended value: `charset'lang'%xx…` on the first section, `%xx…` after. */
function decodeExtended(value: string, first: boolean): string {
  const body = first ? value.replace(/^[^']*'[^']*'/, '') : value;
  return Buffer.from(
    body.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

export function findAttachmentMarkers(raw: Uint8Array): AttachmentMarkers {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const names: string[] = [];
  let found = false;
  // RFC 2231 continuations (`name*0`, `name*1`, …) are joined until the next section 0 or name.
  let pending: string | undefined;
  const flush = () => {
    if (pending !== undefined && names.length < UNPARSED_SCAN_LIMITS.maxNames) {
      const name = pending.trim();
      if (name) names.push(name.slice(0, UNPARSED_SCAN_LIMITS.maxValueLength));
    }
    pending = undefined;
  };
  for (const match of text.matchAll(MARKER)) {
    found = true;
    const [whole, , section, extended, quoted, bare] = match;
    if (whole.toLowerCase().startsWith('content-disposition')) continue;
    const value = quoted ?? bare ?? '';
    const first = section === undefined || Number(section) === 0;
    const decoded = extended ? decodeExtended(value, first) : decodeEncodedWords(value);
    if (section !== undefined && !first && pending !== undefined) {
      pending += decoded;
      continue;
    }
    flush();
    pending = decoded;
    if (section === undefined) flush();
  }
  flush();
  return { found, names };
}
