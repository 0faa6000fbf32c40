import * as z from '../validation/zod';
import {
  decodeCursorPayload,
  encodeCursorPayload,
  InvalidCursorError,
} from '../paging/cursor-codec';
import { MESSAGE_ID_PATTERN } from './message-id';

/**
 * An opaque page cursor. It carries only the position inside the caller's own folder or thread
 * (the index sort key of the last item returned); the table key is rebuilt from the caller's
 * identity, so a cursor can never reach into another mailbox.
 */
export interface Cursor {
  /** The list the cursor belongs to (a folder, or a thread); it is refused in any other list. */
  scope: string;
  /** The index sort key of the last item returned. */
  position: string;
  /** The message id of the last item returned (the table's sort key). */
  id: string;
}

const CURSOR_VERSION = 1;
const cursorSchema = z.strictObject({
  v: z.literal(CURSOR_VERSION),
  f: z.string().check(z.minLength(1), z.maxLength(64)),
  p: z.string().check(z.minLength(1), z.maxLength(256)),
  i: z.string().check(z.regex(MESSAGE_ID_PATTERN)),
});

/** Folder cursors are short: a folder, a sort key and a message id. */
const MAX_FOLDER_CURSOR_CHARS = 1024;

export function encodeCursor(cursor: Cursor): string {
  return encodeCursorPayload({
    v: CURSOR_VERSION,
    f: cursor.scope,
    p: cursor.position,
    i: cursor.id,
  });
}

export function decodeCursor(text: string): Cursor {
  if (text === '') throw new InvalidCursorError();
  const parsed = cursorSchema.safeParse(decodeCursorPayload(text, MAX_FOLDER_CURSOR_CHARS));
  if (!parsed.success) throw new InvalidCursorError();
  return { scope: parsed.data.f, position: parsed.data.p, id: parsed.data.i };
}
