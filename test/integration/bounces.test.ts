import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { gtubeMail } from '@test/support/hostile-mail';
import { ingestDepsOf, refusalsFor } from '@test/support/ingest-deps';
import {
  AUTHENTICATED,
  simpleMail,
  startLocalWorld,
  type LocalWorld,
} from '@test/support/local-world';

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
      verdicts: AUTHENTICATED,
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
      verdicts: AUTHENTICATED,
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

  it('never bounces to a null sender, nor spam to its (likely forged) sender, and records why', async () => {
    const before = outbox();
    const fromNobody = await world.receive(simpleMail('From nobody'), {
      recipients: ['ghost@demo.test'],
      source: '',
      verdicts: AUTHENTICATED,
    });
    const spamMail = await world.receive(gtubeMail('Spam to nobody'), {
      recipients: ['ghost@demo.test'],
      verdicts: AUTHENTICATED,
    });

    const nullSender = await ingestMessage(fromNobody, deps);
    const spam = await ingestMessage(spamMail, deps);

    expect(nullSender).toMatchObject([
      { outcome: 'no-mailbox', bounce: 'no-sender', refused: 'bounce-suppressed-null-sender' },
    ]);
    expect(spam).toMatchObject([
      { outcome: 'no-mailbox', bounce: 'suppressed-as-spam', refused: 'bounce-suppressed-spam' },
    ]);
    expect(sentSince(before)).toEqual([]);
    expect(await refusalsFor(world, fromNobody.mail.messageId)).toMatchObject([
      { recipient: 'ghost@demo.test', sender: '', reason: 'bounce-suppressed-null-sender' },
    ]);
    expect(await refusalsFor(world, spamMail.mail.messageId)).toMatchObject([
      { recipient: 'ghost@demo.test', reason: 'bounce-suppressed-spam', cause: 'no-mailbox' },
    ]);
  });
});

describe('no backscatter: a sender nothing authenticates gets no bounce', () => {
  /** A DKIM signature header for `domain` (SES did the checking; only `d=` is read here). */
  const signedBy = (domain: string) =>
    `DKIM-Signature: v=1; a=rsa-sha256; d=${domain}; s=sel; h=from:subject; bh=x; b=y`;

  it.each([
    ['every verdict GRAY (what the local listener reports unless told)', {}, ''],
    ['SPF, DKIM and DMARC FAIL', { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' }, ''],
    [
      'DKIM PASS for another domain than the MAIL FROM',
      { dkim: 'PASS' },
      signedBy('attacker.example'),
    ],
    [
      'DMARC PASS for a header From that is not the MAIL FROM domain',
      { dmarc: 'PASS' },
      '',
      'From: Mallory <mallory@attacker.example>',
    ],
  ])('%s', async (_name, verdicts, extraHeaders, fromHeader?: string) => {
    const before = outbox();
    const text = simpleMail('Forged sender?', 'hello', extraHeaders);
    const notification = await world.receive(
      fromHeader ? text.replace(/^From: .*$/m, fromHeader) : text,
      { recipients: ['nobody@demo.test', 'full@demo.test'], verdicts },
    );

    const first = await ingestMessage(notification, deps);
    const again = await ingestMessage(notification, deps);

    const suppressed = {
      bounce: 'suppressed-unauthenticated',
      refused: 'bounce-suppressed-unauthenticated',
    };
    expect(first).toMatchObject([
      { recipient: 'nobody@demo.test', outcome: 'no-mailbox', ...suppressed },
      { recipient: 'full@demo.test', outcome: 'over-quota', ...suppressed },
    ]);
    // Nobody kept it, so its bytes were purged: the redelivery finds them gone and stops, and
    // the refusals recorded the first time are all that remains (below, once each).
    expect(again).toEqual([
      { recipient: 'nobody@demo.test', outcome: 'duplicate' },
      { recipient: 'full@demo.test', outcome: 'duplicate' },
    ]);
    expect(sentSince(before)).toEqual([]);
    const refusals = await refusalsFor(world, notification.mail.messageId);
    expect(
      refusals.map(({ recipient, reason, cause, sender }) => ({
        recipient,
        reason,
        cause,
        sender,
      })),
    ).toEqual([
      {
        recipient: 'full@demo.test',
        reason: 'bounce-suppressed-unauthenticated',
        cause: 'over-quota',
        sender: 'carol@partner.example',
      },
      {
        recipient: 'nobody@demo.test',
        reason: 'bounce-suppressed-unauthenticated',
        cause: 'no-mailbox',
        sender: 'carol@partner.example',
      },
    ]);
  });

  it.each([
    ['SPF PASS', { spf: 'PASS' }, ''],
    ['DKIM PASS, signed by the MAIL FROM domain', { dkim: 'PASS' }, signedBy('partner.example')],
    ['DMARC PASS, header From in the MAIL FROM domain', { dmarc: 'PASS' }, ''],
  ])('but an authenticated one does (%s)', async (_name, verdicts, extraHeaders) => {
    const before = outbox();
    const notification = await world.receive(simpleMail('Genuine sender', 'hi', extraHeaders), {
      recipients: ['nobody@demo.test'],
      verdicts,
    });

    const outcomes = await ingestMessage(notification, deps);

    expect(outcomes).toMatchObject([{ outcome: 'no-mailbox', bounce: 'sent' }]);
    expect(outcomes[0]?.refused).toBeUndefined();
    expect(sentSince(before)).toEqual([expect.stringContaining('Status: 5.1.1')]);
    expect(await refusalsFor(world, notification.mail.messageId)).toEqual([]);
  });
});
