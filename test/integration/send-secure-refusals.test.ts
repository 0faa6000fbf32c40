import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { apiEvent } from '@test/support/api-event';
import { useDemoMailboxWorld, type DemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { outboxMessages, sendApiOf, sendDepsOf } from '@test/support/send-deps';

// Issue 10 item 10: a [secure] send refused after its outsiders' records, content object and
// attachment shares were made leaves none of them behind, and gives the share space back.
const TIERS = {
  ...DEFAULT_TIERS,
  commodity: { ...DEFAULT_TIERS.commodity, messagesPerMinute: 1 },
};
const NOW = new Date('2026-12-02T10:00:30.000Z');
const ALICE = { address: 'alice@demo.test', tenantId: 'demo' };

let world: DemoMailboxWorld;
useDemoMailboxWorld((started) => (world = started));
let deps: ReturnType<typeof sendDepsOf>;
let api: ReturnType<typeof sendApiOf>;

beforeAll(() => {
  deps = { ...sendDepsOf(world.world, TIERS), now: () => NOW };
  api = sendApiOf(deps);
});

async function call(routeKey: string, body: unknown) {
  const result = await api(apiEvent({ routeKey, caller: ALICE, body }), {} as Context);
  return {
    status: result.statusCode,
    body: JSON.parse(String(result.body)) as Record<string, unknown>,
  };
}

async function uploaded(content: Buffer): Promise<string> {
  const made = await call('POST /mailboxes/me/uploads', {
    name: 'results.txt',
    size: content.byteLength,
    contentType: 'text/plain',
  });
  const id = made.body.id as string;
  await world.deps.blobs.put(world.deps.attachmentsBucket, `uploads/${id}`, content, 'text/plain');
  return id;
}

async function secureItems(): Promise<string[]> {
  const found = await world.world.documents.send(
    new ScanCommand({
      TableName: world.world.names.table,
      FilterExpression: 'begins_with(PK, :secure)',
      ExpressionAttributeValues: { ':secure': 'SECURE' },
    }),
  );
  return (found.Items ?? []).map((item) => String(item.PK));
}

async function secureObjects(): Promise<string[]> {
  const listed = await world.world.s3.send(
    new ListObjectsV2Command({ Bucket: world.world.names.shareBucket, Prefix: 'secure/' }),
  );
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

describe('a refused [secure] send', () => {
  it('leaves no record, content or share behind, and gives the share space back', async () => {
    const first = await call('POST /mailboxes/me/send', {
      to: ['jane@outside.example'],
      subject: 'First of the minute',
      secure: true,
      attachments: [{ uploadId: await uploaded(Buffer.from('one\n'.repeat(50))) }],
    });
    expect(first.status).toBe(202);
    const itemsBefore = await secureItems();
    const objectsBefore = await secureObjects();
    const spaceBefore = (await world.deps.store.getMailbox('alice@demo.test'))?.shareBytesUsed;
    expect(itemsBefore.length).toBeGreaterThan(0);
    expect(objectsBefore).toHaveLength(1);
    const sentBefore = new Set(outboxMessages(deps.outboxDir).map((m) => m.name));

    const refused = await call('POST /mailboxes/me/send', {
      to: ['jane@outside.example', 'raj@elsewhere.example'],
      subject: 'Over the minute [secure]',
      text: 'never leaves',
      attachments: [{ uploadId: await uploaded(Buffer.from('two\n'.repeat(50))) }],
    });
    expect(refused).toMatchObject({ status: 429, body: { code: 'SendLimitExceeded' } });
    expect(await secureItems()).toEqual(itemsBefore);
    expect(await secureObjects()).toEqual(objectsBefore);
    expect((await world.deps.store.getMailbox('alice@demo.test'))?.shareBytesUsed).toBe(
      spaceBefore,
    );
    expect(outboxMessages(deps.outboxDir, sentBefore)).toEqual([]);
  });

  it('is refused, not sent in clear, where secure delivery is not available', async () => {
    const { secure: _none, ...withoutSecure } = deps;
    const plain = sendApiOf({ ...withoutSecure, now: () => new Date('2026-12-02T11:00:00Z') });
    const before = new Set(outboxMessages(deps.outboxDir).map((m) => m.name));
    const result = await plain(
      apiEvent({
        routeKey: 'POST /mailboxes/me/send',
        caller: ALICE,
        body: { to: ['jane@outside.example'], subject: '[secure] results', text: 'private' },
      }),
      {} as Context,
    );
    expect(result.statusCode).toBe(409);
    expect(JSON.parse(String(result.body))).toMatchObject({ code: 'SecureUnavailable' });
    expect(outboxMessages(deps.outboxDir, before)).toEqual([]);
  });
});
