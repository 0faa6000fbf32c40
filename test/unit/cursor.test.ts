import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '@shared/paging/cursor-codec';
import { decodeCursor, encodeCursor } from '@shared/mailbox/cursor';

const cursor = {
  scope: 'inbox',
  position: '2026-11-20T09:14:02.511Z#0123456789abcdef0123456789abcdef',
  id: '0123456789abcdef0123456789abcdef',
};

describe('page cursors', () => {
  it('round-trips through an opaque URL-safe string', () => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text).not.toContain('inbox');
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    [
      'JSON of the wrong shape',
      Buffer.from(JSON.stringify({ v: 1, f: 'inbox' })).toString('base64url'),
    ],
    [
      'an unknown version',
      Buffer.from(JSON.stringify({ v: 2, f: 'inbox', p: 'x', i: cursor.id })).toString('base64url'),
    ],
    [
      'a table key smuggled in',
      Buffer.from(
        JSON.stringify({ v: 1, f: 'inbox', p: 'x', i: cursor.id, PK: 'MBX#bob@demo.test' }),
      ).toString('base64url'),
    ],
    ['an oversized string', 'A'.repeat(2000)],
  ])('refuses %s', (_label, text) => {
    expect(() => decodeCursor(text)).toThrow(InvalidCursorError);
  });
});
