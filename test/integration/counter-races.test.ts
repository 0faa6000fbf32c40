import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { deleteMessageForGood } from '@shared/mailbox/delete-message';
import type { FolderId } from '@shared/mailbox/model';
import { reconcileUsage } from '@shared/quota/reconcile';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { keys } from '@shared/store/keys';
import { mailWithAttachments } from '@test/support/hostile-mail';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';
import { mentions, racingDocuments } from '@test/support/racing-documents';

let world: LocalWorld;
let deps: ReturnType<typeof ingestDepsOf>;

beforeAll(async () => {
  world = await startLocalWorld();
  deps = ingestDepsOf(world);
  await world.addTenant('race', ['race.test']);
});

afterAll(async () => {
  await world?.stop();
});

async function folderCounters(address: string, folder: FolderId) {
  const result = await world.documents.send(
    new GetCommand({ TableName: world.names.table, Key: keys.folder(address, folder) }),
  );
  return { total: result.Item?.total as number, unread: result.Item?.unread as number };
}

async function deliver(address: string, subject: string) {
  const notification = await world.receive(simpleMail(subject), { recipients: [address] });
  const [outcome] = await ingestMessage(notification, deps);
  return outcome!.messageId!;
}

/** What the coming flag and move operations will write: the item and its counters, together. */
async function markRead(address: string, id: string) {
  await world.documents.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: world.names.table,
            Key: keys.message(address, id),
            UpdateExpression: 'SET unread = :false',
            ConditionExpression: 'unread = :true',
            ExpressionAttributeValues: { ':false': false, ':true': true },
          },
        },
        {
          Update: {
            TableName: world.names.table,
            Key: keys.folder(address, 'inbox'),
            UpdateExpression: 'ADD unread :minusOne',
            ExpressionAttributeValues: { ':minusOne': -1 },
          },
        },
      ],
    }),
  );
}

async function moveToJunk(address: string, id: string) {
  const counter = (folder: FolderId, by: number) => ({
    Update: {
      TableName: world.names.table,
      Key: keys.folder(address, folder),
      UpdateExpression: 'ADD #total :by, unread :by',
      ExpressionAttributeNames: { '#total': 'total' },
      ExpressionAttributeValues: { ':by': by },
    },
  });
  await world.documents.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: world.names.table,
            Key: keys.message(address, id),
            UpdateExpression: 'SET folder = :junk',
            ConditionExpression: 'folder = :inbox',
            ExpressionAttributeValues: { ':junk': 'junk', ':inbox': 'inbox' },
          },
        },
        counter('inbox', -1),
        counter('junk', 1),
      ],
    }),
  );
}

describe('deleting for good while the message changes', () => {
  it.each([
    ['marked read', markRead],
    ['moved to junk', moveToJunk],
  ] as const)(
    'is retried from a fresh read when it was %s meanwhile, so no counter drifts',
    async (what, change) => {
      const address = `${what.replace(/\W/g, '-')}@race.test`;
      await world.addMailbox(address, 'race');
      const id = await deliver(address, `Changing under the delete: ${what}`);
      let changed = false;
      const racing = racingDocuments(world, {
        // After the delete read the message and before its transaction: the change lands.
        before: async (input) => {
          if (!changed && 'TransactItems' in input && mentions(input, `MSG#${id}`)) {
            changed = true;
            await change(address, id);
          }
        },
      });
      const deletion = {
        ...deps,
        deletions: new DynamoQuotaStore(racing, world.names.table),
      };

      expect(await deleteMessageForGood(deletion, address, id)).toBe(true);

      expect(changed).toBe(true);
      for (const folder of ['inbox', 'junk'] as const) {
        expect(await folderCounters(address, folder)).toEqual({ total: 0, unread: 0 });
      }
      expect(await world.store.getMailbox(address)).toMatchObject({
        usedBytes: 0,
        messageCount: 0,
      });
      racing.destroy();
    },
  );
});

describe('the last delete racing a redelivery that indexes another recipient', () => {
  it('keeps the bytes for the new recipient: the reference count is conditioned on what was read', async () => {
    const alice = 'alice@race.test';
    const carol = 'carol@race.test';
    await world.addMailbox(alice, 'race');
    const notification = await world.receive(
      mailWithAttachments('Referral', [{ filename: 'letter.pdf', content: '%PDF-1.4' }]),
      { recipients: [alice, carol] },
    );
    const ses = notification.mail.messageId;
    const first = await ingestMessage(notification, deps);
    expect(first.map((o) => o.outcome)).toEqual(['indexed', 'no-mailbox']);
    // Carol's mailbox appears; the notification comes again (SQS at least once).
    await world.addMailbox(carol, 'race');
    let redelivered: Awaited<ReturnType<typeof ingestMessage>> | undefined;
    const racing = racingDocuments(world, {
      before: async (input) => {
        if (!redelivered && 'TransactItems' in input && mentions(input, `STORED#${ses}`)) {
          redelivered = await ingestMessage(notification, deps);
        }
      },
    });
    const deletion = { ...deps, deletions: new DynamoQuotaStore(racing, world.names.table) };

    expect(await deleteMessageForGood(deletion, alice, first[0]!.messageId!)).toBe(true);

    expect(redelivered?.map((o) => o.outcome)).toEqual(['duplicate', 'indexed']);
    const stored = new DynamoStoredMessages(world.documents, world.names.table);
    expect(await stored.getStored(ses)).toMatchObject({ refs: 1, delivered: true });
    expect(await stored.getStored(ses)).not.toHaveProperty('purge');
    const part = await world.blobs.get(world.names.attachmentsBucket, `attachments/${ses}/1`);
    expect(Buffer.from(part).toString()).toBe('%PDF-1.4');
    racing.destroy();
  });
});

/** Reconcile's query of a mailbox's messages (it reads the folder items first, then these). */
const readsMessagesOf = (input: object, address: string) =>
  'KeyConditionExpression' in input && mentions(input, `MBX#${address}`) && mentions(input, 'MSG#');

describe('reconcile racing a delivery and a delete', () => {
  it('does not write totals computed from a mailbox that changed between its read and its write', async () => {
    const address = 'busy@race.test';
    await world.addMailbox(address, 'race');
    await deliver(address, 'Already there');
    let arrived: string | undefined;
    const racing = racingDocuments(world, {
      // A message arrives while reconcile reads the mailbox's messages, and is deleted again
      // before reconcile writes: the totals are back where they were, the messages it read are not.
      before: async (input) => {
        if (!arrived && readsMessagesOf(input, address)) {
          arrived = await deliver(address, 'Passing through');
        }
      },
      after: async (input) => {
        if (arrived && readsMessagesOf(input, address)) {
          const quota = new DynamoQuotaStore(world.documents, world.names.table);
          await deleteMessageForGood({ ...deps, deletions: quota }, address, arrived);
        }
      },
    });
    const quota = new DynamoQuotaStore(racing, world.names.table);

    const report = await reconcileUsage(quota, { repair: true });

    const drift = report.drifted.find((d) => d.address === address);
    expect(drift?.result).toBe('changed-meanwhile');
    const stored = await new DynamoQuotaStore(world.documents, world.names.table).sumMessages(
      address,
    );
    expect(await world.store.getMailbox(address)).toMatchObject({
      usedBytes: stored.usedBytes,
      messageCount: 1,
    });
    racing.destroy();
  });
});
