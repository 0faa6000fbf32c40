import { describe, expect, it } from 'vitest';
import { resolveAttachmentPolicy } from '@shared/scan/attachment-policy';
import { scanUnparsedAttachments, UNPARSED_ATTACHMENTS_REASON } from '@shared/scan/scan-message';
import { findAttachmentMarkers, UNPARSED_SCAN_LIMITS } from '@shared/scan/unparsed-attachments';
import { folderFor, reportOf } from '@shared/scan/verdict';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('attachment markers in the raw bytes of unparsed mail', () => {
  it.each([
    ['a quoted filename', 'Content-Disposition: attachment; filename="invoice.exe"', 'invoice.exe'],
    ['a bare name on the type', 'Content-Type: application/x-foo; name=tool.scr', 'tool.scr'],
    ['a folded parameter', 'Content-Disposition: inline;\r\n\tfilename="run.js"', 'run.js'],
    [
      'an RFC 2231 extended value',
      "Content-Disposition: attachment; filename*=utf-8''invoice%2Eexe",
      'invoice.exe',
    ],
    [
      'RFC 2231 continuations',
      'Content-Disposition: attachment;\r\n filename*0="inv";\r\n filename*1="oice.pdf";\r\n filename*2=".exe"',
      'invoice.pdf.exe',
    ],
    [
      'extended continuations',
      "Content-Disposition: attachment; filename*0*=utf-8''J%C3%B6n; filename*1*=sson.vbs",
      'Jönsson.vbs',
    ],
    [
      'an RFC 2047 encoded word',
      'Content-Type: x/y; name="=?utf-8?B?aW52b2ljZS5leGU=?="',
      'invoice.exe',
    ],
  ])('finds %s', (_what, header, name) => {
    const markers = findAttachmentMarkers(
      bytes(`Subject: x\r\n\r\n--b\r\n${header}\r\n\r\nAAAA\r\n`),
    );

    expect(markers).toEqual({ found: true, names: [name] });
  });

  it('counts a bare attachment disposition as a marker with no name', () => {
    expect(findAttachmentMarkers(bytes('--b\r\nContent-Disposition: attachment\r\n\r\nx'))).toEqual(
      {
        found: true,
        names: [],
      },
    );
  });

  it('finds nothing in text parts, boundaries and charsets', () => {
    const raw = bytes(
      'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nusername=alice, see ?name=x\r\n--b--\r\n',
    );

    expect(findAttachmentMarkers(raw)).toEqual({ found: false, names: [] });
  });

  it('keeps at most the named number of names, and still reports markers past it', () => {
    const part = '--b\r\nContent-Disposition: attachment; filename="a.txt"\r\n\r\nx\r\n';
    const markers = findAttachmentMarkers(bytes(part.repeat(UNPARSED_SCAN_LIMITS.maxNames + 50)));

    expect(markers.found).toBe(true);
    expect(markers.names).toHaveLength(UNPARSED_SCAN_LIMITS.maxNames);
  });
});

describe('the attachment policy on unparsed mail', () => {
  const policy = resolveAttachmentPolicy();

  it('quarantines a blocked name as blocked', () => {
    const report = reportOf(
      scanUnparsedAttachments({ found: true, names: ['a.pdf', 'b.exe'] }, policy),
    );

    expect(report.verdict).toBe('blocked');
    expect(folderFor(report)).toBe('quarantine');
  });

  it('quarantines attachments it could not scan as suspicious, with the reason', () => {
    const report = reportOf(scanUnparsedAttachments({ found: true, names: ['a.pdf'] }, policy));

    expect(report.verdict).toBe('suspicious');
    expect(report.findings).toEqual([
      expect.objectContaining({
        check: 'unparsed-attachments',
        detail: UNPARSED_ATTACHMENTS_REASON,
      }),
    ]);
    expect(folderFor(report)).toBe('quarantine');
  });

  it('only marks mail without attachment markers, and leaves it in the Inbox', () => {
    const report = reportOf(scanUnparsedAttachments({ found: false, names: [] }, policy));

    expect(report.findings).toEqual([
      expect.objectContaining({ verdict: 'suspicious', check: 'unparsed' }),
    ]);
    expect(folderFor(report)).toBe('inbox');
  });
});
