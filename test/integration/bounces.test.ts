import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { gtubeMail } from '@test/support/hostile-mail';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';

let world: LocalWorld;
let deps: IngestDeps & { outboxDir: string };

beforeAll(async () => {
  world = await startLocalWorld();
  deps = ingestDepsOf(world);
  await world.addTenant('demo', ['demo.test']);
  await world.addMailbox('alice@demo.test', 'demo');
  await world.addMailbox('full@demo.test', 'demo', 100);
});

afterAll(async () => {
  await world?.stop();
});

/** The outbox's files by name: bounces are compared by name, the folder's order is arbitrary. */
function outbox(): Map<string, string> {
  return new Map(
    readdirSync(deps.outboxDir).map((name) => [
      name,
      readFileSync(join(deps.outboxDir, name), 'utf8'),
    ]),
  );
}

/** What was written to the outbox since `before`. */
function sentSince(before: Map<string, string>): string[] {
  return [...outbox()].filter(([name]) => !before.has(name)).map(([, text]) => text);
}

describe('bounces', () => {
  it('bounces a hosted address without a mailbox once (5.1.1), however often the notification comes', async () => {
    const before = outbox();
    const notification = await world.receive(simpleMail('To nobody'), {
      recipients: ['alice@demo.test', 'nobody@demo.test'],
    });

    const results = await Promise.all(
      Array.from({ length: 5 }, () => ingestMessage(notification, deps)),
    );

    const forNobody = results.flat().filter((o) => o.recipient === 'nobody@demo.test');
    expect(forNobody.filter((o) => o.bounce === 'sent')).toHaveLength(1);
    expect(forNobody.filter((o) => o.bounce === 'already-sent')).toHaveLength(4);
    const sent = sentSince(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('X-Sesame-Envelope-To: <carol@partner.example>');
    expect(sent[0]).toContain('Status: 5.1.1');
    expect(sent[0]).toContain('From: Mail Delivery System <MAILER-DAEMON@demo.test>');
  });

  it('bounces a message over the quota (5.2.2) once, and indexes nothing', async () => {
    const before = outbox();
    const notification = await world.receive(simpleMail('Too big', 'x'.repeat(500)), {
      recipients: ['full@demo.test'],
    });

    const first = await ingestMessage(notification, deps);
    const again = await ingestMessage(notification, deps);

    expect(first).toMatchObject([{ outcome: 'over-quota', bounce: 'sent' }]);
    // Nobody kept it, so its bytes were purged: the redelivery finds them gone and stops.
    expect(again).toEqual([{ recipient: 'full@demo.test', outcome: 'duplicate' }]);
    expect(sentSince(before)).toEqual([expect.stringContaining('Status: 5.2.2')]);
    expect(await world.store.getMailbox('full@demo.test')).toMatchObject({
      usedBytes: 0,
      messageCount: 0,
    });
  });

  it('never bounces to a null sender, nor spam to its (likely forged) sender', async () => {
    const before = outbox();

    const nullSender = await ingestMessage(
      await world.receive(simpleMail('From nobody'), {
        recipients: ['ghost@demo.test'],
        source: '',
      }),
      deps,
    );
    const spam = await ingestMessage(
      await world.receive(gtubeMail('Spam to nobody'), { recipients: ['ghost@demo.test'] }),
      deps,
    );

    expect(nullSender).toMatchObject([{ outcome: 'no-mailbox', bounce: 'no-sender' }]);
    expect(spam).toMatchObject([{ outcome: 'no-mailbox', bounce: 'suppressed-as-spam' }]);
    expect(sentSince(before)).toEqual([]);
  });
});
