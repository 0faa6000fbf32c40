import { MAX_DISPLAY_NAME_LENGTH } from '@shared/mime/display-name';

/** Builders for ordinary but large mail: listing and reading must not be cut short by size. */
let sequence = 0;

function head(subject: string, extra: string[] = []): string[] {
  return [
    'From: Carol Partner <carol@partner.example>',
    'To: Alice Example <alice@demo.test>',
    `Subject: ${subject}`,
    `Message-ID: <big-${process.pid}-${++sequence}@partner.example>`,
    'Date: Fri, 20 Nov 2026 09:14:00 +0000',
    'MIME-Version: 1.0',
    ...extra,
  ];
}

/** An HTML-only mail of about `bytes`, replying to `<root@partner.example>`. */
export function htmlMail(subject: string, bytes: number, root: string): string {
  const line = `<p>Ward round notes, bed ${sequence}: observations stable, plan unchanged.</p>\r\n`;
  return [
    ...head(subject, [`References: <${root}@partner.example>`]),
    'Content-Type: text/html; charset=utf-8',
    '',
    `<html><body>\r\n${line.repeat(Math.ceil(bytes / line.length))}</body></html>`,
    '',
  ].join('\r\n');
}

/** A short mail to and copied to 100 people with the longest display names kept: big summaries. */
export function mailToMany(subject: string): string {
  const list = (role: string) =>
    Array.from({ length: 100 }, (_, i) => {
      const name = `${role} ${i} `.padEnd(MAX_DISPLAY_NAME_LENGTH, 'x');
      return `"${name}" <${role}${i}@ward.example>`;
    }).join(',\r\n ');
  return [
    ...head(subject).filter((line) => !line.startsWith('To:')),
    `To: ${list('to')}`,
    `Cc: ${list('cc')}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'For everyone on the rota.',
    '',
  ].join('\r\n');
}

/** A plain-text mail whose body is `bytes` long. */
export function longTextMail(subject: string, bytes: number): string {
  const line = 'Observation chart, hourly, all within range. '.repeat(2).trimEnd() + '\r\n';
  return [
    ...head(subject),
    'Content-Type: text/plain; charset=utf-8',
    '',
    line.repeat(Math.ceil(bytes / line.length)),
    '',
  ].join('\r\n');
}
