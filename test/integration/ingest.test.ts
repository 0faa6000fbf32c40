import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  AccountSuspendedException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/process-batch';
import { INLINE_BODY_BYTES, ingestMessage } from '@shared/inbound/ingest-message';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { keys } from '@shared/store/keys';
import { toSqsRecord } from '../../infra/local/ses-envelope';
import { fixtureBytes } from '@test/support/fixtures';
import { ingestDepsOf, refusalsFor } from '@test/support/ingest-deps';
import {
  AUTHENTICATED,
  simpleMail,
  startLocalWorld,
  type LocalWorld,
} from '@test/support/local-world';

let world: LocalWorld;
let deps: Parameters<typeof ingestMessage>[1];

beforeAll(async () => {
  world = await startLocalWorld();
  deps = ingestDepsOf(world);
  await world.addTenant('demo', ['demo.test']);
  await world.addMailbox('alice@demo.test', 'demo');
  await world.addMailbox('bob@demo.test', 'demo');
  await world.addMailbox('tiny@demo.test', 'demo', 2_000);
});

afterAll(async () => {
  await world?.stop();
});

async function item(pk: string, sk: string) {
  const result = await world.documents.send(
    new GetCommand({ TableName: world.names.table, Key: { PK: pk, SK: sk } }),
  );
  return result.Item;
}

describe('ingest against DynamoDB Local and s3rver', () => {
  it('indexes one message per hosted envelope recipient, with quota and folder counters', async () => {
    const raw = fixtureBytes('eml/discharge-summary.eml');
    const notification = await world.receive(raw, {
      recipients: ['alice@demo.test', 'bob@demo.test'],
    });
    const aliceBefore = await world.store.getMailbox('alice@demo.test');

    const outcomes = await ingestMessage(notification, deps);

    expect(outcomes.map((o) => o.outcome)).toEqual(['indexed', 'indexed']);
    const aliceId = deriveMessageId(notification.mail.messageId, 'alice@demo.test');
    const message = await world.store.getMessage('alice@demo.test', aliceId);
    expect(message).toMatchObject({
      subject: 'Discharge summary for ward 7 — Mr Jönsson',
      folder: 'inbox',
      size: raw.byteLength,
      hasAttachments: true,
      attachments: [{ filename: 'summary.pdf', contentType: 'application/pdf' }],
      verdicts: { spam: 'GRAY' },
    });
    const bobId = deriveMessageId(notification.mail.messageId, 'bob@demo.test');
    expect(await world.store.getMessage('bob@demo.test', bobId)).toBeDefined();
    const aliceAfter = await world.store.getMailbox('alice@demo.test');
    expect(aliceAfter!.usedBytes - aliceBefore!.usedBytes).toBe(raw.byteLength);
    expect(aliceAfter!.messageCount - aliceBefore!.messageCount).toBe(1);
    expect(await item(keys.folder('alice@demo.test', 'inbox').PK, 'FOLDER#inbox')).toMatchObject({
      total: 1,
      unread: 1,
    });
  });

  it('changes nothing when the same notification is delivered again', async () => {
    const notification = await world.receive(simpleMail('Redelivered'), {
      recipients: ['alice@demo.test'],
    });
    await ingestMessage(notification, deps);
    const before = await world.store.getMailbox('alice@demo.test');
    const folderBefore = await item('MBX#alice@demo.test', 'FOLDER#inbox');

    const again = await ingestMessage(notification, deps);

    expect(again.map((o) => o.outcome)).toEqual(['duplicate']);
    expect(await world.store.getMailbox('alice@demo.test')).toEqual(before);
    expect(await item('MBX#alice@demo.test', 'FOLDER#inbox')).toEqual(folderBefore);
  });

  it('indexes once when one notification arrives five times at once', async () => {
    const notification = await world.receive(simpleMail('Concurrent'), {
      recipients: ['bob@demo.test'],
    });
    const before = await world.store.getMailbox('bob@demo.test');

    const results = await Promise.all(
      Array.from({ length: 5 }, () => ingestMessage(notification, deps)),
    );

    const outcomes = results.flat().map((o) => o.outcome);
    expect(outcomes.filter((o) => o === 'indexed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(4);
    const after = await world.store.getMailbox('bob@demo.test');
    expect(after!.messageCount - before!.messageCount).toBe(1);
  });

  it('does not index a message that would pass the quota, and says so', async () => {
    const notification = await world.receive(simpleMail('Too big', 'x'.repeat(3_000)), {
      recipients: ['tiny@demo.test'],
    });

    const outcomes = await ingestMessage(notification, deps);

    expect(outcomes).toMatchObject([{ recipient: 'tiny@demo.test', outcome: 'over-quota' }]);
    expect(await world.store.getMailbox('tiny@demo.test')).toMatchObject({ usedBytes: 0 });
  });

  it('reports hosted addresses without a mailbox and other domains apart', async () => {
    const notification = await world.receive(simpleMail('Strangers'), {
      recipients: ['nobody@demo.test', 'someone@elsewhere.example'],
    });

    const outcomes = await ingestMessage(notification, deps);

    expect(outcomes.map((o) => o.outcome)).toEqual(['no-mailbox', 'not-hosted']);
    expect(await refusalsFor(world, notification.mail.messageId)).toMatchObject([
      { recipient: 'nobody@demo.test', reason: 'bounce-suppressed-unauthenticated' },
      { recipient: 'someone@elsewhere.example', reason: 'not-hosted' },
    ]);
  });

  it('moves a large body out of the item into the attachments bucket', async () => {
    const body = 'Long clinical letter. '.repeat(Math.ceil((INLINE_BODY_BYTES * 2) / 22));
    const notification = await world.receive(simpleMail('Long letter', body), {
      recipients: ['alice@demo.test'],
    });

    await ingestMessage(notification, deps);

    const id = deriveMessageId(notification.mail.messageId, 'alice@demo.test');
    const record = await world.store.getMessage('alice@demo.test', id);
    expect(record?.text).toBeUndefined();
    expect(record?.bodyKey).toBe(`bodies/${notification.mail.messageId}.json`);
    const stored = await world.blobs.get(world.names.attachmentsBucket, record!.bodyKey!);
    expect(JSON.parse(Buffer.from(stored).toString()).text).toContain('Long clinical letter.');
  });

  it('reports a failing record alone and keeps the rest of the batch', async () => {
    const handler = createIngestHandler(deps);
    const good = await world.receive(simpleMail('Good record'), { recipients: ['bob@demo.test'] });
    const missingRaw = { ...good, mail: { ...good.mail, messageId: 'gone' } };
    missingRaw.receipt = {
      ...good.receipt,
      action: { ...good.receipt.action, objectKey: 'inbound/does-not-exist' },
    };
    const records = [
      toSqsRecord(good),
      toSqsRecord(missingRaw),
      { ...toSqsRecord(good), body: '{' },
    ];

    const response = await handler({ Records: records });

    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [records[1]!.messageId, records[2]!.messageId].sort(),
    );
    const id = deriveMessageId(good.mail.messageId, 'bob@demo.test');
    expect(await world.store.getMessage('bob@demo.test', id)).toMatchObject({
      subject: 'Good record',
    });
  });
});

describe('bounces that cannot be sent', () => {
  /** A mailer that fails every send with `error`, counting the attempts. */
  function failingMailer(error: Error) {
    const mailer = {
      attempts: 0,
      async send(): Promise<string> {
        mailer.attempts += 1;
        throw error;
      },
    };
    return mailer;
  }
  const serviceError = (Type: new (opts: never) => Error, status: number) =>
    new Type({ message: `SES says ${status}`, $metadata: { httpStatusCode: status } } as never);

  it.each([
    ['MessageRejected', serviceError(MessageRejected, 400)],
    ['MailFromDomainNotVerifiedException', serviceError(MailFromDomainNotVerifiedException, 400)],
    ['SendingPausedException', serviceError(SendingPausedException, 400)],
    ['AccountSuspendedException', serviceError(AccountSuspendedException, 400)],
  ])(
    'delivers to the later recipients when SES refuses the bounce for good (%s), and does not retry it',
    async (_name, error) => {
      const mailer = failingMailer(error);
      const failing = ingestDepsOf(world, { mailer });
      const notification = await world.receive(simpleMail('Refused bounce'), {
        recipients: ['nobody@demo.test', 'alice@demo.test'],
        verdicts: AUTHENTICATED,
      });

      const first = await ingestMessage(notification, failing);
      const again = await ingestMessage(notification, failing);

      expect(first).toMatchObject([
        { recipient: 'nobody@demo.test', outcome: 'no-mailbox', bounce: 'not-sent' },
        { recipient: 'alice@demo.test', outcome: 'indexed' },
      ]);
      // The marker stays: a redelivery neither retries the refused bounce nor indexes twice.
      expect(again).toMatchObject([
        { recipient: 'nobody@demo.test', bounce: 'already-sent' },
        { recipient: 'alice@demo.test', outcome: 'duplicate' },
      ]);
      expect(mailer.attempts).toBe(1);
      expect(await refusalsFor(world, notification.mail.messageId)).toMatchObject([
        { recipient: 'nobody@demo.test', reason: 'bounce-not-sent', cause: 'no-mailbox' },
      ]);
      const id = deriveMessageId(notification.mail.messageId, 'alice@demo.test');
      expect(await world.store.getMessage('alice@demo.test', id)).toMatchObject({
        subject: 'Refused bounce',
      });
    },
  );

  it.each([
    ['throttling', serviceError(TooManyRequestsException, 429)],
    [
      'a 5xx answer',
      Object.assign(new Error('Service unavailable'), { $metadata: { httpStatusCode: 503 } }),
    ],
    ['a network failure', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])(
    'indexes every recipient first and throws on %s, so the retry only re-attempts the bounce',
    async (_name, error) => {
      const notification = await world.receive(simpleMail('Transient bounce'), {
        recipients: ['nobody@demo.test', 'alice@demo.test'],
        verdicts: AUTHENTICATED,
      });
      const aliceBefore = await world.store.getMailbox('alice@demo.test');

      await expect(
        ingestMessage(notification, ingestDepsOf(world, { mailer: failingMailer(error) })),
      ).rejects.toBe(error);
      const indexedMeanwhile = await world.store.getMessage(
        'alice@demo.test',
        deriveMessageId(notification.mail.messageId, 'alice@demo.test'),
      );
      const retried = await ingestMessage(notification, deps);

      expect(indexedMeanwhile).toMatchObject({ subject: 'Transient bounce' });
      expect(retried).toMatchObject([
        { recipient: 'nobody@demo.test', bounce: 'sent' },
        { recipient: 'alice@demo.test', outcome: 'duplicate' },
      ]);
      const aliceAfter = await world.store.getMailbox('alice@demo.test');
      expect(aliceAfter!.messageCount - aliceBefore!.messageCount).toBe(1);
    },
  );
});

describe('a batch of records', () => {
  it('is processed one record after another, never several messages in memory at once', async () => {
    // A message is "in memory" from reading its raw copy until it is indexed.
    let inFlight = 0;
    let most = 0;
    const handler = createIngestHandler({
      ...deps,
      blobs: {
        ...world.blobs,
        get: async (bucket, key) => {
          if (bucket === world.names.rawMailBucket) {
            inFlight += 1;
            most = Math.max(most, inFlight);
          }
          return world.blobs.get(bucket, key);
        },
        put: (bucket, key, body, type) => world.blobs.put(bucket, key, body, type),
        delete: (bucket, keys) => world.blobs.delete(bucket, keys),
      },
      store: {
        ...world.store,
        getTenant: (id) => world.store.getTenant(id),
        getMailbox: (address) => world.store.getMailbox(address),
        findTenantIdByDomain: (domain) => world.store.findTenantIdByDomain(domain),
        indexMessage: async (record, quota, options) => {
          const outcome = await world.store.indexMessage(record, quota, options);
          inFlight -= 1;
          return outcome;
        },
      } as typeof world.store,
    });
    const notifications = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        world.receive(simpleMail(`Batch ${n}`), { recipients: ['bob@demo.test'] }),
      ),
    );

    const response = await handler({ Records: notifications.map((n) => toSqsRecord(n)) });

    expect(response.batchItemFailures).toEqual([]);
    expect(most).toBe(1);
    expect(inFlight).toBe(0);
  });
});
