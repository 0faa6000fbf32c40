import { describe, expect, it } from 'vitest';
import { senderAuthenticatedBy, type SenderEvidence } from '@shared/inbound/sender-authentication';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';
import { buildSesNotification } from '../../infra/local/ses-envelope';

function notification(
  verdicts: Partial<Record<'spf' | 'dkim' | 'dmarc', string>>,
  source = 'carol@partner.example',
): SesReceiptNotification {
  return buildSesNotification({
    messageId: 'm1',
    source,
    recipients: ['nobody@demo.test'],
    bucket: 'raw',
    objectKey: 'inbound/m1',
    receivedAt: new Date('2026-12-01T10:00:00Z'),
    verdicts,
  });
}

const dkim = (...domains: string[]) =>
  domains.map((d) => ({ key: 'dkim-signature', value: `v=1; a=rsa-sha256; d=${d}; s=s1; b=x` }));

function evidence(
  headers = dkim(),
  from = 'carol@partner.example',
  complete = true,
): SenderEvidence {
  return { headers, headersComplete: complete, from: { address: from } };
}

describe('is the envelope sender authenticated (may it get a bounce)?', () => {
  it.each([
    ['SPF PASS', { spf: 'PASS' }, evidence(), 'spf'],
    [
      'DKIM PASS, every signature by the MAIL FROM domain',
      { dkim: 'PASS' },
      evidence(dkim('partner.example')),
      'dkim',
    ],
    [
      'DKIM PASS, signed by a parent of the MAIL FROM domain',
      { dkim: 'PASS' },
      evidence(dkim('example')),
      undefined,
    ],
    [
      'DKIM PASS, signed by the MAIL FROM subdomain',
      { dkim: 'PASS' },
      evidence(dkim('mail.partner.example')),
      'dkim',
    ],
    [
      'DKIM PASS, one signature by another domain',
      { dkim: 'PASS' },
      evidence(dkim('partner.example', 'attacker.example')),
      undefined,
    ],
    ['DKIM PASS, no signature to see', { dkim: 'PASS' }, evidence([]), undefined],
    [
      'DKIM PASS, headers cut short by the parser',
      { dkim: 'PASS' },
      evidence(dkim('partner.example'), undefined, false),
      undefined,
    ],
    ['DMARC PASS, header From in the MAIL FROM domain', { dmarc: 'PASS' }, evidence(), 'dmarc'],
    [
      'DMARC PASS, header From elsewhere',
      { dmarc: 'PASS' },
      evidence([], 'mallory@attacker.example'),
      undefined,
    ],
    ['a lookalike domain', { dmarc: 'PASS' }, evidence([], 'x@evilpartner.example'), undefined],
    [
      'GRAY everywhere',
      { spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' },
      evidence(dkim('partner.example')),
      undefined,
    ],
    [
      'FAIL everywhere',
      { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' },
      evidence(dkim('partner.example')),
      undefined,
    ],
    ['PROCESSING_FAILED', { spf: 'PROCESSING_FAILED' }, evidence(), undefined],
  ] as const)('%s', (_name, verdicts, given, expected) => {
    expect(senderAuthenticatedBy(notification(verdicts), given)).toBe(expected);
  });

  it('never for an empty MAIL FROM, whatever the verdicts', () => {
    expect(
      senderAuthenticatedBy(
        notification({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }, ''),
        evidence(),
      ),
    ).toBeUndefined();
  });
});
