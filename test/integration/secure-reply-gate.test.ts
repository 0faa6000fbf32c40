import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/process-batch';
import { toSqsRecord } from '../../infra/local/ses-envelope';
import { SECURE_REPLY_KEY_PREFIX } from '@shared/config/resource-names';
import { SECURE_REPLY_ID_PREFIX } from '@shared/inbound/secure-reply-gate';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { internalNotification } from '@shared/send/hosted-delivery';
import { secretHash, type SecureRecipient } from '@shared/send/secure-model';
import { DynamoSecureMessages } from '@shared/store/dynamo-secure-messages';
import { keys } from '@shared/store/keys';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { startLocalWorld, type LocalWorld } from '@test/support/local-world';

// [secure] delivery (issue 10, item 10): the public function may publish to the inbound topic,
// so ingest takes a notification named as a secure reply only if the page claimed that reply,
// for the message's sender alone, from the outsider the code proved.
const NOW = new Date('2026-12-02T10:00:00.000Z');
const OUTSIDER = 'jane@outside.example';

let world: LocalWorld;
let secure: DynamoSecureMessages;

beforeAll(async () => {
  world = await startLocalWorld();
  await world.addTenant('demo', ['demo.test']);
  await world.addMailbox('alice@demo.test', 'demo');
  await world.addMailbox('bob@demo.test', 'demo');
  await world.addMailbox('full@demo.test', 'demo', 50);
  secure = new DynamoSecureMessages(world.documents, world.names.table);
});

afterAll(() => world?.stop());

let n = 0;
/** A secure recipient record of `owner`'s, its reply claimed (a code, a session, the claim) or not. */
async function recipientRecord(owner: string, claimed: boolean): Promise<SecureRecipient> {
  n += 1;
  const tokenHash = (n.toString(16) + 'a'.repeat(64)).slice(0, 64);
  const record: SecureRecipient = {
    tokenHash,
    secureId: `s${n}`,
    tenantId: 'demo',
    owner,
    sender: { name: 'Alice', address: owner, organisation: 'Demo' },
    recipient: OUTSIDER,
    sentCopyId: 'c'.repeat(32),
    messageIdHeader: `<sent-${n}@demo.test>`,
    subject: 'Results',
    contentKey: `secure/demo/s${n}.json`,
    attachments: [],
    createdAt: NOW.toISOString(),
    expiresAt: '2026-12-09T10:00:00.000Z',
  };
  await secure.createRecipient(record);
  if (claimed) {
    await secure.setCode(tokenHash, secretHash(tokenHash, '12345678'), '2026-12-02T10:15:00.000Z');
    const session = { hash: secretHash(tokenHash, 'session'), expiresAt: '2026-12-02T10:30:00Z' };
    expect(
      await secure.openSession(tokenHash, secretHash(tokenHash, '12345678'), session, NOW),
    ).toBe(true);
    expect(await secure.claimReply(tokenHash, session.hash, NOW)).toBe(true);
  }
  return record;
}

async function handOver(
  record: SecureRecipient,
  envelope: { from?: string; recipients?: string[]; key?: string } = {},
) {
  const deps = ingestDepsOf(world);
  const key = envelope.key ?? `${SECURE_REPLY_KEY_PREFIX}${record.tokenHash}`;
  const raw = [
    `From: ${OUTSIDER}`,
    `To: ${record.owner}`,
    'Subject: Re: Results',
    `Message-ID: <reply-${record.tokenHash.slice(0, 8)}@demo.test>`,
    `In-Reply-To: ${record.messageIdHeader}`,
    'Date: Wed, 02 Dec 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thank you, received.',
    '',
  ].join('\r\n');
  await world.blobs.put(world.names.rawMailBucket, key, Buffer.from(raw), 'message/rfc822');
  const sesMessageId = `${SECURE_REPLY_ID_PREFIX}${record.tokenHash}`;
  const notification = internalNotification({
    sesMessageId,
    from: envelope.from ?? OUTSIDER,
    recipients: envelope.recipients ?? [record.owner],
    raw: { bucket: world.names.rawMailBucket, key },
    at: NOW,
  });
  const response = await createIngestHandler({ ...deps, secureReplies: secure })({
    Records: [toSqsRecord(notification)],
  });
  expect(response.batchItemFailures).toEqual([]);
  const delivered = async (to: string) =>
    world.store.getMessage(to, deriveMessageId(sesMessageId, to));
  return { delivered, outboxDir: deps.outboxDir };
}

describe('a secure reply handed to ingest', () => {
  it("is indexed into the sender's Inbox when the page claimed it", async () => {
    const record = await recipientRecord('alice@demo.test', true);
    const { delivered } = await handOver(record);
    const message = await delivered('alice@demo.test');
    expect(message?.folder).toBe('inbox');
    expect(message?.from?.address).toBe(OUTSIDER);
  });

  it('is dropped when no reply was claimed for that record', async () => {
    const record = await recipientRecord('alice@demo.test', false);
    const { delivered } = await handOver(record);
    expect(await delivered('alice@demo.test')).toBeUndefined();
  });

  it('is dropped when it names another mailbox, another author or another object', async () => {
    const record = await recipientRecord('alice@demo.test', true);
    const toBob = await handOver(record, { recipients: ['bob@demo.test'] });
    expect(await toBob.delivered('bob@demo.test')).toBeUndefined();
    const both = await handOver(record, { recipients: ['alice@demo.test', 'bob@demo.test'] });
    expect(await both.delivered('bob@demo.test')).toBeUndefined();
    expect(await both.delivered('alice@demo.test')).toBeUndefined();
    const forged = await handOver(record, { from: 'ceo@demo.test' });
    expect(await forged.delivered('alice@demo.test')).toBeUndefined();
    const elsewhere = await handOver(record, {
      key: `${SECURE_REPLY_KEY_PREFIX}${'0'.repeat(64)}`,
    });
    expect(await elsewhere.delivered('alice@demo.test')).toBeUndefined();
  });

  it('is dropped, not retried, for a record made up by an update (no owner, no recipient)', async () => {
    const made = {
      ...(await recipientRecord('alice@demo.test', false)),
      tokenHash: 'f'.repeat(64),
    };
    await world.documents.send(
      new UpdateCommand({
        TableName: world.names.table,
        Key: keys.secureRecipient(made.tokenHash),
        UpdateExpression: 'SET repliedAt = :now',
        ExpressionAttributeValues: { ':now': NOW.toISOString() },
      }),
    );
    const { delivered } = await handOver(made);
    expect(await delivered('alice@demo.test')).toBeUndefined();
  });

  it("bounces to the outsider the code proved when the sender's mailbox is full", async () => {
    const record = await recipientRecord('full@demo.test', true);
    const { delivered, outboxDir } = await handOver(record);
    expect(await delivered('full@demo.test')).toBeUndefined();
    const bounces = readdirSync(outboxDir)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => readFileSync(join(outboxDir, name), 'latin1'));
    expect(bounces).toHaveLength(1);
    expect(bounces[0]).toMatch(new RegExp(`^To: .*${OUTSIDER}`, 'mi'));
  });
});
