import { beforeAll, describe, expect, it } from 'vitest';
import type { Context, SQSRecord } from 'aws-lambda';
import type { MessageRecord } from '@shared/mailbox/model';
import { EICAR } from '@shared/scan/content-checks';
import { DynamoBounceLedger } from '@shared/store/dynamo-bounce-ledger';
import type { SesEventDeps } from '@shared/send/ses-events';
import { apiEvent } from '@test/support/api-event';
import { useDemoMailboxWorld, type DemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { sendApiOf, sendDepsOf } from '@test/support/send-deps';
import { createSendEventsHandler } from '../../functions/send-events/process-events';

const ALICE = { address: 'alice@demo.test', tenantId: 'demo' };

let world: DemoMailboxWorld;
useDemoMailboxWorld((started) => (world = started));
let deps: ReturnType<typeof sendDepsOf>;
let events: ReturnType<typeof createSendEventsHandler>;

beforeAll(() => {
  deps = sendDepsOf(world.world);
  const eventDeps: SesEventDeps = {
    store: world.deps.store,
    blobs: world.deps.blobs,
    attachmentsBucket: world.deps.attachmentsBucket,
    storedMessages: world.deps.storedMessages,
    state: deps.state,
    reports: new DynamoBounceLedger(world.world.documents, world.world.names.table),
  };
  events = createSendEventsHandler(eventDeps);
});

/** Sends to `to` from alice; the Sent copy's id and the SES id its outside copy got. */
async function sendTo(to: string[]): Promise<{ id: string; sesId: string }> {
  const api = sendApiOf(deps);
  const event = apiEvent({ routeKey: 'POST /mailboxes/me/send', caller: ALICE, body: { to } });
  const result = await api(event, {} as Context);
  expect(result.statusCode).toBe(202);
  const { id } = JSON.parse(String(result.body)) as { id: string };
  const copy = (await world.deps.store.getMessage(ALICE.address, id)) as MessageRecord;
  return { id, sesId: copy.outboundIds?.[0] ?? '' };
}

function record(event: Record<string, unknown>): SQSRecord {
  const body = JSON.stringify({ Type: 'Notification', Message: JSON.stringify(event) });
  return { messageId: `m-${Math.random()}`, body } as SQSRecord;
}

async function deliver(event: Record<string, unknown>) {
  return events({ Records: [record(event)] });
}

async function statusOf(id: string, address: string) {
  const copy = (await world.deps.store.getMessage(ALICE.address, id)) as MessageRecord;
  return copy.delivery?.[address];
}

async function reportsFor(address: string) {
  const page = await world.deps.store.listFolder(ALICE.address, 'inbox', 100);
  return page.items.filter((m) => m.subject === `Undeliverable: your message to ${address}`);
}

describe('SES events about sent mail', () => {
  it('records a complaint and suppresses the address for the tenant', async () => {
    const to = 'complainer@partner.example';
    const { id, sesId } = await sendTo([to]);
    const complaint = { complainedRecipients: [{ emailAddress: to }] };
    await deliver({ eventType: 'Complaint', mail: { messageId: sesId }, complaint });
    expect((await statusOf(id, to))?.status).toBe('complained');
    expect(await deps.state.suppressedAmong('demo', [to])).toEqual([to]);
  });

  it('records rejects and delivery delays', async () => {
    const to = 'slow@partner.example';
    const { id, sesId } = await sendTo([to]);
    const delay = { delayType: 'MailboxFull', delayedRecipients: [{ emailAddress: to }] };
    await deliver({ eventType: 'DeliveryDelay', mail: { messageId: sesId }, deliveryDelay: delay });
    expect(await statusOf(id, to)).toMatchObject({ status: 'delayed', detail: 'MailboxFull' });
    const reject = { reason: 'Bad content' };
    await deliver({ eventType: 'Reject', mail: { messageId: sesId, destination: [to] }, reject });
    expect(await statusOf(id, to)).toMatchObject({ status: 'rejected', detail: 'Bad content' });
  });

  it('reports a bounce once however often SQS delivers it; a transient one suppresses nothing', async () => {
    const to = 'away@partner.example';
    const { id, sesId } = await sendTo([to]);
    const bounce = {
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      bouncedRecipients: [{ emailAddress: to, status: '4.2.2' }],
    };
    const event = { eventType: 'Bounce', mail: { messageId: sesId }, bounce };
    await deliver(event);
    await deliver(event);
    expect((await statusOf(id, to))?.status).toBe('bounced');
    expect(await reportsFor(to)).toHaveLength(1);
    expect(await deps.state.suppressedAmong('demo', [to])).toEqual([]);
  });

  it('drops events about mail it did not send, and fails a record it cannot read', async () => {
    const unknown = await deliver({ eventType: 'Delivery', mail: { messageId: 'not-ours' } });
    expect(unknown.batchItemFailures).toEqual([]);
    const broken = await events({ Records: [{ messageId: 'x', body: '{' } as SQSRecord] });
    expect(broken.batchItemFailures).toEqual([{ itemIdentifier: 'x' }]);
  });
});

describe('delivery through SES', () => {
  it('splits outside recipients into calls of at most 50', async () => {
    const calls: number[] = [];
    const counting = {
      ...deps,
      outbound: {
        send: (message: { from: string; to: string[]; raw: Uint8Array }) => {
          calls.push(message.to.length);
          return deps.outbound.send(message);
        },
      },
    };
    const to = Array.from({ length: 120 }, (_, i) => `p${i}@partner.example`);
    const event = apiEvent({
      routeKey: 'POST /mailboxes/me/send',
      caller: ALICE,
      body: { to: [...to, 'alice@demo.test'] },
    });
    const result = await sendApiOf(counting)(event, {} as Context);
    expect(result.statusCode).toBe(202);
    expect(calls).toEqual([50, 50, 20]);
  });

  it('refuses an attachment the tenant blocks, or a virus, with 409 MessageBlocked, sending nothing', async () => {
    const api = sendApiOf(deps);
    const calls: number[] = [];
    const watched = { ...deps, outbound: { send: async () => (calls.push(1), 'never') } };
    for (const [name, content] of [
      ['setup.exe', Buffer.from('MZ not really a program')],
      ['note.txt', Buffer.from(EICAR)],
    ] as const) {
      const created = await api(
        apiEvent({
          routeKey: 'POST /mailboxes/me/uploads',
          caller: ALICE,
          body: { name, size: content.byteLength, contentType: 'application/octet-stream' },
        }),
        {} as Context,
      );
      const { id } = JSON.parse(String(created.body)) as { id: string };
      await world.deps.blobs.put(world.deps.attachmentsBucket, `uploads/${id}`, content, 'x/y');
      const result = await sendApiOf(watched)(
        apiEvent({
          routeKey: 'POST /mailboxes/me/send',
          caller: ALICE,
          body: { to: ['out@partner.example'], attachments: [{ uploadId: id }] },
        }),
        {} as Context,
      );
      expect([result.statusCode, JSON.parse(String(result.body)).code], name).toEqual([
        409,
        'MessageBlocked',
      ]);
    }
    expect(calls).toEqual([]);
  });

  it('refuses a message larger than the tier allows (413), sending nothing', async () => {
    const small = { ...deps.tiers.commodity, maxMessageBytes: 2_000 };
    const limited = { ...deps, tiers: { ...deps.tiers, commodity: small } };
    const calls: number[] = [];
    limited.outbound = { send: async () => (calls.push(1), 'never') };
    const event = apiEvent({
      routeKey: 'POST /mailboxes/me/send',
      caller: ALICE,
      body: { to: ['big@partner.example'], text: 'x'.repeat(5_000) },
    });
    const result = await sendApiOf(limited)(event, {} as Context);
    expect(result.statusCode).toBe(413);
    expect(JSON.parse(String(result.body)).code).toBe('MessageTooLarge');
    expect(calls).toEqual([]);
  });
});
