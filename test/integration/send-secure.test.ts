import { beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { DynamoSecureMessages } from '@shared/store/dynamo-secure-messages';
import { apiEvent } from '@test/support/api-event';
import { useDemoMailboxWorld, type DemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { outboxMessages, sendApiOf, sendDepsOf } from '@test/support/send-deps';

// [secure] delivery (issue 10, item 10), reviewed against hostile and edge-case sends: what an
// outsider may receive in clear, and what a refused secure send leaves behind.
const TIERS = {
  ...DEFAULT_TIERS,
  commodity: { ...DEFAULT_TIERS.commodity, messagesPerMinute: 2 },
};
const NOW = new Date('2026-12-02T10:00:30.000Z');

let world: DemoMailboxWorld;
useDemoMailboxWorld((started) => (world = started));
let deps: ReturnType<typeof sendDepsOf>;
let api: ReturnType<typeof sendApiOf>;

beforeAll(async () => {
  deps = {
    ...sendDepsOf(world.world, TIERS),
    secure: new DynamoSecureMessages(world.world.documents, world.world.names.table),
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

const outboxNames = () => new Set(outboxMessages(deps.outboxDir).map((m) => m.name));

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
});
