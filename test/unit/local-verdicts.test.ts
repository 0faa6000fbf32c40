import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';
import {
  LocalVerdictsError,
  localVerdictsFromEnv,
  parseLocalVerdicts,
  type LocalVerdicts,
} from '../../infra/local/local-verdicts';
import { startSmtpListener } from '../../infra/local/smtp-listener';

describe('SESAME_LOCAL_VERDICTS', () => {
  it.each([
    ['pass', 'PASS'],
    ['gray', 'GRAY'],
    ['FAIL', 'FAIL'],
  ])('%s sets SPF, DKIM and DMARC and leaves spam and virus GRAY', (text, status) => {
    expect(parseLocalVerdicts(text)).toEqual({
      spam: 'GRAY',
      virus: 'GRAY',
      spf: status,
      dkim: status,
      dmarc: status,
    });
  });

  it('takes a JSON object per verdict, the rest GRAY', () => {
    expect(parseLocalVerdicts('{"spf":"FAIL","dkim":"PASS","spam":"PROCESSING_FAILED"}')).toEqual({
      spam: 'PROCESSING_FAILED',
      virus: 'GRAY',
      spf: 'FAIL',
      dkim: 'PASS',
      dmarc: 'GRAY',
    });
  });

  it('is PASS when unset, as npm start runs by default', () => {
    expect(localVerdictsFromEnv({})).toMatchObject({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(localVerdictsFromEnv({ SESAME_LOCAL_VERDICTS: '' })).toMatchObject({ spf: 'PASS' });
  });

  it.each([
    ['maybe', /must be pass, gray, fail or a JSON object/],
    ['{"spf":"OK"}', /SESAME_LOCAL_VERDICTS: spf: /],
    ['{"sfp":"PASS"}', /SESAME_LOCAL_VERDICTS: .*sfp/],
    ['["PASS"]', /SESAME_LOCAL_VERDICTS: \(root\)/],
  ])('refuses %s with a clear message', (text, message) => {
    expect(() => parseLocalVerdicts(text)).toThrow(LocalVerdictsError);
    expect(() => parseLocalVerdicts(text)).toThrow(message);
  });
});

describe('the local SMTP listener', () => {
  async function receivedVerdicts(verdicts?: LocalVerdicts) {
    const queued: SesReceiptNotification[] = [];
    const listener = await startSmtpListener({
      port: 0,
      maxMessageBytes: 10_000,
      rawMailBucket: 'raw',
      blobs: {
        get: async () => new Uint8Array(),
        put: async () => undefined,
        delete: async () => undefined,
      },
      domains: { findTenantIdByDomain: async () => 'demo' },
      queue: { enqueue: async (notification) => queued.push(notification) },
      ...(verdicts && { verdicts }),
    });
    try {
      await createTransport({ host: '127.0.0.1', port: listener.port, ignoreTLS: true }).sendMail({
        from: 'carol@partner.example',
        to: 'alice@demo.test',
        subject: 'Verdicts',
        text: 'hello',
      });
    } finally {
      await listener.close();
    }
    const { receipt } = queued[0]!;
    return [
      receipt.spamVerdict,
      receipt.virusVerdict,
      receipt.spfVerdict,
      receipt.dkimVerdict,
      receipt.dmarcVerdict,
    ].map((verdict) => verdict?.status);
  }

  it('reports GRAY for every verdict unless told otherwise: it checks nothing', async () => {
    expect(await receivedVerdicts()).toEqual(['GRAY', 'GRAY', 'GRAY', 'GRAY', 'GRAY']);
  });

  it('reports the configured verdicts in the notification it queues', async () => {
    expect(await receivedVerdicts(parseLocalVerdicts('fail'))).toEqual([
      'GRAY',
      'GRAY',
      'FAIL',
      'FAIL',
      'FAIL',
    ]);
  });
});
