import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3_CHECKSUMS } from '@shared/aws/s3-options';
import { S3DownloadLinks } from '@shared/blob/s3-download-links';
import { LINKED_BODY_TYPES, signDownload } from '@shared/mailbox/download-link';
import {
  OPAQUE_CONTENT_TYPE,
  SERVED_CONTENT_TYPES,
  servedContentType,
} from '@shared/mime/served-content-type';

const client = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  ...S3_CHECKSUMS,
});
const links = new S3DownloadLinks(client);
const location = { bucket: 'attachments', key: 'attachments/m1/1' };

async function served(contentType: string) {
  const download = await signDownload({ links }, location, { filename: 'a', contentType });
  const url = new URL(download.url);
  return {
    declared: download.contentType,
    type: url.searchParams.get('response-content-type'),
    disposition: url.searchParams.get('response-content-disposition'),
  };
}

describe('the type a download is served with', () => {
  it.each([
    'text/html',
    'text/html; charset=utf-8',
    'TEXT/HTML',
    'application/xhtml+xml',
    'image/svg+xml',
    'text/xml',
    'application/xml',
    'application/javascript',
    'text/javascript',
    'multipart/x-mixed-replace; boundary=x',
    'application/x-unknown',
    'text/plain\r\nX-Injected: 1',
    'text/plain,text/html',
    '',
    'nonsense',
  ])('serves %j as application/octet-stream, as an attachment', async (declared) => {
    const link = await served(declared);

    expect(link.type).toBe(OPAQUE_CONTENT_TYPE);
    expect(link.declared).toBe(OPAQUE_CONTENT_TYPE);
    expect(link.disposition).toMatch(/^attachment; /);
  });

  it.each([
    ['application/pdf', 'application/pdf'],
    ['Application/PDF; name="letter.pdf"', 'application/pdf'],
    ['image/png', 'image/png'],
    ['image/jpeg; x-smuggled=text/html', 'image/jpeg'],
    ['text/plain', 'text/plain'],
    ['text/plain; charset="UTF-8"', 'text/plain; charset=utf-8'],
    ['text/plain; format=flowed; charset=iso-8859-1', 'text/plain; charset=iso-8859-1'],
    ['text/plain; charset=utf-7', 'text/plain'],
    ['text/plain; charset="utf-8\\"; x=<script>"', 'text/plain'],
    ['text/csv; charset=utf-8', 'text/csv; charset=utf-8'],
    ['text/calendar; method=REQUEST', 'text/calendar'],
    [
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.text'],
    ['application/zip', 'application/zip'],
    ['audio/mpeg', 'audio/mpeg'],
    ['video/mp4', 'video/mp4'],
    ['message/rfc822', 'message/rfc822'],
  ])('keeps the allowed %j as %j', async (declared, expected) => {
    const link = await served(declared);

    expect(link.type).toBe(expected);
    expect(link.disposition).toMatch(/^attachment; /);
  });

  it('allows no type a browser renders as a page or runs', () => {
    const active = /html|[/+]xml$|svg|javascript|ecmascript|shockwave|multipart/;
    expect([...SERVED_CONTENT_TYPES].filter((type) => active.test(type))).toEqual([]);
    expect(servedContentType(undefined)).toBe(OPAQUE_CONTENT_TYPE);
  });

  it('never serves a linked large body as HTML', () => {
    for (const { contentType } of Object.values(LINKED_BODY_TYPES)) {
      expect(servedContentType(contentType)).toBe('text/plain; charset=utf-8');
    }
  });
});
