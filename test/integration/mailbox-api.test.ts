import { mailboxApiDepsOf } from '@test/support/ingest-deps';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { apiEvent } from '@test/support/api-event';
import { fixtureBytes } from '@test/support/fixtures';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';

const LIST = 'GET /mailboxes/me/messages';
const READ = 'GET /mailboxes/me/messages/{id}';
const alice = { address: 'alice@demo.test', tenantId: 'demo' };
const bob = { address: 'bob@demo.test', tenantId: 'demo' };
const context = { awsRequestId: 'test' } as Context;

let world: LocalWorld;
let handler: ReturnType<typeof createMailboxHandler>;
let summaryId: string;
let deps: ReturnType<typeof mailboxApiDepsOf>;

async function call(event: ReturnType<typeof apiEvent>) {
  const result = await handler(event, context);
  return { ...result, json: JSON.parse(result.body ?? 'null') };
}

beforeAll(async () => {
  world = await startLocalWorld();
  deps = mailboxApiDepsOf(world);
  handler = createMailboxHandler(deps);
  await world.addTenant('demo', ['demo.test']);
  await world.addTenant('other', ['other.test']);
  await world.addMailbox(alice.address, 'demo');
  await world.addMailbox(bob.address, 'demo');
  await world.addMailbox('eve@other.test', 'other');
  // Seven messages for alice, a minute apart, the discharge summary last (newest).
  for (let i = 1; i <= 6; i++) {
    const notification = await world.receive(simpleMail(`Message ${i}`), {
      recipients: [alice.address],
      receivedAt: new Date(Date.UTC(2026, 10, 20, 9, i)),
    });
    await ingestMessage(notification, deps);
  }
  const summary = await world.receive(fixtureBytes('eml/discharge-summary.eml'), {
    recipients: [alice.address],
    receivedAt: new Date(Date.UTC(2026, 10, 20, 10, 0)),
  });
  await ingestMessage(summary, deps);
  summaryId = deriveMessageId(summary.mail.messageId, alice.address);
});

afterAll(async () => {
  await world?.stop();
});

describe('GET /mailboxes/me/messages', () => {
  it('lists the inbox newest first, page by page, with an opaque cursor', async () => {
    const subjects: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call(
        apiEvent({
          routeKey: LIST,
          caller: alice,
          query: { limit: '3', ...(cursor && { cursor }) },
        }),
      );
      expect(page.statusCode).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(3);
      subjects.push(...page.json.items.map((m: { subject: string }) => m.subject));
      cursor = page.json.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(subjects).toEqual([
      'Discharge summary for ward 7 — Mr Jönsson',
      'Message 6',
      'Message 5',
      'Message 4',
      'Message 3',
      'Message 2',
      'Message 1',
    ]);
  });

  it('shows another user none of it', async () => {
    const page = await call(apiEvent({ routeKey: LIST, caller: bob }));
    expect(page.statusCode).toBe(200);
    expect(page.json).toEqual({ items: [], nextCursor: null, state: 0 });
  });

  it.each([
    [{ limit: '0' }],
    [{ limit: '101' }],
    [{ limit: 'ten' }],
    [{ folder: 'sent-to-mars' }],
    [{ cursor: 'not-a-cursor!' }],
    [{ colour: 'blue' }],
  ])('answers 400 problem+json to %j', async (query) => {
    const result = await call(apiEvent({ routeKey: LIST, caller: alice, query }));
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(['InputValidationError', 'InvalidCursor']).toContain(result.json.code);
  });

  it('refuses a cursor from one folder in another', async () => {
    const first = await call(apiEvent({ routeKey: LIST, caller: alice, query: { limit: '1' } }));
    const result = await call(
      apiEvent({
        routeKey: LIST,
        caller: alice,
        query: { folder: 'junk', cursor: first.json.nextCursor },
      }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.json.code).toBe('InvalidCursor');
  });

  it('answers 401 without claims and 403 when the token names the wrong tenant', async () => {
    expect((await call(apiEvent({ routeKey: LIST }))).statusCode).toBe(401);
    const wrongTenant = await call(
      apiEvent({ routeKey: LIST, caller: { address: alice.address, tenantId: 'other' } }),
    );
    expect(wrongTenant.statusCode).toBe(403);
    expect(wrongTenant.json.code).toBe('Forbidden');
  });
});

describe('GET /mailboxes/me/messages/{id}', () => {
  it('returns headers, text, HTML and attachment metadata to the recipient', async () => {
    const result = await call(
      apiEvent({ routeKey: READ, caller: alice, pathParameters: { id: summaryId } }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.json).toMatchObject({
      id: summaryId,
      subject: 'Discharge summary for ward 7 — Mr Jönsson',
      from: { address: 'carol@partner.example' },
      attachments: [{ filename: 'summary.pdf', contentType: 'application/pdf' }],
    });
    expect(result.json.text).toContain('Follow-up in 2 weeks.');
    expect(result.json.html).toContain('<p>Dear Alice,</p>');
    expect(result.json.headers).toContainEqual({
      key: 'message-id',
      value: '<summary-7@partner.example>',
    });
    expect(result.json).not.toHaveProperty('raw');
    expect(result.json).not.toHaveProperty('tenantId');
  });

  it('answers 404 to another user, in the same tenant or another', async () => {
    for (const caller of [bob, { address: 'eve@other.test', tenantId: 'other' }]) {
      const result = await call(
        apiEvent({ routeKey: READ, caller, pathParameters: { id: summaryId } }),
      );
      expect(result.statusCode).toBe(404);
      expect(result.json.code).toBe('NoSuchMessage');
      expect(result.body).not.toContain('Discharge');
    }
  });

  it('answers 400 to an id that cannot be one', async () => {
    const result = await call(
      apiEvent({ routeKey: READ, caller: alice, pathParameters: { id: '../x' } }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.json.code).toBe('InputValidationError');
  });
});

describe('DELETE /mailboxes/me/messages/{id}', () => {
  const DELETE = 'DELETE /mailboxes/me/messages/{id}';

  it('moves a message to Deleted Items, then out of the live quota into recoverable items, then answers 404', async () => {
    const notification = await world.receive(simpleMail('Delete me'), {
      recipients: [bob.address],
    });
    await ingestMessage(notification, deps);
    const id = deriveMessageId(notification.mail.messageId, bob.address);
    const before = await world.store.getMailbox(bob.address);
    const size = (await world.store.getMessage(bob.address, id))!.size;

    const first = await call(apiEvent({ routeKey: DELETE, caller: bob, pathParameters: { id } }));

    expect(first.statusCode).toBe(200);
    expect(first.json).toMatchObject({ id, folder: 'deleted' });
    expect(await world.store.getMailbox(bob.address)).toMatchObject({
      usedBytes: before!.usedBytes,
      messageCount: before!.messageCount,
    });

    const second = await call(apiEvent({ routeKey: DELETE, caller: bob, pathParameters: { id } }));

    expect(second.statusCode).toBe(200);
    expect(second.json).toMatchObject({ id, recoverable: true });
    const after = await world.store.getMailbox(bob.address);
    expect(before!.usedBytes - after!.usedBytes).toBe(size);
    expect(before!.messageCount - after!.messageCount).toBe(1);
    expect(after).toMatchObject({ recoverableBytes: size, recoverableCount: 1 });
    expect(await world.store.getMessage(bob.address, id)).toMatchObject({ recoverable: {} });
    const again = await call(apiEvent({ routeKey: DELETE, caller: bob, pathParameters: { id } }));
    expect(again.statusCode).toBe(404);
    expect(await world.store.getMailbox(bob.address)).toEqual(after);
  });

  it("answers 404 to another user's message and leaves it alone", async () => {
    const aliceBefore = await world.store.getMailbox(alice.address);

    const result = await call(
      apiEvent({ routeKey: DELETE, caller: bob, pathParameters: { id: summaryId } }),
    );

    expect(result.statusCode).toBe(404);
    expect(result.json.code).toBe('NoSuchMessage');
    expect(await world.store.getMessage(alice.address, summaryId)).toBeDefined();
    expect(await world.store.getMailbox(alice.address)).toEqual(aliceBefore);
  });
});
