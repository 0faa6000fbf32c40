import { describe, expect, it } from 'vitest';
import { buildBounce, isBounceable } from '@shared/outbound/dsn-bounce';
import { parseMessage } from '@shared/mime/parse-message';
import { simpleMail } from '@test/support/local-world';
import { bounce, type BounceLedger } from '@shared/inbound/bounce-recipient';
import type { Refusal, RefusalLedger } from '@shared/inbound/refusals';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';
import type { Mailer } from '@shared/outbound/mailer';
import { fixtureJson } from '@test/support/fixtures';

const original = Buffer.from(simpleMail('Referral'));

describe('delivery status notifications (RFC 3464)', () => {
  it('reports 5.1.1 for a missing mailbox, from the domain MAILER-DAEMON, quoting the headers', async () => {
    const { from, raw } = buildBounce({
      reportingDomain: 'demo.test',
      sender: 'carol@partner.example',
      recipient: 'nobody@demo.test',
      reason: 'no-mailbox',
      arrivalDate: '2026-11-20T09:14:00.000Z',
      original,
      now: new Date('2026-11-20T09:15:00Z'),
    });
    const text = raw.toString('utf8');

    expect(from).toBe('MAILER-DAEMON@demo.test');
    expect(text).toMatch(/Content-Type: multipart\/report; report-type=delivery-status/);
    expect(text).toContain('Final-Recipient: rfc822; nobody@demo.test');
    expect(text).toContain('Status: 5.1.1');
    expect(text).toContain('Subject: Referral');
    expect(text).not.toContain('Hello from the ward.');
    const parsed = await parseMessage(raw);
    expect(parsed).toMatchObject({ parsed: true, subject: 'Undelivered Mail Returned to Sender' });
  });

  it('reports 5.2.2 for a full mailbox', () => {
    const { raw } = buildBounce({
      reportingDomain: 'demo.test',
      sender: 'carol@partner.example',
      recipient: 'full@demo.test',
      reason: 'over-quota',
      arrivalDate: '2026-11-20T09:14:00.000Z',
      original,
      now: new Date(),
    });

    expect(raw.toString()).toContain('Status: 5.2.2');
  });

  it('cannot be made to carry injected headers through the recipient', () => {
    const { raw } = buildBounce({
      reportingDomain: 'demo.test',
      sender: 'carol@partner.example',
      recipient: 'x@demo.test\r\nBcc: victim@else.example',
      reason: 'no-mailbox',
      arrivalDate: '2026-11-20T09:14:00.000Z',
      original,
      now: new Date(),
    });

    expect(raw.toString()).not.toMatch(/^Bcc:/m);
  });

  it.each([
    ['', false],
    ['MAILER-DAEMON@partner.example', false],
    ['postmaster@partner.example', false],
    ['not-an-address', false],
    ['carol@partner.example', true],
  ])('bounces to %j: %s', (sender, expected) => {
    expect(isBounceable(sender)).toBe(expected);
  });
});

describe('sending a bounce once', () => {
  /** An in-memory ledger: the port's contract, as DynamoBounceLedger keeps it with a condition. */
  function memoryLedger(): BounceLedger & { claims: Set<string> } {
    const claims = new Set<string>();
    return {
      claims,
      claim: async (id, recipient) => {
        const key = `${id}/${recipient}`;
        if (claims.has(key)) return false;
        claims.add(key);
        return true;
      },
      release: async (id, recipient) => {
        claims.delete(`${id}/${recipient}`);
      },
    };
  }
  /** An in-memory refusal ledger that can be made to fail. */
  function memoryRefusals(failing = false): RefusalLedger & { recorded: Refusal[] } {
    const recorded: Refusal[] = [];
    return {
      recorded,
      record: async (refusal) => {
        if (failing) throw new Error('DynamoDB is down');
        recorded.push(refusal);
        return true;
      },
    };
  }
  const notification = {
    ...fixtureJson<SesReceiptNotification>('ses/s3-action-notification.json'),
  };
  const authenticated = { authenticated: true };

  it('gives the claim back when the send fails, so the retry still bounces', async () => {
    const bounces = memoryLedger();
    const sent: string[] = [];
    let failNext = true;
    const mailer: Mailer = {
      send: async (message) => {
        if (failNext) {
          failNext = false;
          throw new Error('SES throttled');
        }
        sent.push(message.to.join());
        return 'id';
      },
    };

    const deps = { mailer, bounces, refusals: memoryRefusals() };

    await expect(
      bounce(deps, notification, original, 'nobody@demo.test', 'no-mailbox', authenticated),
    ).rejects.toThrow('SES throttled');
    const retried = await bounce(
      deps,
      notification,
      original,
      'nobody@demo.test',
      'no-mailbox',
      authenticated,
    );
    const again = await bounce(
      deps,
      notification,
      original,
      'nobody@demo.test',
      'no-mailbox',
      authenticated,
    );

    expect([retried, again]).toEqual(['sent', 'already-sent']);
    expect(sent).toEqual([notification.mail.source]);
  });

  it('gives the claim back when a bounce refused for good cannot be recorded as refused', async () => {
    const bounces = memoryLedger();
    const rejected = Object.assign(new Error('MessageRejected'), {
      name: 'MessageRejected',
      $metadata: { httpStatusCode: 400 },
    });
    const mailer: Mailer = {
      send: async () => {
        throw rejected;
      },
    };

    await expect(
      bounce(
        { mailer, bounces, refusals: memoryRefusals(true) },
        notification,
        original,
        'nobody@demo.test',
        'no-mailbox',
        authenticated,
      ),
    ).rejects.toThrow('DynamoDB is down');
    const refusals = memoryRefusals();
    const retried = await bounce(
      { mailer, bounces, refusals },
      notification,
      original,
      'nobody@demo.test',
      'no-mailbox',
      authenticated,
    );

    expect(retried).toBe('not-sent');
    expect(refusals.recorded).toMatchObject([
      { recipient: 'nobody@demo.test', reason: 'bounce-not-sent', cause: 'no-mailbox' },
    ]);
  });

  it('records a refusal instead of bouncing to an unauthenticated sender', async () => {
    const bounces = memoryLedger();
    const refusals = memoryRefusals();
    const sent: string[] = [];
    const mailer: Mailer = {
      send: async (message) => {
        sent.push(message.to.join());
        return 'id';
      },
    };

    const result = await bounce(
      { mailer, bounces, refusals },
      notification,
      original,
      'nobody@demo.test',
      'over-quota',
      { authenticated: false },
    );

    expect(result).toBe('suppressed-unauthenticated');
    expect(sent).toEqual([]);
    expect(bounces.claims.size).toBe(0);
    expect(refusals.recorded).toEqual([
      {
        sesMessageId: notification.mail.messageId,
        recipient: 'nobody@demo.test',
        sender: notification.mail.source,
        reason: 'bounce-suppressed-unauthenticated',
        cause: 'over-quota',
        receivedAt: new Date(notification.receipt.timestamp).toISOString(),
      },
    ]);
  });
});
