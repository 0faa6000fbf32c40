import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { keys } from '@shared/store/keys';
import { apiEvent } from '@test/support/api-event';
import { useDemoMailboxWorld, type DemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { outboxMessages, sendApiOf, sendDepsOf } from '@test/support/send-deps';

// [secure] delivery (issue 10, item 10), reviewed against hostile and edge-case sends: what an
// outsider may receive in clear, and what a refused secure send leaves behind.
const TIERS = {
  ...DEFAULT_TIERS,
  // Files over 4 kB leave as links (the `linked` path).
  commodity: { ...DEFAULT_TIERS.commodity, attachmentLinkBytes: 4000 },
};
const NOW = new Date('2026-12-02T10:00:30.000Z');

let world: DemoMailboxWorld;
useDemoMailboxWorld((started) => (world = started));
let deps: ReturnType<typeof sendDepsOf>;
let api: ReturnType<typeof sendApiOf>;

beforeAll(async () => {
  deps = {
    ...sendDepsOf(world.world, TIERS),
    now: () => NOW,
  };
  api = sendApiOf(deps);
  await world.world.addMailbox('bob@demo.test', 'demo');
});

async function call(from: string, routeKey: string, body?: unknown) {
  const caller = { address: from, tenantId: 'demo' };
  const result = await api(apiEvent({ routeKey, caller, body }), {} as Context);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: JSON.parse(String(result.body)) as Record<string, unknown>,
  };
}
const send = (from: string, body: unknown) => call(from, 'POST /mailboxes/me/send', body);

/** An upload of the caller's, PUT to the object store as a client would. */
async function upload(from: string, bytes: Buffer, name: string): Promise<string> {
  const made = await call(from, 'POST /mailboxes/me/uploads', {
    name,
    size: bytes.byteLength,
    contentType: 'text/plain',
  });
  const put = await fetch(made.body.url as string, {
    method: 'PUT',
    headers: { 'content-type': 'text/plain' },
    body: bytes,
  });
  expect(put.ok).toBe(true);
  return made.body.id as string;
}

const outboxNames = () => new Set(outboxMessages(deps.outboxDir).map((m) => m.name));

async function secureRecordsOf(owner: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await world.world.documents.send(
      new ScanCommand({ TableName: world.world.names.table, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      if (String(item.PK).startsWith('SECURE#') && item.owner === owner) found.push(item);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

async function shareBytesUsed(owner: string): Promise<number> {
  const { Item } = await world.world.documents.send(
    new GetCommand({ TableName: world.world.names.table, Key: keys.mailbox(owner) }),
  );
  return Number(Item?.shareBytesUsed ?? 0);
}

describe('[secure] delivery, hostile review', () => {
  it('a reply to a [secure] message keeps it secure when the subject is left to the server', async () => {
    await world.world.addMailbox('carol@demo.test', 'demo');
    const first = await send('carol@demo.test', {
      to: ['bob@demo.test'],
      subject: '[secure] Ward 7 results',
      text: 'hosted only',
    });
    expect(first.status).toBe(202);
    const secret = `platypus-${Date.now()}`;
    const before = outboxNames();
    // No subject: the server makes it "Re: [secure] Ward 7 results".
    const reply = await send('carol@demo.test', {
      replyTo: first.body.id,
      to: ['jane@outside.example'],
      text: `The numbers: ${secret}`,
    });
    expect(reply.status).toBe(202);
    const left = outboxMessages(deps.outboxDir, before);
    expect(left.length).toBe(1);
    expect(left[0]!.eml.toString('latin1')).not.toContain(secret);
    expect(left[0]!.eml.toString('latin1')).toMatch(/\/m\/[A-Za-z0-9_-]{43}/);
  });

  it('hosted recipients get a message whose large file went as a link; a Bcc outsider only the page', async () => {
    await world.world.addMailbox('erin@demo.test', 'demo');
    const secret = `numbat-${Date.now()}`;
    const uploadId = await upload('erin@demo.test', Buffer.from('x'.repeat(6000)), 'big.txt');
    const before = outboxNames();
    const sent = await send('erin@demo.test', {
      to: ['bob@demo.test'],
      bcc: ['jane@outside.example'],
      subject: `[secure] large ${secret}`,
      text: `body ${secret}`,
      attachments: [{ uploadId }],
    });
    expect(sent.status).toBe(202);
    const left = outboxMessages(deps.outboxDir, before);
    expect(left.map((m) => m.envelopeTo)).toEqual([['jane@outside.example']]);
    expect(left[0]!.eml.toString('latin1')).not.toContain(secret);
    expect(left[0]!.eml.toString('latin1')).toContain('1 file(s)');

    const caller = { address: 'bob@demo.test', tenantId: 'demo' };
    const list = await world.api(
      apiEvent({ routeKey: 'GET /mailboxes/me/messages', caller }),
      {} as Context,
    );
    const items = (JSON.parse(String(list.body)) as { items: { id: string; subject: string }[] })
      .items;
    const atBob = items.find((m) => m.subject.includes(secret))!;
    const read = await world.api(
      apiEvent({
        routeKey: 'GET /mailboxes/me/messages/{id}',
        caller,
        pathParameters: { id: atBob.id },
      }),
      {} as Context,
    );
    const message = JSON.parse(String(read.body)) as { text: string; bcc?: unknown };
    expect(message.text).toContain(`body ${secret}`);
    expect(message.text).toMatch(/big\.txt \(6 KB\): http:\/\/localhost\/s\/[A-Za-z0-9_-]{43}/);
    expect(JSON.stringify(message)).not.toContain('jane@outside.example');

    const records = (await secureRecordsOf('erin@demo.test')) as {
      recipient: string;
      attachments: { name: string }[];
    }[];
    expect(records.map((r) => [r.recipient, r.attachments.map((a) => a.name)])).toEqual([
      ['jane@outside.example', ['big.txt']],
    ]);
  });

  it('a secure send whose Sent copy cannot be stored leaves no record, share or share space', async () => {
    await world.world.addMailbox('fay@demo.test', 'demo');
    // 420 Bcc outsiders with long (valid) addresses: the Sent copy keeps each in its Bcc, its
    // delivery statuses and its secure recipients, past what one item may hold.
    const domain = `${Array.from({ length: 4 }, (_, i) => `${i}${'d'.repeat(58)}`).join('.')}.example`;
    const bcc = Array.from(
      { length: 420 },
      (_, i) => `${String(i).padStart(3, '0')}${'l'.repeat(61)}@${domain}`,
    );
    const uploadId = await upload('fay@demo.test', Buffer.from('results\n'.repeat(50)), 'r.txt');
    const before = outboxNames();
    const refused = await send('fay@demo.test', {
      to: ['bob@demo.test'],
      bcc,
      subject: '[secure] too wide',
      text: 'never',
      attachments: [{ uploadId }],
    });
    // A clear refusal, not a 500: the message is too large to keep as a Sent copy.
    expect(refused).toMatchObject({ status: 413, body: { code: 'ItemTooLarge' } });
    expect(outboxMessages(deps.outboxDir, before)).toEqual([]);
    expect(await secureRecordsOf('fay@demo.test')).toEqual([]);
    expect(await shareBytesUsed('fay@demo.test')).toBe(0);
  });
});
