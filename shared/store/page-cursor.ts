import {
  decodeCursorPayload,
  encodeCursorPayload,
  InvalidCursorError,
} from '../paging/cursor-codec';

/** A store page cursor: the query's last evaluated key. The caller checks what it decodes. */
export function encodePageCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? encodeCursorPayload(key) : undefined;
}

/** The key a cursor carries, refused unless it has exactly `fields`, each a non-empty string. */
export function decodePageCursor(cursor: string, fields: string[]): Record<string, string> {
  const value = decodeCursorPayload(cursor);
  if (typeof value !== 'object' || value === null) throw new InvalidCursorError();
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  if (keys.join() !== [...fields].sort().join()) throw new InvalidCursorError();
  // DynamoDB refuses an empty key attribute (a 500 otherwise), and no issued cursor has one.
  if (!keys.every((key) => typeof record[key] === 'string' && record[key] !== '')) {
    throw new InvalidCursorError();
  }
  return record as Record<string, string>;
}
