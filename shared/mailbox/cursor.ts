import { z } from 'zod';

/**
 * An opaque page cursor. It carries only the position inside the caller's own folder (the sort
 * key of the last item returned); the table key is rebuilt from the caller's identity, so a
 * cursor can never reach into another mailbox.
 */
export interface Cursor {
  /** The folder the cursor belongs to; a cursor is refused in another folder. */
  folder: string;
  /** The folder-index sort key of the last item returned. */
  position: string;
  /** The message id of the last item returned (the table's sort key). */
  id: string;
}

const CURSOR_VERSION = 1;
const cursorSchema = z
  .object({
    v: z.literal(CURSOR_VERSION),
    f: z.string().min(1).max(64),
    p: z.string().min(1).max(256),
    i: z.string().regex(/^[0-9a-f]{32}$/),
  })
  .strict();

export class InvalidCursorError extends Error {
  readonly code = 'InvalidCursor';
  constructor() {
    super('The cursor is not one this API issued.');
  }
}

export function encodeCursor(cursor: Cursor): string {
  const payload = { v: CURSOR_VERSION, f: cursor.folder, p: cursor.position, i: cursor.id };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  if (text.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(text)) throw new InvalidCursorError();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new InvalidCursorError();
  return { folder: parsed.data.f, position: parsed.data.p, id: parsed.data.i };
}
