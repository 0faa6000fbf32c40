const encoder = new TextEncoder();

/**
 * `text` cut to at most `maxBytes` bytes of UTF-8, never in the middle of a character. Storage
 * counts bytes, not UTF-16 units: a limit in `.length` lets three times as many bytes through.
 * Linear, and free for the usual short string (a UTF-16 unit is at most 3 bytes of UTF-8).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const bytes = encoder.encode(text);
  if (bytes.byteLength <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8');
}
