import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { keys } from '@shared/store/keys';
import { apiEvent } from '@test/support/api-event';

import { useDemoMailboxWorld } from '@test/support/demo-mailbox-world';
import type { LocalWorld } from '@test/support/local-world';

/**
 * Mail whose HTML or attachments would run script on a reader's screen: the API returns the HTML
 * sanitised (the original only as the raw download), and serves no attachment as a page.
 */
const alice = { address: 'alice@demo.test', tenantId: 'demo' };
const context = { awsRequestId: 'test' } as Context;

const HOSTILE_HTML = [
  '<html><head><title>Results</title>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<base href="https://evil.example/">',
  '<style>body { background: url(javascript:alert(1)); width: expression(alert(2)); }</style>',
  '</head><body onload="alert(3)">',
  '<p style="color:#333;background:url(javascript:alert(4));width:expression(alert(5))">Dear Alice,</p>',
  '<script>alert(6)</script>',
  '<img src="cid:missing" onerror="alert(7)">',
  '<a href="javascript:alert(8)">Your results</a>',
  '<svg><script>alert(9)</script><circle onload="alert(10)"/></svg>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<form action="https://evil.example/login"><input name="password"></form>',
  '<img src="https://track.example/open.gif?u=alice">',
  '</body></html>',
].join('\r\n');

const ATTACHMENTS = [
  { name: 'page.html', type: 'text/html; charset=utf-8', body: '<script>alert(11)</script>' },
  { name: 'logo.svg', type: 'image/svg+xml', body: '<svg><script>alert(12)</script></svg>' },
  { name: 'letter.pdf', type: 'application/pdf', body: '%PDF-1.4\n%%EOF\n' },
  { name: 'scan.png', type: 'image/png', body: '\x89PNG\r\n\x1a\n' },
  { name: 'notes.txt', type: 'text/plain; charset=utf-8; x=<b>', body: 'Plain notes.' },
];

function hostileMail(subject: string): string {
  const part = (type: string, body: string, name?: string) => [
    '--mixed',
    `Content-Type: ${type}${name ? `; name="${name}"` : ''}`,
    ...(name ? [`Content-Disposition: attachment; filename="${name}"`] : []),
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(body, 'latin1').toString('base64').replace(/.{76}/g, '$&\r\n'),
  ];
  return [
    'From: Mallory <mallory@evil.example>',
    'To: Alice Example <alice@demo.test>',
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/g, '')}-${process.pid}@evil.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mixed"',
    '',
    ...part('text/plain; charset=utf-8', 'Dear Alice, your results are ready.'),
    ...part('text/html; charset=utf-8', HOSTILE_HTML),
    ...ATTACHMENTS.flatMap((a) => part(a.type, a.body, a.name)),
    '--mixed--',
    '',
  ].join('\r\n');
}

let world: LocalWorld;
let deps: IngestDeps;
let api: ReturnType<typeof createMailboxHandler>;
useDemoMailboxWorld((started) => ({ world, deps, api } = started));

async function call(routeKey: string, pathParameters: Record<string, string> = {}) {
  const result = await api(apiEvent({ routeKey, caller: alice, pathParameters }), context);
  return { ...result, json: JSON.parse(result.body ?? 'null') };
}

async function deliver(raw: string) {
  const notification = await world.receive(raw, { recipients: ['alice@demo.test'] });
  const outcomes = await ingestMessage(notification, deps);
  expect(outcomes).toMatchObject([{ outcome: 'indexed' }]);
  return deriveMessageId(notification.mail.messageId, 'alice@demo.test');
}

describe('hostile HTML mail', () => {
  it('is returned sanitised, while the raw download keeps the original bytes', async () => {
    const raw = hostileMail('Hostile HTML');
    const id = await deliver(raw);

    const message = await call('GET /mailboxes/me/messages/{id}', { id });
    const download = await call('GET /mailboxes/me/messages/{id}/raw', { id });

    expect(message.statusCode).toBe(200);
    const html = message.json.html as string;
    expect(html).toContain('<p style="color:#333">Dear Alice,</p>');
    expect(html).toContain('data-src="https://track.example/open.gif?u=alice"');
    for (const forbidden of [
      /alert/,
      /<script|<svg|<iframe|<form|<input|<meta|<base|<style/i,
      /\son\w+=/i,
      /javascript:|expression\(|url\(/i,
      /evil\.example/,
      /\ssrc="https:/,
    ]) {
      expect(html).not.toMatch(forbidden);
    }
    expect(message.json).not.toHaveProperty('htmlPolicy');
    expect(download.statusCode).toBe(303);
    const original = await fetch(download.json.url as string);
    expect(await original.text()).toBe(raw);
    expect(original.headers.get('content-type')).toBe('message/rfc822');
  });

  it('is not returned at all when it was stored before the sanitiser', async () => {
    const id = await deliver(hostileMail('Stored before'));
    await world.documents.send(
      new UpdateCommand({
        TableName: world.names.table,
        Key: keys.message('alice@demo.test', id),
        UpdateExpression: 'SET html = :html REMOVE htmlPolicy',
        ExpressionAttributeValues: { ':html': HOSTILE_HTML },
      }),
    );

    const message = await call('GET /mailboxes/me/messages/{id}', { id });

    expect(message.statusCode).toBe(200);
    expect(message.json).not.toHaveProperty('html');
    expect(message.json.text).toContain('your results are ready');
  });
});

describe('attachment downloads', () => {
  it.each([
    [1, 'page.html', 'application/octet-stream'],
    [2, 'logo.svg', 'application/octet-stream'],
    [3, 'letter.pdf', 'application/pdf'],
    [4, 'scan.png', 'image/png'],
    [5, 'notes.txt', 'text/plain'],
  ])('serves attachment %i (%s) as %s, as an attachment', async (n, filename, served) => {
    const id = await deliver(hostileMail(`Attachment ${n}`));

    const download = await call('GET /mailboxes/me/messages/{id}/attachments/{n}', {
      id,
      n: String(n),
    });

    expect(download.statusCode).toBe(303);
    expect(download.json.contentType).toBe(served);
    const url = new URL(download.json.url as string);
    expect(url.searchParams.get('response-content-type')).toBe(served);
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe(served);
    expect(fetched.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${filename.replace('.', '\\.')}"`),
    );
    const body = Buffer.from(await fetched.arrayBuffer()).toString('latin1');
    expect(body).toBe(ATTACHMENTS[n - 1]!.body);
  });
});
