import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentDisposition, sanitiseDisplayName } from '@shared/mime/display-name';
import { MIME_LIMITS, parseMessage, UNPARSED_PLACEHOLDER } from '@shared/mime/parse-message';
import { scanStructure } from '@shared/mime/structure-scan';
import { fixtureBytes } from '@test/support/fixtures';
import { deepNesting, manyHeaders, manyParts } from '@test/support/hostile-mail';

const ODD = fileURLToPath(new URL('../fixtures/eml/odd/', import.meta.url));

describe('each named limit, broken on purpose', () => {
  it('a million tiny parts is delivered unparsed, with the part limit as the reason', async () => {
    const raw = manyParts(1_000_000, 'A million parts');

    const mail = await parseMessage(raw);

    expect(mail).toMatchObject({
      parsed: false,
      subject: 'A million parts',
      text: UNPARSED_PLACEHOLDER,
    });
    expect(mail.unparsedReason).toBe(`more than ${MIME_LIMITS.maxParts} MIME parts`);
  });

  it('1,000 levels of nesting stop at the depth limit', async () => {
    const mail = await parseMessage(deepNesting(1_000));

    expect(mail.parsed).toBe(false);
    expect(mail.unparsedReason).toBe(
      `MIME nesting deeper than ${MIME_LIMITS.maxNestingDepth} levels`,
    );
  });

  it('too many header lines, and too many header bytes', async () => {
    const lines = await parseMessage(manyHeaders(MIME_LIMITS.maxHeaderLines + 1));
    const bytes = await parseMessage(manyHeaders(600, 2_000));

    expect(lines.unparsedReason).toBe(`more than ${MIME_LIMITS.maxHeaderLines} header lines`);
    expect(bytes.unparsedReason).toBe(`more than ${MIME_LIMITS.maxHeaderBytes} bytes of headers`);
  });

  it('a message over the size limit is not parsed', () => {
    const report = scanStructure(new Uint8Array(11), { ...MIME_LIMITS, maxMessageBytes: 10 });

    expect(report.violation).toBe('message size 11 bytes exceeds 10');
  });

  it('mail just inside the limits parses normally', async () => {
    const parts = await parseMessage(manyParts(MIME_LIMITS.maxParts - 2));
    const nested = await parseMessage(deepNesting(MIME_LIMITS.maxNestingDepth - 2));

    expect(parts.parsed).toBe(true);
    expect(nested.parsed).toBe(true);
    expect(nested.text).toContain('innermost');
  });

  it('counts a nested message/rfc822 as a level and as a part', () => {
    const report = scanStructure(fixtureBytes('eml/odd/nested-rfc822.eml'), MIME_LIMITS);

    expect(report.violation).toBeUndefined();
    expect(report.maxDepth).toBe(3);
    expect(report.parts).toBeGreaterThanOrEqual(5);
  });
});

describe('the odd-mail corpus', () => {
  it.each(readdirSync(ODD).filter((name) => name.endsWith('.eml')))(
    '%s parses without throwing and has a subject and a body',
    async (name) => {
      const mail = await parseMessage(fixtureBytes(`eml/odd/${name}`));

      expect(typeof mail.subject).toBe('string');
      expect(mail.parsed || mail.text === UNPARSED_PLACEHOLDER).toBe(true);
    },
  );

  it('decodes RFC 2047 encoded words and quoted-printable latin-1', async () => {
    const mail = await parseMessage(fixtureBytes('eml/odd/encoded-words.eml'));

    expect(mail.subject).toBe('Ward 7 – handover für heute');
    expect(mail.from).toEqual({ name: 'Jörg Müller', address: 'jorg@partner.example' });
    expect(mail.text).toContain('Grüße aus Station 7');
  });

  it('joins an RFC 2231 continued, percent-encoded filename', async () => {
    const mail = await parseMessage(fixtureBytes('eml/odd/rfc2231-filename.eml'));

    expect(mail.attachments.map((a) => a.filename)).toEqual([
      'Entlassungsbrief für Herrn Jönsson.pdf',
    ]);
  });

  it('keeps the attachment of a forwarded message/rfc822', async () => {
    const mail = await parseMessage(fixtureBytes('eml/odd/nested-rfc822.eml'));

    expect(mail.attachments.map((a) => a.filename)).toContain('referral.pdf');
  });

  it('never lets a ../ filename through', async () => {
    const mail = await parseMessage(fixtureBytes('eml/odd/path-traversal-filename.eml'));

    expect(mail.attachments[0]?.filename).toBe('passwd.txt');
  });
});

describe('attachment display names', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\evil.exe', 'evil.exe'],
    ['in"voice\u0000.pdf', 'invoice.pdf'],
    ["it's.txt", 'its.txt'],
    ['fdp\u202Eexe.pdf', 'fdpexe.pdf'],
    ['', 'attachment-3'],
    ['..', 'attachment-3'],
  ])('%j shows as %j', (name, shown) => {
    expect(sanitiseDisplayName(name, 'attachment-3')).toBe(shown);
  });

  it('keeps the extension of a very long name', () => {
    const shown = sanitiseDisplayName(`${'a'.repeat(500)}.pdf`, 'x');

    expect(shown.length).toBeLessThanOrEqual(180);
    expect(shown.endsWith('.pdf')).toBe(true);
  });

  it('gives RFC 6266 Content-Disposition an ASCII fallback and the UTF-8 form', () => {
    expect(contentDisposition('Brief für Jönsson.pdf')).toBe(
      `attachment; filename="Brief f_r J_nsson.pdf"; filename*=UTF-8''Brief%20f%C3%BCr%20J%C3%B6nsson.pdf`,
    );
  });
});
