import { describe, expect, it } from 'vitest';
import { parseMessage, UNPARSED_PLACEHOLDER } from '@shared/mime/parse-message';
import { deriveThreadId, normaliseSubject } from '@shared/mailbox/thread-id';
import { fixtureBytes } from '@test/support/fixtures';

describe('parsing received mail', () => {
  it('decodes encoded-word subjects, addresses, bodies and attachments', async () => {
    const mail = await parseMessage(fixtureBytes('eml/discharge-summary.eml'));
    expect(mail.parsed).toBe(true);
    expect(mail.subject).toBe('Discharge summary for ward 7 — Mr Jönsson');
    expect(mail.from).toEqual({ name: 'Carol Partner', address: 'carol@partner.example' });
    expect(mail.to).toEqual([{ name: 'Alice Example', address: 'alice@demo.test' }]);
    expect(mail.cc).toEqual([{ name: 'Ward 7', address: 'ward7@partner.example' }]);
    expect(mail.text).toContain('Follow-up in 2 weeks.');
    expect(mail.html).toContain('<p>Dear Alice,</p>');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({
      filename: 'summary.pdf',
      contentType: 'application/pdf',
      disposition: 'attachment',
    });
    expect(Buffer.from(mail.attachments[0]!.content).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('keeps a message the parser refuses, with the reason and a placeholder body', async () => {
    let nested = 'Content-Type: text/plain\r\n\r\ndeep\r\n';
    for (let depth = 0; depth < 100; depth++) {
      nested = `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${nested}--b${depth}--\r\n`;
    }
    const mail = await parseMessage(Buffer.from(`Subject: deep\r\n${nested}`));
    expect(mail.parsed).toBe(false);
    expect(mail.unparsedReason).toMatch(/nest/i);
    expect(mail.text).toBe(UNPARSED_PLACEHOLDER);
  });
});

describe('threads', () => {
  it('puts a reply in the thread of the message it answers', () => {
    const original = deriveThreadId({ references: [], messageId: '<a@x>', subject: 'Ward 7' });
    const reply = deriveThreadId({
      references: ['<a@x>'],
      inReplyTo: '<a@x>',
      messageId: '<b@x>',
      subject: 'Re: Ward 7',
    });
    expect(reply).toBe(original);
  });

  it('threads mail without any message ids by its normalised subject', () => {
    expect(normaliseSubject('RE: Fwd:  Ward   7')).toBe('ward 7');
    expect(deriveThreadId({ references: [], subject: 'Re: Ward 7' })).toBe(
      deriveThreadId({ references: [], subject: 'ward 7' }),
    );
  });
});
