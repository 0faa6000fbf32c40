import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { apiEvent } from '@test/support/api-event';
import { htmlMail, mailToMany } from '@test/support/big-mail';
import { mailboxApiDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';

/**
 * Listing never hides a message: DynamoDB ends a Query at 1 MB whatever `Limit` says, so a page
 * is read until it is full or the index ends, and the cursor is where the reading stopped.
 */
const LIST = 'GET /mailboxes/me/messages';
const THREAD = 'GET /mailboxes/me/threads/{id}';
const context = { awsRequestId: 'test' } as Context;
/** Long enough to take a page past 1 MB when GSI1 held whole items (issue 7). */
const HTML_BYTES = 60 * 1024;
const SLOW_TEST_MS = 120_000;

let world: LocalWorld;
let deps: ReturnType<typeof mailboxApiDepsOf>;
let api: ReturnType<typeof createMailboxHandler>;

beforeAll(async () => {
  world = await startLocalWorld();
  deps = mailboxApiDepsOf(world);
  api = createMailboxHandler(deps);
  await world.addTenant('demo', ['demo.test']);
});

afterAll(async () => {
  await world?.stop();
});

async function call(
  routeKey: string,
  caller: string,
  query: Record<string, string>,
  pathParameters: Record<string, string> = {},
) {
  const result = await api(
    apiEvent({ routeKey, caller: { address: caller, tenantId: 'demo' }, query, pathParameters }),
    context,
  );
  return { status: result.statusCode, json: JSON.parse(result.body ?? 'null') };
}

async function deliver(raw: string, to: string, minute: number): Promise<string> {
  const notification = await world.receive(raw, {
    recipients: [to],
    receivedAt: new Date(Date.UTC(2026, 10, 20, 9, 0, minute)),
  });
  expect(await ingestMessage(notification, deps)).toMatchObject([{ outcome: 'indexed' }]);
  return deriveMessageId(notification.mail.messageId, to);
}

/** Every id the folder route lists, following the cursor; and the number of pages. */
async function listAll(caller: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await call(LIST, caller, { limit: String(limit), ...(cursor && { cursor }) });
    expect(page.status).toBe(200);
    ids.push(...page.json.items.map((item: { id: string }) => item.id));
    cursor = page.json.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  return { ids, pages };
}

/** Every id of a thread, following its cursor; and the pages' `more` flags. */
async function threadAll(caller: string, threadId: string) {
  const ids: string[] = [];
  const more: boolean[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(THREAD, caller, cursor ? { cursor } : {}, { id: threadId });
    expect(page.status).toBe(200);
    ids.push(...page.json.items.map((item: { id: string }) => item.id));
    more.push(page.json.more);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return { ids, more };
}

describe('pages of a folder and a thread', () => {
  it(
    'lists all of 40 HTML mails of 60 KB through the cursor, in full pages',
    async () => {
      const owner = 'html@demo.test';
      await world.addMailbox(owner, 'demo');
      const sent: string[] = [];
      for (let i = 0; i < 40; i++) {
        sent.push(await deliver(htmlMail(`Ward report ${i}`, HTML_BYTES, 'report-root'), owner, i));
      }

      const { ids, pages } = await listAll(owner, 25);

      expect(ids).toEqual([...sent].reverse());
      expect(pages).toBe(2);
      const threadId = (await world.store.getMessage(owner, sent[0] as string))?.threadId;
      const thread = await threadAll(owner, threadId as string);
      expect(thread.ids).toEqual(sent);
    },
    SLOW_TEST_MS,
  );

  it(
    'fills a page whose summaries alone pass 1 MB (long address lists)',
    async () => {
      const owner = 'many@demo.test';
      await world.addMailbox(owner, 'demo');
      const sent: string[] = [];
      for (let i = 0; i < 40; i++) sent.push(await deliver(mailToMany(`Round ${i}`), owner, i));

      const first = await call(LIST, owner, { limit: '100' });

      expect(first.status).toBe(200);
      expect(first.json.items.map((item: { id: string }) => item.id)).toEqual([...sent].reverse());
      expect(first.json.nextCursor).toBeNull();
      expect(Buffer.byteLength(JSON.stringify(first.json.items))).toBeGreaterThan(1024 * 1024);
    },
    SLOW_TEST_MS,
  );

  it(
    'gives a thread longer than one page a cursor to the rest',
    async () => {
      const owner = 'thread@demo.test';
      await world.addMailbox(owner, 'demo');
      const sent: string[] = [];
      for (let i = 0; i < 101; i++) {
        const reply = simpleMail(
          `Re: Rota ${i}`,
          'Noted.',
          'References: <rota-root@partner.example>',
        );
        sent.push(await deliver(reply, owner, i));
      }
      const threadId = (await world.store.getMessage(owner, sent[0] as string))?.threadId;

      const { ids, more } = await threadAll(owner, threadId as string);

      expect(ids).toEqual(sent);
      expect(more).toEqual([true, false]);
    },
    SLOW_TEST_MS,
  );

  it('refuses a folder cursor on a thread and a thread cursor on a folder', async () => {
    const owner = 'thread@demo.test';
    const folderPage = await call(LIST, owner, { limit: '1' });
    const anyId = folderPage.json.items[0].id as string;
    const threadId = (await world.store.getMessage(owner, anyId))?.threadId as string;
    const threadPage = await call(THREAD, owner, {}, { id: threadId });

    const threadWithFolderCursor = await call(
      THREAD,
      owner,
      { cursor: folderPage.json.nextCursor },
      { id: threadId },
    );
    const folderWithThreadCursor = await call(LIST, owner, { cursor: threadPage.json.nextCursor });

    expect(threadWithFolderCursor.status).toBe(400);
    expect(threadWithFolderCursor.json.code).toBe('InvalidCursor');
    expect(folderWithThreadCursor.status).toBe(400);
    expect(folderWithThreadCursor.json.code).toBe('InvalidCursor');
  });
});
