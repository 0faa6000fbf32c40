import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage, type RecipientOutcome } from '@shared/inbound/ingest-message';
import type { RecordedRefusal } from '@shared/inbound/refusals';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { DynamoRefusalLedger } from '@shared/store/dynamo-refusal-ledger';
import { keys } from '@shared/store/keys';
import { fixtureBytes } from '@test/support/fixtures';
import { ingestDepsOf, refusalsFor } from '@test/support/ingest-deps';
import { AUTHENTICATED, startLocalWorld, type LocalWorld } from '@test/support/local-world';

/**
 * Every envelope recipient of an accepted message ends in exactly one of: indexed, quarantined,
 * bounced, or refused with a reason an operator can list; read back from what is stored (the
 * table, the outbox, the refusal records), not from what ingest says it did.
 */
let world: LocalWorld;

beforeAll(async () => {
  world = await startLocalWorld();
  await world.addTenant('demo', ['demo.test']);
  await world.addMailbox('alice@demo.test', 'demo');
  await world.addMailbox('full@demo.test', 'demo', 100);
  // A tenant whose policy blocks PDFs: the same message lands in its member's quarantine.
  await world.tenancy.createTenant({
    id: 'strict',
    name: 'Strict',
    tier: 'commodity',
    domains: ['strict.test'],
    largeMailboxSeats: 0,
    createdAt: new Date().toISOString(),
    attachmentPolicy: { blockedExtensions: ['pdf'] },
  });
  await world.addMailbox('doc@strict.test', 'strict');
});

afterAll(async () => {
  await world?.stop();
});

const RECIPIENTS = [
  'alice@demo.test',
  'doc@strict.test',
  'nobody@demo.test',
  'full@demo.test',
  'someone@released.example',
];

/** What became of each recipient, from the stored state; more than one entry is a defect. */
async function storedFates(
  sesMessageId: string,
  outboxDir: string,
): Promise<Record<string, string[]>> {
  const reports = readdirSync(outboxDir).map((name) => readFileSync(join(outboxDir, name), 'utf8'));
  const refusals = await refusalsFor(world, sesMessageId);
  const fates: Record<string, string[]> = {};
  for (const recipient of RECIPIENTS) {
    const found: string[] = [];
    const message = await world.store.getMessage(
      recipient,
      deriveMessageId(sesMessageId, recipient),
    );
    if (message) found.push(message.folder === 'quarantine' ? 'quarantined' : 'indexed');
    for (const report of reports) {
      if (report.includes(`Final-Recipient: rfc822; ${recipient}`)) found.push('bounced');
    }
    for (const refusal of refusals) {
      if (refusal.recipient === recipient) found.push(`refused: ${refusal.reason}`);
    }
    fates[recipient] = found;
  }
  return fates;
}

/** What ingest reported for each recipient, in the same words. */
function reportedFates(outcomes: RecipientOutcome[]): Record<string, string[]> {
  return Object.fromEntries(
    outcomes.map((o) => {
      const fate = o.refused
        ? `refused: ${o.refused}`
        : o.bounce === 'sent'
          ? 'bounced'
          : o.folder === 'quarantine'
            ? 'quarantined'
            : 'indexed';
      return [o.recipient, [fate]];
    }),
  );
}

/** The whole table and outbox, to show that a redelivery writes nothing. */
async function everything(outboxDir: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await world.documents.send(
      new ScanCommand({
        TableName: world.names.table,
        ConsistentRead: true,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const key = (item: Record<string, unknown>) => `${String(item.PK)}\n${String(item.SK)}`;
  items.sort((a, b) => key(a).localeCompare(key(b)));
  const outbox = readdirSync(outboxDir)
    .sort()
    .map((name) => readFileSync(join(outboxDir, name), 'utf8'));
  return { items, outbox };
}

describe('every recipient of an accepted message is accounted for, exactly once', () => {
  const unauthenticatedBounce = 'refused: bounce-suppressed-unauthenticated';

  it.each([
    [
      'an authenticated sender',
      AUTHENTICATED,
      {
        'alice@demo.test': ['indexed'],
        'doc@strict.test': ['quarantined'],
        'nobody@demo.test': ['bounced'],
        'full@demo.test': ['bounced'],
        'someone@released.example': ['refused: not-hosted'],
      },
    ],
    [
      'a sender nothing authenticates',
      {},
      {
        'alice@demo.test': ['indexed'],
        'doc@strict.test': ['quarantined'],
        'nobody@demo.test': [unauthenticatedBounce],
        'full@demo.test': [unauthenticatedBounce],
        'someone@released.example': ['refused: not-hosted'],
      },
    ],
  ])('from %s, and a redelivery changes nothing', async (_name, verdicts, expected) => {
    const deps = ingestDepsOf(world);
    const notification = await world.receive(fixtureBytes('eml/discharge-summary.eml'), {
      recipients: RECIPIENTS,
      verdicts,
    });

    const outcomes = await ingestMessage(notification, deps);
    const stored = await storedFates(notification.mail.messageId, deps.outboxDir);
    const before = await everything(deps.outboxDir);
    await ingestMessage(notification, deps);
    await Promise.all([ingestMessage(notification, deps), ingestMessage(notification, deps)]);
    const after = await everything(deps.outboxDir);

    expect(stored).toEqual(expected);
    expect(reportedFates(outcomes)).toEqual(expected);
    expect(after).toEqual(before);
  });
});

describe('the refusal records', () => {
  const refusal = (receivedAt: string, recipient: string) => ({
    sesMessageId: `ledger-${receivedAt}`,
    recipient,
    sender: 'carol@partner.example',
    reason: 'not-hosted' as const,
    receivedAt,
  });

  it('are written once, expire after 90 days, and are listed by time across days', async () => {
    const recordedAt = new Date('2026-03-10T12:00:00.000Z');
    const ledger = new DynamoRefusalLedger(world.documents, world.names.table, () => recordedAt);
    const days = [
      '2026-03-07T23:59:59.999Z',
      '2026-03-08T00:00:00.000Z',
      '2026-03-09T10:00:00.000Z',
    ];

    const first = await Promise.all(days.map((at) => ledger.record(refusal(at, 'a@gone.example'))));
    const later = new DynamoRefusalLedger(world.documents, world.names.table, () => new Date());
    const again = await later.record(refusal(days[1]!, 'a@gone.example'));
    const listed: RecordedRefusal[] = [];
    for await (const found of ledger.list(new Date('2026-03-08T00:00:00.000Z'))) listed.push(found);
    const stored = await world.documents.send(
      new GetCommand({
        TableName: world.names.table,
        Key: keys.refusal(days[1]!, `ledger-${days[1]}`, 'a@gone.example'),
      }),
    );

    expect(first).toEqual([true, true, true]);
    expect(again).toBe(false);
    expect(listed.map((r) => r.receivedAt)).toEqual(days.slice(1));
    expect(listed[0]).toEqual({
      ...refusal(days[1]!, 'a@gone.example'),
      recordedAt: recordedAt.toISOString(),
    });
    expect(stored.Item?.expiresAt).toBe(recordedAt.getTime() / 1000 + 90 * 24 * 3600);
  });

  it('list a busy day in full, page after page', async () => {
    const ledger = new DynamoRefusalLedger(world.documents, world.names.table);
    const at = '2026-04-01T09:00:00.000Z';
    // Long addresses (in the key and the item, ~2 KB each), so that 600 pass DynamoDB's 1 MB page.
    const padding = 'x'.repeat(900);
    const recipients = Array.from({ length: 600 }, (_, n) => `r${n}-${padding}@gone.example`);
    for (let n = 0; n < recipients.length; n += 100) {
      await Promise.all(
        recipients
          .slice(n, n + 100)
          .map((r) => ledger.record({ ...refusal(at, r), sesMessageId: 'busy' })),
      );
    }

    let count = 0;
    for await (const found of ledger.list(new Date(at), new Date('2026-04-01T23:00:00.000Z'))) {
      if (found.sesMessageId === 'busy') count += 1;
    }

    expect(count).toBe(recipients.length);
  });
});
