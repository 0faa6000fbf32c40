import { domainError } from '../errors/domain-error';

/**
 * The one page-cursor codec: a cursor is base64url JSON, opaque to clients. Each user of it
 * (mailbox folders, the store's key cursors) checks the shape of what it decodes and throws
 * the one InvalidCursorError when it is not one it issued.
 */
export class InvalidCursorError extends domainError(
  'InvalidCursor',
  'The cursor was not issued by this API for this query.',
) {}

/** The longest cursor decoded; the request schemas refuse longer ones before it gets here. */
export const MAX_CURSOR_CHARS = 2048;

export function encodeCursorPayload(payload: object): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The JSON inside a cursor, unchecked; anything that is not base64url JSON is refused. */
export function decodeCursorPayload(text: string, maxChars = MAX_CURSOR_CHARS): unknown {
  if (text.length > maxChars || !/^[A-Za-z0-9_-]*$/.test(text)) throw new InvalidCursorError();
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
}
