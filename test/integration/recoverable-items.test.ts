import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reconcileUsage } from '@shared/quota/reconcile';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { keys } from '@shared/store/keys';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { DAY_MS, RETENTION_LIMITS } from '@shared/mailbox/recoverable';
import { sweepMailbox, type SweepDeps } from '@shared/mailbox/retention-sweep';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { createAccountHandler } from '../../functions/account/account-api';
import { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { apiEvent } from '@test/support/api-event';
import { mailWithAttachments } from '@test/support/hostile-mail';
import { mailboxApiDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';

const context = { awsRequestId: 'test' } as Context;
const tenantId = 'keep';
const alice = { address: 'alice@keep.test', tenantId };

let world: LocalWorld;
let deps: ReturnType<typeof mailboxApiDepsOf>;
let api: ReturnType<typeof createMailboxHandler>;
let sweep: SweepDeps;

beforeAll(async () => {
  world = await startLocalWorld();
  deps = mailboxApiDepsOf(world);
  api = createMailboxHandler(deps);
  sweep = { ...deps.deletion, ...deps, tenants: world.tenancy };
  await world.addTenant(tenantId, ['keep.test']);
  await world.addMailbox(alice.address, tenantId);
});

afterAll(async () => {
  await world?.stop();
});

async function call(
  routeKey: string,
  options: {
    path?: Record<string, string>;
    query?: Record<string, string>;
    caller?: typeof alice;
  } = {},
) {
  const result = await api(
    apiEvent({
      routeKey,
      caller: options.caller ?? alice,
      ...(options.path && { pathParameters: options.path }),
      ...(options.query && { query: options.query }),
    }),
    context,
  );
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
}

async function deliver(
  raw: Buffer | string,
  options: { receivedAt?: Date; verdicts?: { spam: string } } = {},
) {
  const notification = await world.receive(raw, { recipients: [alice.address], ...options });
  const [outcome] = await ingestMessage(notification, deps);
  return { id: outcome!.messageId!, ses: notification.mail.messageId };
}

/** The bytes behind a 303 download. */
async function downloaded(path: Record<string, string>, route: string): Promise<Buffer> {
  const answer = await call(route, { path });
  expect(answer.status).toBe(303);
  return Buffer.from(await (await fetch(answer.json.url as string)).arrayBuffer());
}

async function objectsOf(sesMessageId: string): Promise<string[]> {
  const found: string[] = [];
  for (const bucket of [world.names.rawMailBucket, world.names.attachmentsBucket]) {
    const page = await world.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of page.Contents ?? []) {
      if (object.Key?.includes(sesMessageId)) found.push(`${bucket}/${object.Key}`);
    }
  }
  return found.sort();
}

const RAW = 'GET /mailboxes/me/messages/{id}/raw';
const ATTACHMENT = 'GET /mailboxes/me/messages/{id}/attachments/{n}';
const deleteTwice = async (id: string) => {
  for (let i = 0; i < 2; i++) {
    expect((await call('DELETE /mailboxes/me/messages/{id}', { path: { id } })).status).toBe(200);
  }
};

describe('recoverable items', () => {
  it('are outside the live quota, shown in GET /me, listed, and restore byte-identical to where they were', async () => {
    const pdf = Buffer.from('%PDF-1.4 referral letter \u0000\u00ff binary'.repeat(50), 'latin1');
    const { id } = await deliver(
      mailWithAttachments('Referral', [{ filename: 'letter.pdf', content: pdf }]),
    );
    const rawBefore = await downloaded({ id }, RAW);
    const partBefore = await downloaded({ id, n: '1' }, ATTACHMENT);
    const before = (await world.store.getMailbox(alice.address))!;

    await deleteTwice(id);

    const during = (await world.store.getMailbox(alice.address))!;
    expect(during.usedBytes).toBe(before.usedBytes - rawBefore.byteLength);
    const account = createAccountHandler({ store: world.tenancy, mail: world.store });
    const me = JSON.parse(
      (await account(apiEvent({ routeKey: 'GET /me', caller: alice }), context)).body!,
    );
    expect(me).toMatchObject({
      recoverableBytes: rawBefore.byteLength,
      recoverableCount: 1,
      usedBytes: during.usedBytes,
    });
    const inbox = await call('GET /mailboxes/me/messages', { query: { folder: 'inbox' } });
    expect(inbox.json.items.map((m: { id: string }) => m.id)).not.toContain(id);
    const listed = await call('GET /mailboxes/me/recoverable');
    const item = listed.json.items.find((m: { id: string }) => m.id === id);
    expect(Date.parse(item.purgeAfter) - Date.parse(item.deletedAt)).toBe(
      RETENTION_LIMITS.recoveryDays.default * DAY_MS,
    );

    const restored = await call('POST /mailboxes/me/recoverable/{id}/restore', { path: { id } });

    expect(restored).toMatchObject({ status: 200, json: { id, folder: 'inbox' } });
    expect(await downloaded({ id }, RAW)).toEqual(rawBefore);
    expect(await downloaded({ id, n: '1' }, ATTACHMENT)).toEqual(partBefore);
    expect(partBefore).toEqual(pdf);
    expect(await world.store.getMailbox(alice.address)).toMatchObject({
      usedBytes: before.usedBytes,
      messageCount: before.messageCount,
      recoverableBytes: 0,
      recoverableCount: 0,
    });
    const again = await call('POST /mailboxes/me/recoverable/{id}/restore', { path: { id } });
    expect(again).toMatchObject({ status: 404, json: { code: 'NoSuchMessage' } });
  });

  it('are purged after the recovery window, bytes included, by the sweep and its clock', async () => {
    const { id, ses } = await deliver(
      mailWithAttachments('Gone later', [{ filename: 'a.bin', content: 'bytes' }]),
    );
    const objects = await objectsOf(ses);
    expect(objects.length).toBeGreaterThan(0);
    await deleteTwice(id);
    const deletedAt = new Date();
    const tenant = await world.tenancy.getTenant(tenantId);

    const early = await sweepMailbox(
      sweep,
      alice.address,
      tenant,
      new Date(deletedAt.getTime() + 13 * DAY_MS),
    );

    expect(early.purged).toBe(0);
    expect(await objectsOf(ses)).toEqual(objects);

    const late = await sweepMailbox(
      sweep,
      alice.address,
      tenant,
      new Date(deletedAt.getTime() + 15 * DAY_MS),
    );

    expect(late.purged).toBe(1);
    expect(await objectsOf(ses)).toEqual([]);
    expect(await world.store.getMessage(alice.address, id)).toBeUndefined();
    expect(
      await new DynamoStoredMessages(world.documents, world.names.table).getStored(ses),
    ).toMatchObject({
      refs: 0,
      purge: 'done',
    });
    expect(await world.store.getMailbox(alice.address)).toMatchObject({
      recoverableBytes: 0,
      recoverableCount: 0,
    });
    const restore = await call('POST /mailboxes/me/recoverable/{id}/restore', { path: { id } });
    expect(restore.status).toBe(404);
  });

  it("empty Junk and Deleted Items after the tenant's retention, into recoverable items", async () => {
    await world.tenancy.updateTenant(tenantId, {
      mailRetention: { junkDays: 10, deletedDays: 5, recoveryDays: 2 },
    });
    const now = new Date();
    const oldJunk = await deliver(simpleMail('Old spam'), {
      receivedAt: new Date(now.getTime() - 11 * DAY_MS),
      verdicts: { spam: 'FAIL' },
    });
    const newJunk = await deliver(simpleMail('New spam'), { verdicts: { spam: 'FAIL' } });
    const trash = await deliver(simpleMail('Binned'));
    expect(
      (await call('DELETE /mailboxes/me/messages/{id}', { path: { id: trash.id } })).status,
    ).toBe(200);
    const tenant = await world.tenancy.getTenant(tenantId);

    const today = await sweepMailbox(sweep, alice.address, tenant, now);
    const inSixDays = await sweepMailbox(
      sweep,
      alice.address,
      tenant,
      new Date(now.getTime() + 6 * DAY_MS),
    );
    const inNineDays = await sweepMailbox(
      sweep,
      alice.address,
      tenant,
      new Date(now.getTime() + 9 * DAY_MS),
    );

    expect(today).toMatchObject({ expired: 1, purged: 0 });
    expect(inSixDays).toMatchObject({ expired: 1, purged: 1 });
    expect(inNineDays).toMatchObject({ expired: 0, purged: 1 });
    expect(await world.store.getMessage(alice.address, oldJunk.id)).toBeUndefined();
    expect(await world.store.getMessage(alice.address, trash.id)).toBeUndefined();
    expect(await world.store.getMessage(alice.address, newJunk.id)).toMatchObject({
      folder: 'junk',
    });
  });

  it('emptied from Junk by retention restore to Junk, not the Inbox', async () => {
    await world.tenancy.updateTenant(tenantId, { mailRetention: { junkDays: 3 } });
    const now = new Date();
    const spam = await deliver(simpleMail('Maybe spam'), {
      receivedAt: new Date(now.getTime() - 4 * DAY_MS),
      verdicts: { spam: 'FAIL' },
    });
    const tenant = await world.tenancy.getTenant(tenantId);
    const swept = await sweepMailbox(sweep, alice.address, tenant, now);
    expect(swept.expired).toBeGreaterThanOrEqual(1);

    const restored = await call('POST /mailboxes/me/recoverable/{id}/restore', {
      path: { id: spam.id },
    });

    expect(restored).toMatchObject({ status: 200, json: { id: spam.id, folder: 'junk' } });
    const inbox = await call('GET /mailboxes/me/messages', { query: { folder: 'inbox' } });
    expect(inbox.json.items.map((m: { id: string }) => m.id)).not.toContain(spam.id);
  });

  it('are counted again by reconcile, which repairs a drifted recoverable total', async () => {
    const { id } = await deliver(simpleMail('Counted again'));
    await deleteTwice(id);
    const expected = await world.store.getMailbox(alice.address);
    await world.documents.send(
      new UpdateCommand({
        TableName: world.names.table,
        Key: keys.mailbox(alice.address),
        UpdateExpression: 'SET recoverableBytes = :wrong',
        ExpressionAttributeValues: { ':wrong': 999_999 },
      }),
    );
    const quota = new DynamoQuotaStore(world.documents, world.names.table);

    const report = await reconcileUsage(quota, { repair: true });

    expect(report.recoverableDrifts).toEqual([
      expect.objectContaining({ address: alice.address, result: 'repaired' }),
    ]);
    expect(await world.store.getMailbox(alice.address)).toMatchObject({
      recoverableBytes: expected!.recoverableBytes,
      recoverableCount: expected!.recoverableCount,
    });
  });
});
