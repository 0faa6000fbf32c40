import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_LINK_BYTES,
  encodedBytes,
  splitAttachments,
  withLinkLines,
} from '@shared/send/linked-attachments';

const file = (filename: string, bytes: number) => ({
  filename,
  contentType: 'application/pdf',
  content: new Uint8Array(bytes),
});

describe('which attachments go as links', () => {
  it('links every attachment over attachmentLinkBytes (ATTACHMENT_LINK_BYTES by default)', () => {
    const small = file('small.pdf', 1_000);
    const big = file('big.pdf', ATTACHMENT_LINK_BYTES + 1);
    const split = splitAttachments([small, big], 100, { maxMessageBytes: 35e6 });
    expect(split.attached).toEqual([small]);
    expect(split.tooLarge).toEqual([big]);
    const tighter = splitAttachments([small, big], 100, {
      maxMessageBytes: 35e6,
      attachmentLinkBytes: 500,
    });
    expect(tighter.tooLarge.map((a) => a.filename)).toEqual(['small.pdf', 'big.pdf']);
  });

  it('links the largest until the encoded message fits maxMessageBytes, keeping the order', () => {
    const files = [file('a.pdf', 300_000), file('b.pdf', 500_000), file('c.pdf', 400_000)];
    const max = 64 * 1024 + encodedBytes(100) + encodedBytes(300_000) + encodedBytes(400_000);
    const split = splitAttachments(files, 100, { maxMessageBytes: max, attachmentLinkBytes: 1e9 });
    expect(split.attached.map((a) => a.filename)).toEqual(['a.pdf', 'c.pdf']);
    expect(split.tooLarge.map((a) => a.filename)).toEqual(['b.pdf']);
  });
});

describe('the lines naming linked files', () => {
  const link = { url: 'https://mail.example/s/abc', expiresAt: '2026-12-09T10:00:00.000Z' };

  it('names the file, its size, the link and its last day; HTML escaped', () => {
    const out = withLinkLines({ text: 'Hi.', html: '<p>Hi.</p>' }, [
      { name: 'a<b>.pdf', size: 48_200_000, link },
    ]);
    expect(out.text).toContain(
      '- a<b>.pdf (48.2 MB): https://mail.example/s/abc (until 2026-12-09)',
    );
    expect(out.html).toContain('a&#60;b&#62;.pdf (48.2 MB): <a href="https://mail.example/s/abc">');
    expect(out.html).not.toContain('a<b>');
  });

  it('leaves a message without linked files as it is', () => {
    const message = { text: 'Hi.' };
    expect(withLinkLines(message, [])).toBe(message);
  });
});
