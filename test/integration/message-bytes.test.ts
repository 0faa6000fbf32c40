import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { INLINE_BODY_BYTES } from '@shared/inbound/store-parts';
import { deleteMessageForGood } from '@shared/mailbox/delete-message';
import { reconcileUsage } from '@shared/quota/reconcile';
import { ORPHAN_MIN_AGE_MS, reconcileObjects } from '@shared/quota/reconcile-objects';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { apiEvent } from '@test/support/api-event';
import { mailWithAttachments } from '@test/support/hostile-mail';
import { mailboxApiDepsOf } from '@test/support/ingest-deps';
import { startLocalWorld, type LocalWorld } from '@test/support/local-world';

const DELETE = 'DELETE /mailboxes/me/messages/{id}';
const READ = 'GET /mailboxes/me/messages/{id}';
const ATTACHMENT = 'GET /mailboxes/me/messages/{id}/attachments/{n}';
const context = { awsRequestId: 'test' } as Context;
const alice = { address: 'alice@bytes.test', tenantId: 'bytes' };
const bob = { address: 'bob@bytes.test', tenantId: 'bytes' };
const tiny = { address: 'tiny@bytes.test', tenantId: 'bytes' };

let world: LocalWorld;
let deps: ReturnType<typeof mailboxApiDepsOf>;
let handler: ReturnType<typeof createMailboxHandler>;
let stored: DynamoStoredMessages;

beforeAll(async () => {
  world = await startLocalWorld();
  deps = mailboxApiDepsOf(world);
  handler = createMailboxHandler(deps);
  stored = new DynamoStoredMessages(world.documents, world.names.table);
  await world.addTenant('bytes', ['bytes.test']);
  await world.addMailbox(alice.address, 'bytes');
  await world.addMailbox(bob.address, 'bytes');
  await world.addMailbox(tiny.address, 'bytes', 1_000);
});

afterAll(async () => {
  await world?.stop();
});

/**
 * What a message goes through to leave for good: the user deletes it (to Deleted Items), deletes
 * it again (a recoverable item), and after the recovery window the sweep purges it (deps.purge:
 * the one purge path, shared/mailbox/delete-message).
 */
async function deleteForGood(who: typeof alice, id: string): Promise<boolean> {
  for (const step of ['deleted', 'recoverable']) {
    const result = await call(DELETE, who, { id });
    expect(result.statusCode, step).toBe(200);
  }
  return deps.purge(who.address, id);
}

async function call(
  routeKey: string,
  caller: typeof alice,
  pathParameters: Record<string, string>,
) {
  return handler(apiEvent({ routeKey, caller, pathParameters }), context);
}

/** Every object key in both local buckets that belongs to this SES message. */
async function objectsOf(sesMessageId: string): Promise<string[]> {
  const found: string[] = [];
  for (const bucket of [world.names.rawMailBucket, world.names.attachmentsBucket]) {
    let token: string | undefined;
    do {
      const page = await world.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.includes(sesMessageId)) found.push(`${bucket}/${object.Key}`);
      }
      token = page.NextContinuationToken;
    } while (token);
  }
  return found.sort();
}

/** A message with two attachments and a body too large for the item: four objects in all. */
function heavyMail(subject: string): Buffer {
  return mailWithAttachments(
    subject,
    [
      { filename: 'scan.pdf', contentType: 'application/pdf', content: '%PDF-1.4 not really' },
      { filename: 'notes.txt', contentType: 'text/plain', content: 'ward notes' },
    ],
    'b'.repeat(INLINE_BODY_BYTES + 1_000),
  );
}

describe('a message received by two mailboxes', () => {
  it('keeps its bytes until both have deleted it for good, then none are left', async () => {
    const notification = await world.receive(heavyMail('Shared referral'), {
      recipients: [alice.address, bob.address],
    });
    const ses = notification.mail.messageId;
    const outcomes = await ingestMessage(notification, deps);
    expect(outcomes.map((o) => o.outcome)).toEqual(['indexed', 'indexed']);
    const [forAlice, forBob] = outcomes.map((o) => o.messageId!);
    const before = await objectsOf(ses);
    expect(before).toEqual(
      [
        `${world.names.attachmentsBucket}/attachments/${ses}/1`,
        `${world.names.attachmentsBucket}/attachments/${ses}/2`,
        `${world.names.attachmentsBucket}/bodies/${ses}.json`,
        `${world.names.rawMailBucket}/inbound/${ses}`,
      ].sort(),
    );

    expect(await deleteForGood(alice, forAlice!)).toBe(true);

    expect(await objectsOf(ses)).toEqual(before);
    const read = await call(READ, bob, { id: forBob! });
    expect((JSON.parse(read.body ?? '{}') as { text: string }).text.trim()).toHaveLength(
      INLINE_BODY_BYTES + 1_000,
    );
    expect((await call(ATTACHMENT, bob, { id: forBob!, n: '1' })).statusCode).toBe(303);

    expect(await deleteForGood(bob, forBob!)).toBe(true);

    expect(await objectsOf(ses)).toEqual([]);
    expect(await stored.getStored(ses)).toMatchObject({ refs: 0, purge: 'done' });
  });
});

describe('a message deleted for good by its only recipient', () => {
  it('leaves no object behind, and a redelivery of its notification brings nothing back', async () => {
    const notification = await world.receive(heavyMail('Only for Alice'), {
      recipients: [alice.address],
    });
    const ses = notification.mail.messageId;
    const [outcome] = await ingestMessage(notification, deps);

    expect(await deleteForGood(alice, outcome!.messageId!)).toBe(true);
    expect(await objectsOf(ses)).toEqual([]);

    // SQS delivers at least once: the raw copy is gone, and that is not an error.
    expect(await ingestMessage(notification, deps)).toEqual([
      { recipient: alice.address, outcome: 'duplicate' },
    ]);
    expect(await objectsOf(ses)).toEqual([]);
  });
});

describe('mail that bounces for every recipient', () => {
  it('leaves nothing in S3: no such mailbox and mailbox full', async () => {
    const notification = await world.receive(heavyMail('Nobody keeps this'), {
      recipients: ['nobody@bytes.test', tiny.address],
    });
    const ses = notification.mail.messageId;

    const outcomes = await ingestMessage(notification, deps);

    expect(outcomes.map((o) => o.outcome)).toEqual(['no-mailbox', 'over-quota']);
    expect(await objectsOf(ses)).toEqual([]);
    expect(await stored.getStored(ses)).toMatchObject({ refs: 0, purge: 'done' });
  });

  it('keeps the bytes when one recipient indexed it and another bounced', async () => {
    const notification = await world.receive(heavyMail('Half kept'), {
      recipients: [tiny.address, alice.address],
    });
    const ses = notification.mail.messageId;

    const outcomes = await ingestMessage(notification, deps);

    expect(outcomes.map((o) => o.outcome)).toEqual(['over-quota', 'indexed']);
    expect(await objectsOf(ses)).toHaveLength(4);
    expect(await stored.getStored(ses)).toMatchObject({ refs: 1, delivered: true });
  });
});

describe('a delete before ingest has dealt with every recipient', () => {
  it('keeps the bytes until the notification is done, so a retried recipient still gets them', async () => {
    const notification = await world.receive(heavyMail('Half delivered'), {
      recipients: [alice.address, bob.address],
    });
    const ses = notification.mail.messageId;
    // The first attempt dies after alice's item (bob's mailbox cannot be read: a crash).
    const crashing = {
      ...deps,
      store: Object.assign(Object.create(Object.getPrototypeOf(deps.store)), deps.store, {
        getMailbox: async (address: string) => {
          if (address === bob.address) throw new Error('injected crash');
          return deps.store.getMailbox(address);
        },
      }),
    };
    await expect(ingestMessage(notification, crashing)).rejects.toThrow('injected crash');
    const forAlice = (await world.store.listFolder(alice.address, 'inbox', 100)).items.find(
      (m) => m.subject === 'Half delivered',
    );

    // Alice deletes it before the retry: her reference goes, but bob's delivery is still owed.
    expect(await deleteForGood(alice, forAlice!.id)).toBe(true);
    expect(await objectsOf(ses)).toHaveLength(4);

    const retried = await ingestMessage(notification, deps);
    expect(retried.map((o) => o.outcome)).toEqual(['duplicate', 'indexed']);
    expect(await objectsOf(ses)).toHaveLength(4);
    expect((await call(ATTACHMENT, bob, { id: retried[1]!.messageId!, n: '2' })).statusCode).toBe(
      303,
    );
    expect(await deleteForGood(bob, retried[1]!.messageId!)).toBe(true);
    expect(await objectsOf(ses)).toEqual([]);
  });
});

describe('reconcile and the objects in S3', () => {
  const inTwoWeeks = () => new Date(Date.now() + ORPHAN_MIN_AGE_MS + 60_000);
  const objectDeps = () => ({
    ledger: stored,
    blobs: world.blobs,
    rawMailBucket: world.names.rawMailBucket,
    attachmentsBucket: world.names.attachmentsBucket,
  });
  async function references(): Promise<Set<string>> {
    const found = new Set<string>();
    await reconcileUsage(new DynamoQuotaStore(world.documents, world.names.table), {
      repair: false,
      references: found,
    });
    return found;
  }

  it('finishes a purge that a crash cut short between the transaction and the S3 deletes', async () => {
    const notification = await world.receive(heavyMail('Crash while purging'), {
      recipients: [alice.address],
    });
    const ses = notification.mail.messageId;
    const [outcome] = await ingestMessage(notification, deps);
    const crashing = {
      ...deps,
      deletions: new DynamoQuotaStore(world.documents, world.names.table),
      blobs: {
        ...world.blobs,
        get: world.blobs.get.bind(world.blobs),
        put: world.blobs.put.bind(world.blobs),
        delete: async () => {
          throw new Error('injected crash: S3 unreachable');
        },
      },
    };
    await expect(
      deleteMessageForGood(crashing, alice.address, outcome!.messageId!),
    ).rejects.toThrow('injected crash');
    expect(await world.store.getMessage(alice.address, outcome!.messageId!)).toBeUndefined();
    expect(await objectsOf(ses)).toHaveLength(4);

    const reported = await reconcileObjects(objectDeps(), await references(), {
      repair: false,
      now: new Date(),
    });
    expect(reported.pendingPurges).toContainEqual({ sesMessageId: ses, result: 'reported' });
    expect(await objectsOf(ses)).toHaveLength(4);

    const repaired = await reconcileObjects(objectDeps(), await references(), {
      repair: true,
      now: new Date(),
    });
    expect(repaired.pendingPurges).toContainEqual({ sesMessageId: ses, result: 'purged' });
    expect(await objectsOf(ses)).toEqual([]);
    expect(await stored.getStored(ses)).toMatchObject({ purge: 'done' });
  });

  it('reports objects nobody refers to once they are old enough, and deletes them with --repair', async () => {
    const live = await world.receive(heavyMail('Still wanted'), { recipients: [bob.address] });
    await ingestMessage(live, deps);
    // A notification that never got indexed (parked, never redriven): its objects have no owner.
    const lost = `orphan-${Date.now()}`;
    await world.blobs.put(world.names.rawMailBucket, `inbound/${lost}`, 'raw', 'message/rfc822');
    await world.blobs.put(
      world.names.attachmentsBucket,
      `attachments/${lost}/1`,
      'x',
      'text/plain',
    );
    await world.blobs.put(
      world.names.attachmentsBucket,
      `bodies/${lost}.json`,
      '{}',
      'application/json',
    );
    const mine = (report: Awaited<ReturnType<typeof reconcileObjects>>, ses: string) =>
      report.orphans.filter((o) => o.sesMessageId === ses);

    const young = await reconcileObjects(objectDeps(), await references(), {
      repair: false,
      now: new Date(),
    });
    expect(mine(young, lost)).toEqual([]);

    const old = await reconcileObjects(objectDeps(), await references(), {
      repair: false,
      now: inTwoWeeks(),
    });
    expect(
      mine(old, lost)
        .map((o) => `${o.bucket}/${o.key}:${o.result}`)
        .sort(),
    ).toEqual(
      [
        `${world.names.rawMailBucket}/inbound/${lost}:reported`,
        `${world.names.attachmentsBucket}/attachments/${lost}/1:reported`,
        `${world.names.attachmentsBucket}/bodies/${lost}.json:reported`,
      ].sort(),
    );
    expect(mine(old, live.mail.messageId)).toEqual([]);

    const repaired = await reconcileObjects(objectDeps(), await references(), {
      repair: true,
      now: inTwoWeeks(),
    });
    expect(mine(repaired, lost).every((o) => o.result === 'deleted')).toBe(true);
    expect(await objectsOf(lost)).toEqual([]);
    expect(await objectsOf(live.mail.messageId)).toHaveLength(4);
    const again = await reconcileObjects(objectDeps(), await references(), {
      repair: false,
      now: inTwoWeeks(),
    });
    expect(again.orphans).toEqual([]);
    expect(again.pendingPurges).toEqual([]);
  });
});
