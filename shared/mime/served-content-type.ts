/**
 * The Content-Type a download is served with. The type a sender declares is theirs to choose,
 * and a presigned URL makes S3 answer with it from an origin users trust: `text/html` or
 * `image/svg+xml` there would run the sender's script. So only types a browser does not execute
 * are served as declared; everything else (HTML, SVG, XML, XHTML, scripts, anything unknown or
 * malformed) is served as `application/octet-stream`. Every download is also
 * `Content-Disposition: attachment` (shared/mime/display-name).
 */
export const OPAQUE_CONTENT_TYPE = 'application/octet-stream';

/** Types served as declared (lower case, no parameters). SVG is an image that runs script: not here. */
export const SERVED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  // Documents
  'application/pdf',
  'application/rtf',
  'text/plain',
  'text/csv',
  'text/calendar',
  'message/rfc822',
  // Office and OpenDocument
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.ms-outlook',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  // Archives
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  // Images (raster only)
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/heif',
  'image/avif',
  // Audio and video
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'audio/aac',
  'video/mp4',
  'video/mpeg',
  'video/ogg',
  'video/webm',
  'video/quicktime',
  // Already opaque
  OPAQUE_CONTENT_TYPE,
]);

/**
 * A plain charset label; anything else is dropped rather than passed on. UTF-7 is dropped too:
 * browsers once sniffed script out of it.
 */
const CHARSET = /^(?!utf-?7$)[a-z0-9][a-z0-9._-]{0,39}$/i;
const TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

/**
 * The type to serve for a declared one: an allowed type in canonical form, with a `charset`
 * kept for `text/*` only (and only when it is a plain label), or `application/octet-stream`.
 * Other parameters are dropped: they carry nothing a download needs and could smuggle more.
 */
export function servedContentType(declared: string | undefined): string {
  const [essence = '', ...parameters] = (declared ?? '').split(';');
  const type = essence.trim().toLowerCase();
  if (!TYPE.test(type) || !SERVED_CONTENT_TYPES.has(type)) return OPAQUE_CONTENT_TYPE;
  if (!type.startsWith('text/')) return type;
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=');
    const charset = value.trim().replace(/^"(.*)"$/, '$1');
    if (name.trim().toLowerCase() === 'charset' && CHARSET.test(charset)) {
      return `${type}; charset=${charset.toLowerCase()}`;
    }
  }
  return type;
}
