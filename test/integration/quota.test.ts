import type { Identities } from '@shared/sign-in/identities';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTiers } from '@shared/config/tiers';
import { ingestMessage, type RecipientOutcome } from '@shared/inbound/ingest-message';
import type { Tenant } from '@shared/tenancy/model';
import type { MessageRecord } from '@shared/mailbox/model';
import { noticeQuotaThresholds } from '@shared/quota/quota-notices';
import { reconcileUsage } from '@shared/quota/reconcile';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { TOMBSTONE_TTL_SECONDS } from '@shared/store/message-deletion';
import type { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { keys } from '@shared/store/keys';
import { createTenant } from '@shared/tenancy/tenants';
import { LEAVER_GRACE_MS } from '@shared/tenancy/leaver';
import { createUser, updateUser } from '@shared/tenancy/users';
import { ingestDepsOf } from '@test/support/ingest-deps';
import {
  AUTHENTICATED,
  simpleMail,
  startLocalWorld,
  type LocalWorld,
} from '@test/support/local-world';

const QUOTA = 1_000_000;
const MESSAGE_BODY_BYTES = 100_000;
const DELIVERIES = 50;
const tiers = resolveTiers({ commodity: { mailboxBytes: QUOTA } });
const now = new Date('2026-11-20T09:00:00Z');

let world: LocalWorld;
let tenancy: DynamoTenancyStore;
let identities: Identities;
let quota: DynamoQuotaStore;
let tenant: Tenant;

beforeAll(async () => {
  world = await startLocalWorld({ identities: true });
  tenancy = world.tenancy;
  identities = world.identities;
  quota = new DynamoQuotaStore(world.documents, world.names.table);
  tenant = await createTenant(
    tenancy,
    { name: 'Quota Trust', tier: 'commodity', domains: ['quota.test'], largeMailboxSeats: 0 },
    now,
  );
});

afterAll(async () => {
  await world?.stop();
});

/** SQS redelivers a notification whose processing threw; so does this. */
async function ingestUntilSettled(
  notification: Awaited<ReturnType<LocalWorld['receive']>>,
  deps: ReturnType<typeof ingestDepsOf>,
): Promise<RecipientOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestMessage(notification, deps);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

describe('quota at ingest', () => {
  it('50 concurrent deliveries of 100 KB to a 1 MB mailbox: indexed + bounced = sent, used <= quota, used = sum of sizes', async () => {
    const address = 'full@quota.test';
    await createUser(tenancy, identities, tiers, tenant, { address, displayName: 'Full Up' }, now);
    const deps = ingestDepsOf(world, { notices: quota });
    const notifications = await Promise.all(
      Array.from({ length: DELIVERIES }, (_, i) =>
        world.receive(simpleMail(`Bulk ${i}`, 'x'.repeat(MESSAGE_BODY_BYTES)), {
          recipients: [address],
        }),
      ),
    );

    const outcomes = (
      await Promise.all(notifications.map((n) => ingestUntilSettled(n, deps)))
    ).flat();

    const indexed = outcomes.filter((o) => o.outcome === 'indexed').length;
    const bounced = outcomes.filter((o) => o.outcome === 'over-quota').length;
    expect(indexed + bounced).toBe(DELIVERIES);
    // Each raw message is ~100.4 KB: exactly 9 fit in 1 MB, whatever the interleaving.
    expect(indexed).toBe(9);
    expect(bounced).toBeGreaterThan(0);
    const mailbox = await tenancy.getMailbox(address);
    const stored = await quota.sumMessages(address);
    expect(mailbox?.usedBytes).toBeLessThanOrEqual(QUOTA);
    expect(mailbox?.usedBytes).toBe(stored.usedBytes);
    // Every indexed message is stored (quota notices, size 0, are the only other messages).
    const inbox = await world.store.listFolder(address, 'inbox', 100);
    const mail = inbox.items.filter((m) => m.subject.startsWith('Bulk'));
    expect(mail).toHaveLength(indexed);
    expect(mail.reduce((sum, m) => sum + m.size, 0)).toBe(stored.usedBytes);
    // The owner heard of each threshold crossed at most once, and of the full mailbox exactly once.
    const notices = inbox.items.filter((m) => m.from?.address === 'postmaster@quota.test');
    const subjects = notices.map((n) => n.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(subjects).toContain('Your mailbox is full: new mail is being returned to its senders');
  });
});

let sequence = 0;
function record(address: string, size: number): MessageRecord {
  const id = (++sequence).toString(16).padStart(32, '0');
  return {
    id,
    mailbox: address,
    tenantId: tenant.id,
    sesMessageId: `notice-test-${id}`,
    folder: 'inbox',
    receivedAt: new Date(now.getTime() + sequence).toISOString(),
    to: [{ address }],
    cc: [],
    replyTo: [],
    subject: `Filler ${sequence}`,
    snippet: '',
    size,
    unread: true,
    threadId: id,
    hasAttachments: false,
    headers: [],
    attachments: [],
    verdicts: {},
    raw: { bucket: world.names.rawMailBucket, key: `inbound/${id}` },
  };
}

describe('quota notices', () => {
  it('tells the owner at 80, 90 and 100 %, once per crossing, and again after usage fell', async () => {
    const address = 'watch@quota.test';
    await createUser(
      tenancy,
      identities,
      tiers,
      tenant,
      { address, displayName: 'Watch Ful' },
      now,
    );
    const deps = {
      store: world.store,
      notices: quota,
      blobs: world.blobs,
      attachmentsBucket: world.names.attachmentsBucket,
      storedMessages: ingestDepsOf(world).storedMessages,
    };
    const deliver = async (size: number) => {
      const rec = record(address, size);
      const outcome = await world.store.indexMessage(rec, QUOTA);
      return { id: rec.id, level: await noticeQuotaThresholds(deps, address, outcome, now) };
    };

    const levels = [];
    const first = await deliver(500_000);
    levels.push(first.level);
    levels.push((await deliver(310_000)).level); // 81 %
    levels.push((await deliver(20_000)).level); // 83 %
    levels.push((await deliver(80_000)).level); // 91 %
    levels.push((await deliver(200_000)).level); // refused: full
    levels.push((await deliver(200_000)).level); // refused again: told already
    expect(levels).toEqual([undefined, 80, undefined, 90, 100, undefined]);

    // Deleting for good gives the bytes back; the next delivery resets the marker quietly.
    expect(await quota.purgeMessage(address, first.id)).toMatchObject({ deleted: true });
    expect(await quota.purgeMessage(address, first.id)).toEqual({ deleted: false });
    expect((await tenancy.getMailbox(address))?.usedBytes).toBe(410_000);
    expect((await deliver(10_000)).level).toBeUndefined();
    expect((await tenancy.getMailbox(address))?.quotaNoticeLevel).toBe(0);
    expect((await deliver(400_000)).level).toBe(80);

    const inbox = await world.store.listFolder(address, 'inbox', 100);
    const notices = inbox.items.filter((m) => m.from?.address === 'postmaster@quota.test');
    // Same clock for all of them here, so compare as a multiset: two 80 % crossings, one of each other.
    expect(notices.map((n) => n.subject).sort()).toEqual(
      [
        'Your mailbox is 80% full',
        'Your mailbox is 90% full',
        'Your mailbox is full: new mail is being returned to its senders',
        'Your mailbox is 80% full',
      ].sort(),
    );
    expect(notices.every((n) => n.size === 0)).toBe(true);
    const stored = await quota.sumMessages(address);
    expect((await tenancy.getMailbox(address))?.usedBytes).toBe(stored.usedBytes);
  });
  it('tells "full" once when a refused delivery is followed by one that fits', async () => {
    const address = 'brim@quota.test';
    await createUser(tenancy, identities, tiers, tenant, { address, displayName: 'Brim Ful' }, now);
    const deps = {
      store: world.store,
      notices: quota,
      blobs: world.blobs,
      attachmentsBucket: world.names.attachmentsBucket,
      storedMessages: ingestDepsOf(world).storedMessages,
    };
    const deliver = async (size: number) => {
      const outcome = await world.store.indexMessage(record(address, size), QUOTA);
      return noticeQuotaThresholds(deps, address, outcome, now);
    };
    const levels = [];
    levels.push(await deliver(910_000)); // 91 %
    levels.push(await deliver(200_000)); // refused: full
    levels.push(await deliver(10_000)); // 92 %: fits, usage did not fall
    levels.push(await deliver(200_000)); // refused again: still the same crossing
    expect(levels).toEqual([90, 100, undefined, undefined]);
    expect((await tenancy.getMailbox(address))?.quotaNoticeLevel).toBe(100);
    const inbox = await world.store.listFolder(address, 'inbox', 100);
    const full = inbox.items.filter((m) => m.subject?.startsWith('Your mailbox is full'));
    expect(full).toHaveLength(1);
  });
});

describe('reconcile', () => {
  it('reports drift, repairs it with --repair, and then finds none', async () => {
    const address = 'drift@quota.test';
    await createUser(tenancy, identities, tiers, tenant, { address, displayName: 'Dri Ft' }, now);
    await world.store.indexMessage(record(address, 1234), QUOTA);
    await world.documents.send(
      new UpdateCommand({
        TableName: world.names.table,
        Key: keys.mailbox(address),
        UpdateExpression: 'SET usedBytes = :wrong',
        ExpressionAttributeValues: { ':wrong': 999 },
      }),
    );
    const progress: number[] = [];

    const report = await reconcileUsage(quota, {
      repair: false,
      onProgress: (n) => progress.push(n),
    });
    const drift = report.drifted.find((d) => d.address === address);
    expect(drift).toEqual({
      address,
      recorded: { usedBytes: 999, messageCount: 1 },
      actual: { usedBytes: 1234, messageCount: 1 },
      result: 'reported',
    });
    expect(progress.at(-1)).toBe(report.mailboxes);
    expect((await tenancy.getMailbox(address))?.usedBytes).toBe(999);

    const repaired = await reconcileUsage(quota, { repair: true });
    expect(repaired.drifted.find((d) => d.address === address)?.result).toBe('repaired');
    expect((await tenancy.getMailbox(address))?.usedBytes).toBe(1234);
    expect((await reconcileUsage(quota, { repair: false })).drifted).toEqual([]);
  });
});

describe('a leaver at ingest', () => {
  it('still gets mail during the grace period, and bounces it (5.1.1) after', async () => {
    const address = 'gone@quota.test';
    await createUser(
      tenancy,
      identities,
      tiers,
      tenant,
      { address, displayName: 'Gone Soon' },
      now,
    );
    await updateUser(tenancy, identities, tiers, tenant, address, { status: 'leaver' }, now);
    const at = (ms: number) => ingestDepsOf(world, { now: () => new Date(now.getTime() + ms) });

    const during = await ingestMessage(
      await world.receive(simpleMail('Still here?'), { recipients: [address] }),
      at(LEAVER_GRACE_MS - 1),
    );
    const lateDeps = at(LEAVER_GRACE_MS);
    const after = await ingestMessage(
      await world.receive(simpleMail('Too late'), {
        recipients: [address],
        verdicts: AUTHENTICATED,
      }),
      lateDeps,
    );

    expect(during.map((o) => o.outcome)).toEqual(['indexed']);
    expect(after.map((o) => [o.outcome, o.bounce])).toEqual([['no-mailbox', 'sent']]);
    const reports = readdirSync(lateDeps.outboxDir).map((name) =>
      readFileSync(join(lateDeps.outboxDir, name), 'utf8'),
    );
    expect(reports.some((r) => r.includes('Status: 5.1.1') && r.includes('has left'))).toBe(true);
    expect((await tenancy.getMailbox(address))?.messageCount).toBe(1);
  });
});

describe('a mailbox already over its quota', () => {
  it('still receives the "mailbox full" notice, charged nothing', async () => {
    const address = 'over@quota.test';
    await world.addMailbox(address, tenant.id, 100_000);
    // A lowered tier, a revoked seat or a transfer leaves usage above the quota.
    await world.documents.send(
      new UpdateCommand({
        TableName: world.names.table,
        Key: keys.mailbox(address),
        UpdateExpression: 'SET usedBytes = :used',
        ExpressionAttributeValues: { ':used': 150_000 },
      }),
    );
    const deps = ingestDepsOf(world, { notices: quota });

    const outcomes = await ingestMessage(
      await world.receive(simpleMail('One more'), { recipients: [address] }),
      deps,
    );

    expect(outcomes).toMatchObject([{ outcome: 'over-quota' }]);
    const inbox = await world.store.listFolder(address, 'inbox', 100);
    expect(inbox.items).toEqual([
      expect.objectContaining({
        subject: 'Your mailbox is full: new mail is being returned to its senders',
        size: 0,
      }),
    ]);
    expect(await world.store.getMailbox(address)).toMatchObject({
      usedBytes: 150_000,
      messageCount: 1,
      quotaNoticeLevel: 100,
    });
  });
});

describe('a message deleted for good', () => {
  it('is not brought back, nor charged again, by a redelivery of its notification', async () => {
    const address = 'tidy@quota.test';
    await world.addMailbox(address, tenant.id, QUOTA);
    const notification = await world.receive(simpleMail('Delete me'), { recipients: [address] });
    const deps = ingestDepsOf(world);
    const [first] = await ingestMessage(notification, deps);
    const deletedAt = new Date();

    expect(await quota.purgeMessage(address, first!.messageId!, deletedAt)).toMatchObject({
      deleted: true,
    });
    const redelivered = await ingestMessage(notification, deps);

    expect(redelivered).toMatchObject([{ outcome: 'duplicate' }]);
    expect(await world.store.getMessage(address, first!.messageId!)).toBeUndefined();
    expect((await world.store.listFolder(address, 'inbox', 10)).items).toEqual([]);
    expect(await world.store.getMailbox(address)).toMatchObject({
      usedBytes: 0,
      messageCount: 0,
    });
    const tombstone = await world.documents.send(
      new GetCommand({
        TableName: world.names.table,
        Key: keys.tombstone(address, first!.messageId!),
      }),
    );
    expect(tombstone.Item?.expiresAt).toBe(
      Math.floor(deletedAt.getTime() / 1000) + TOMBSTONE_TTL_SECONDS,
    );
  });
});
