import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { envelopeRecipients } from '@shared/inbound/ingest-message';
import { InvalidNotificationError, parseSesRecord } from '@shared/inbound/ses-notification';
import { buildSesNotification, toSqsRecord } from '../../infra/local/ses-envelope';
import { fixtureJson } from '@test/support/fixtures';

describe('SES notification parsing', () => {
  it('unwraps the SQS ▶ SNS ▶ SES envelope AWS delivers', () => {
    const event = fixtureJson<SQSEvent>('ses/sqs-event.json');
    const parsed = parseSesRecord(event.Records[0]!);
    expect(parsed.kind).toBe('mail');
    if (parsed.kind !== 'mail') return;
    expect(parsed.notification.mail.messageId).toBe('o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1');
    expect(parsed.notification.receipt.action).toMatchObject({
      bucketName: 'sesame-raw-mail',
      objectKey: 'inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
    });
    expect(parsed.notification.receipt.spamVerdict?.status).toBe('PASS');
  });

  it('recognises the set-up notification SES sends when a topic is attached', () => {
    const body = JSON.stringify(fixtureJson('ses/sns-setup-notification.json'));
    expect(parseSesRecord({ body })).toEqual({ kind: 'setup' });
  });

  it('takes recipients from the envelope, not from the To header', () => {
    const notification = buildSesNotification({
      messageId: 'm1',
      source: 'carol@partner.example',
      recipients: ['Alice@demo.test', 'hidden-bcc@demo.test', 'alice@demo.test'],
      bucket: 'raw',
      objectKey: 'inbound/m1',
      receivedAt: new Date('2026-11-20T09:00:00Z'),
    });
    expect(envelopeRecipients(notification)).toEqual(['alice@demo.test', 'hidden-bcc@demo.test']);
  });

  it('parses what the local listener builds exactly as what AWS sends', () => {
    const notification = buildSesNotification({
      messageId: 'm2',
      source: 'carol@partner.example',
      recipients: ['alice@demo.test'],
      bucket: 'raw',
      objectKey: 'inbound/m2',
      receivedAt: new Date('2026-11-20T09:00:00Z'),
    });
    const parsed = parseSesRecord(toSqsRecord(notification));
    expect(parsed).toEqual({ kind: 'mail', notification });
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['a body that is not an SNS envelope', JSON.stringify({ hello: 'world' })],
    ['an SNS message that is not JSON', JSON.stringify({ Type: 'Notification', Message: '{' })],
    [
      'an SES notification without an S3 action',
      JSON.stringify({
        Type: 'Notification',
        Message: JSON.stringify({
          notificationType: 'Received',
          mail: { timestamp: 't', source: 's', messageId: 'm' },
          receipt: { timestamp: 't', recipients: ['a@b'], action: { type: 'SNS' } },
        }),
      }),
    ],
  ])('refuses %s with a clear reason', (_label, body) => {
    expect(() => parseSesRecord({ body })).toThrow(InvalidNotificationError);
  });
});
