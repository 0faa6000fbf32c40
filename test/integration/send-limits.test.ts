import { beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { apiEvent } from '@test/support/api-event';
import { useDemoMailboxWorld, type DemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { outboxMessages, sendApiOf, sendDepsOf } from '@test/support/send-deps';

/** Small limits, so that each one is reached in a few sends. */
const TIERS = {
  ...DEFAULT_TIERS,
  commodity: {
    ...DEFAULT_TIERS.commodity,
    maxRecipientsPerMessage: 3,
    messagesPerMinute: 2,
    recipientsPerDay: 5,
  },
};

const NOW = new Date('2026-12-02T10:00:30.000Z');

let world: DemoMailboxWorld;
useDemoMailboxWorld((started) => (world = started));
let deps: ReturnType<typeof sendDepsOf>;
let api: ReturnType<typeof sendApiOf>;

beforeAll(async () => {
  // One instant for the whole file: no minute or day can end between two sends of a test.
  deps = { ...sendDepsOf(world.world, TIERS), now: () => NOW };
  api = sendApiOf(deps);
  await world.world.addMailbox('bob@demo.test', 'demo');
});

async function send(from: string, body: unknown) {
  const caller = { address: from, tenantId: 'demo' };
  const result = await api(
    apiEvent({ routeKey: 'POST /mailboxes/me/send', caller, body }),
    {} as Context,
  );
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: JSON.parse(String(result.body)) as Record<string, unknown>,
  };
}

const recipients = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@partner.example`);
const sentNames = () => new Set(outboxMessages(deps.outboxDir).map((m) => m.name));

describe('sending limits are tier configuration', () => {
  it('refuses a message with more recipients than the tier allows, sending nothing', async () => {
    await world.world.addMailbox('many@demo.test', 'demo');
    const before = sentNames();
    const answer = await send('many@demo.test', { to: recipients(2), bcc: recipients(4).slice(2) });
    expect(answer).toMatchObject({ status: 400, body: { code: 'TooManyRecipients' } });
    expect(outboxMessages(deps.outboxDir, before)).toEqual([]);
  });

  it('answers 429 with Retry-After past the messages a minute', async () => {
    await world.world.addMailbox('busy@demo.test', 'demo');
    for (let i = 0; i < TIERS.commodity.messagesPerMinute; i++) {
      expect((await send('busy@demo.test', { to: ['x@partner.example'] })).status).toBe(202);
    }
    const before = sentNames();
    const over = await send('busy@demo.test', { to: ['x@partner.example'] });
    expect(over).toMatchObject({ status: 429, body: { code: 'SendLimitExceeded' } });
    // The minute 10:00 ends 30 seconds after NOW.
    expect(over.headers['retry-after']).toBe('30');
    expect(outboxMessages(deps.outboxDir, before)).toEqual([]);
  });

  it('answers 429 with Retry-After past the recipients a day', async () => {
    await world.world.addMailbox('wide@demo.test', 'demo');
    expect((await send('wide@demo.test', { to: recipients(3) })).status).toBe(202);
    const over = await send('wide@demo.test', { to: recipients(3) });
    expect(over).toMatchObject({ status: 429, body: { code: 'SendLimitExceeded' } });
    // The UTC day ends 13 h 59 min 30 s after NOW.
    expect(over.headers['retry-after']).toBe(String(14 * 3600 - 30));
  });

  it('refuses with 409 before anything is sent when the Sent copy would overfill the mailbox', async () => {
    await world.world.addMailbox('full@demo.test', 'demo', 600);
    const before = sentNames();
    const answer = await send('full@demo.test', {
      to: ['bob@demo.test', 'x@partner.example'],
      subject: 'Too big for my mailbox',
      text: 'y'.repeat(2_000),
    });
    expect(answer).toMatchObject({ status: 409, body: { code: 'MailboxFull' } });
    expect(outboxMessages(deps.outboxDir, before)).toEqual([]);
    const bob = await world.deps.store.listFolder('bob@demo.test', 'inbox', 100);
    expect(bob.items.some((m) => m.subject === 'Too big for my mailbox')).toBe(false);
    const full = await world.deps.store.getMailbox('full@demo.test');
    expect(full?.usedBytes).toBe(0);
  });
});
