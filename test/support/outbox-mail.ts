import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime, { type Email } from 'postal-mime';
import { expect } from 'vitest';
import { eventually } from './eventually';
import type { httpClient } from './http-client';

/**
 * The first mail in the outbox (the SES stand-in's .eml files: what left for outside addresses)
 * to `to` whose text matches and whose file is not in `seen`; its file is added to `seen`.
 * Waits for it: the outbox is written after the API has answered.
 */
export async function takeOutboxMail(
  outboxDir: string,
  to: string,
  match: RegExp,
  seen: Set<string> = new Set(),
): Promise<Email> {
  return eventually(async () => {
    for (const name of readdirSync(outboxDir).filter((n) => n.endsWith('.eml'))) {
      if (seen.has(name)) continue;
      const parsed = await PostalMime.parse(readFileSync(join(outboxDir, name)));
      if (parsed.to?.some((a) => a.address === to) && match.test(parsed.text ?? '')) {
        seen.add(name);
        return parsed;
      }
    }
    return undefined;
  });
}

/** An attachment uploaded as a client does: `POST /mailboxes/me/uploads`, then the PUT. */
export async function uploadAttachment(
  call: ReturnType<typeof httpClient>,
  token: string,
  bytes: Buffer,
  name: string,
  contentType = 'text/plain',
): Promise<string> {
  const made = await call<{ id: string; url: string }>('POST', '/mailboxes/me/uploads', token, {
    name,
    size: bytes.byteLength,
    contentType,
  });
  expect(made.status).toBe(201);
  const put = await fetch(made.body.url, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body: bytes,
  });
  expect(put.ok).toBe(true);
  return made.body.id;
}
