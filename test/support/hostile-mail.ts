import { EICAR, GTUBE } from '@shared/scan/content-checks';
import { zipSync } from 'fflate';

/** Builders for hostile and odd mail: generated here so no huge or dangerous file is committed. */
const HEAD = [
  'From: Mallory <mallory@partner.example>',
  'To: alice@demo.test',
  'Date: Fri, 20 Nov 2026 09:14:00 +0000',
  'MIME-Version: 1.0',
];

let sequence = 0;
function head(subject: string): string[] {
  return [...HEAD, `Subject: ${subject}`, `Message-ID: <hostile-${++sequence}@partner.example>`];
}

/** `count` tiny parts in one multipart: one million is ~30 MB of boundaries. */
export function manyParts(count: number, subject = 'Many parts'): Buffer {
  const boundary = 'b';
  const part = `--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n`;
  return Buffer.concat([
    Buffer.from(
      [...head(subject), `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ''].join(
        '\r\n',
      ),
    ),
    Buffer.from(part.repeat(count)),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

/** Multiparts nested `depth` levels deep. */
export function deepNesting(depth: number, subject = 'Deep nesting'): Buffer {
  const open: string[] = [];
  const close: string[] = [];
  for (let level = 0; level < depth; level++) {
    open.push(`--n${level}\r\nContent-Type: multipart/mixed; boundary="n${level + 1}"\r\n\r\n`);
    close.unshift(`--n${level}--\r\n`);
  }
  return Buffer.from(
    [...head(subject), 'Content-Type: multipart/mixed; boundary="n0"', '', ''].join('\r\n') +
      open.join('') +
      `--n${depth}\r\nContent-Type: text/plain\r\n\r\ninnermost\r\n--n${depth}--\r\n` +
      close.join(''),
  );
}

/** `count` header lines of `bytesEach` bytes. */
export function manyHeaders(count: number, bytesEach = 20, subject = 'Many headers'): Buffer {
  const filler = `X-Filler: ${'h'.repeat(Math.max(0, bytesEach - 12))}\r\n`;
  return Buffer.from(
    [...head(subject), 'Content-Type: text/plain'].join('\r\n') +
      '\r\n' +
      filler.repeat(count) +
      '\r\nbody\r\n',
  );
}

export interface AttachmentSpec {
  filename: string;
  contentType?: string;
  content: Uint8Array | string;
}

/** A text body and base64 attachments. */
export function mailWithAttachments(
  subject: string,
  attachments: AttachmentSpec[],
  text = 'Please see attached.',
  extraHeaders: string[] = [],
): Buffer {
  const boundary = `=_att_${++sequence}`;
  const lines = [
    ...head(subject),
    ...extraHeaders,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ];
  for (const attachment of attachments) {
    const base64 = Buffer.from(attachment.content).toString('base64').replace(/.{76}/g, '$&\r\n');
    lines.push(
      `--${boundary}`,
      `Content-Type: ${attachment.contentType ?? 'application/octet-stream'}; name="${attachment.filename}"`,
      `Content-Disposition: attachment; filename="${attachment.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64,
    );
  }
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join('\r\n'));
}

export const eicarMail = (subject = 'EICAR attached') =>
  mailWithAttachments(subject, [
    { filename: 'eicar.com.txt', contentType: 'text/plain', content: EICAR },
  ]);

export const eicarZipMail = (subject = 'EICAR in a zip') =>
  mailWithAttachments(subject, [
    {
      filename: 'reports.zip',
      contentType: 'application/zip',
      content: zipSync({ 'reports/q3/eicar.txt': Buffer.from(EICAR) }),
    },
  ]);

export const gtubeMail = (subject = 'GTUBE') =>
  mailWithAttachments(subject, [], `Cheap pills! ${GTUBE}`);

export const blockedAttachmentMail = (filename = 'invoice.pdf.exe', subject = 'Invoice') =>
  mailWithAttachments(subject, [{ filename, content: 'MZ\x90\x00 not really a program' }]);

/**
 * More parts than the parser takes (`count` tiny ones), with one attachment among them, its
 * `Content-Disposition` as given: such a message is delivered unparsed.
 */
export function manyPartsWithAttachment(
  count: number,
  disposition: string,
  subject = 'Many parts, one attachment',
): Buffer {
  const boundary = 'b';
  const filler = `--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n`;
  const attachment = [
    `--${boundary}`,
    'Content-Type: application/octet-stream',
    `Content-Disposition: ${disposition}`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('MZ\x90\x00 not really a program').toString('base64'),
    '',
  ].join('\r\n');
  return Buffer.concat([
    Buffer.from(
      [...head(subject), `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ''].join(
        '\r\n',
      ),
    ),
    Buffer.from(filler.repeat(Math.floor(count / 2))),
    Buffer.from(attachment),
    Buffer.from(filler.repeat(count - Math.floor(count / 2) - 1)),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

/**
 * About 605 KB of headers that are mostly display names: a From name of 200 KB and 100 To and
 * 100 Cc addresses with names of 2 KB each. Every list is under the count limit; only a bound
 * in bytes keeps the item under DynamoDB's 400 KB.
 */
export function longDisplayNamesMail(subject = 'Long display names'): Buffer {
  const name = (letter: string, bytes: number) => `"${letter.repeat(bytes)}"`;
  const list = (prefix: string) =>
    Array.from(
      { length: 100 },
      (_, i) => `${name(prefix, 2_000)} <${prefix.toLowerCase()}${i}@ward.example>`,
    ).join(',\r\n ');
  return Buffer.from(
    [
      `From: ${name('M', 200_000)} <mallory@partner.example>`,
      'To: alice@demo.test,\r\n ' + list('T'),
      `Cc: ${list('C')}`,
      `Subject: ${subject}`,
      `Message-ID: <hostile-${++sequence}@partner.example>`,
      'Date: Fri, 20 Nov 2026 09:14:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Names everywhere.',
      '',
    ].join('\r\n'),
  );
}

/**
 * A zip of zips of zips, about 2.5 KB, that inflates to 360 MB: three archives of four archives
 * of one 30 MB file of zeros. Each archive is small and under every per-archive limit on its
 * own; only a budget shared by all levels stops it.
 */
export function nestedZipBomb(): Uint8Array {
  const innermost = zipSync({ 'zeros.bin': new Uint8Array(30 * 1024 * 1024) }, { level: 9 });
  const middle = zipSync(
    Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`part-${i}.zip`, innermost])),
    { level: 9 },
  );
  return zipSync(
    Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`box-${i}.zip`, middle])),
    { level: 9 },
  );
}

export const zipBombMail = (subject = 'Nested zip bomb') =>
  mailWithAttachments(subject, [
    { filename: 'archive.zip', contentType: 'application/zip', content: nestedZipBomb() },
  ]);

/** An HTML-only mail whose body is `count` bytes of `<`: quadratic for a `/<[^>]*>/` regex. */
export function ltHtmlMail(count = 400 * 1024, subject = 'HTML of less-than signs'): Buffer {
  return Buffer.from(
    [...head(subject), 'Content-Type: text/html; charset=utf-8', '', '<'.repeat(count), ''].join(
      '\r\n',
    ),
  );
}
