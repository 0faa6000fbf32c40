import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage, ITEM_LIMITS, type IngestDeps } from '@shared/inbound/ingest-message';
import { LINKED_BODY_BYTES } from '@shared/inbound/store-parts';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { MAX_DISPLAY_NAME_LENGTH } from '@shared/mime/display-name';
import { MIME_LIMITS } from '@shared/mime/parse-message';
import { apiEvent } from '@test/support/api-event';
import { mailWithAttachments } from '@test/support/hostile-mail';

import { useDemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { simpleMail, type LocalWorld } from '@test/support/local-world';

/**
 * Messages whose item would pass DynamoDB's 400 KB limit if it carried everything: they must
 * still be indexed, listed and read in full (shared/inbound/store-parts, ITEM_LIMITS).
 */
const alice = { address: 'alice@demo.test', tenantId: 'demo' };
const context = { awsRequestId: 'test' } as Context;
/** As many attachments as the parser takes: the root multipart and the text part count too. */
const MOST_ATTACHMENTS = MIME_LIMITS.maxParts - 2;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

let world: LocalWorld;
let deps: IngestDeps;
let api: ReturnType<typeof createMailboxHandler>;
useDemoMailboxWorld((started) => ({ world, deps, api } = started));

async function call(routeKey: string, pathParameters: Record<string, string> = {}) {
  const result = await api(
    apiEvent({ routeKey, caller: alice, pathParameters, query: { folder: 'inbox', limit: '100' } }),
    context,
  );
  return { ...result, json: JSON.parse(result.body ?? 'null') };
}

async function deliver(raw: string | Buffer) {
  const notification = await world.receive(raw, { recipients: ['alice@demo.test'] });
  const outcomes = await ingestMessage(notification, deps);
  return { outcomes, id: deriveMessageId(notification.mail.messageId, 'alice@demo.test') };
}

describe('messages too big for one item', () => {
  it('indexes, lists and reads in full a message with 15,000 To addresses', async () => {
    const addresses = Array.from({ length: 15_000 }, (_, i) => `patient${i}@ward.example`);
    const folded = [];
    for (let i = 0; i < addresses.length; i += 10)
      folded.push(addresses.slice(i, i + 10).join(', '));
    const raw = simpleMail('Everyone', 'Hello all.').replace(
      'To: Alice Example <alice@demo.test>',
      `To: ${folded.join(',\r\n ')}`,
    );
    expect(raw.length).toBeGreaterThan(280_000);

    const { outcomes, id } = await deliver(raw);
    const list = await call('GET /mailboxes/me/messages');
    const message = await call('GET /mailboxes/me/messages/{id}', { id });

    expect(outcomes).toMatchObject([{ outcome: 'indexed' }]);
    const listed = (list.json.items as { id: string; to: unknown[]; toTotal?: number }[]).find(
      (m) => m.id === id,
    );
    expect(listed?.to).toHaveLength(ITEM_LIMITS.maxAddressesPerList);
    expect(listed?.toTotal).toBe(15_000);
    expect(message.statusCode).toBe(200);
    expect(message.json.to).toHaveLength(15_000);
    expect(message.json.to.at(-1)).toEqual({ address: 'patient14999@ward.example' });
    expect(message.json.text).toContain('Hello all.');
  });

  it(`indexes, lists and reads in full a message with ${MOST_ATTACHMENTS} long-named attachments`, async () => {
    // Names as long as we keep them, and the real media type of a .docx: ~470 KB of metadata.
    const name = (i: number) => {
      const suffix = `-${i}.docx`;
      return (
        'Entlassungsbrief-Station-7-'.repeat(7).slice(0, MAX_DISPLAY_NAME_LENGTH - suffix.length) +
        suffix
      );
    };
    const raw = mailWithAttachments(
      'Every letter',
      Array.from({ length: MOST_ATTACHMENTS }, (_, i) => ({
        filename: name(i + 1),
        contentType: DOCX,
        content: `PK letter ${i + 1}`,
      })),
    );

    const { outcomes, id } = await deliver(raw);
    const list = await call('GET /mailboxes/me/messages');
    const message = await call('GET /mailboxes/me/messages/{id}', { id });
    const last = await call('GET /mailboxes/me/messages/{id}/attachments/{n}', {
      id,
      n: String(MOST_ATTACHMENTS),
    });

    expect(outcomes).toMatchObject([{ outcome: 'indexed' }]);
    expect(list.json.items).toContainEqual(
      expect.objectContaining({ id, hasAttachments: true, folder: 'inbox' }),
    );
    expect(message.json.attachments).toHaveLength(MOST_ATTACHMENTS);
    expect(message.json.attachments.at(-1)).toMatchObject({
      index: MOST_ATTACHMENTS,
      filename: name(MOST_ATTACHMENTS),
    });
    expect(message.json.headers.length).toBeGreaterThan(0);
    expect(last.statusCode).toBe(303);
    expect(last.json.filename).toBe(name(MOST_ATTACHMENTS));
  });
});

describe('bodies too large to answer inline', () => {
  it('answers a body past LINKED_BODY_BYTES as a short-lived link, and a smaller one inline', async () => {
    const html = `<p>${'Fluid balance chart, hourly. '.repeat(40)}</p>\r\n`.repeat(
      Math.ceil((LINKED_BODY_BYTES * 1.5) / 1200),
    );
    const raw = [
      'From: Carol Partner <carol@partner.example>',
      'To: Alice Example <alice@demo.test>',
      'Subject: Charts',
      `Message-ID: <charts-${process.pid}@partner.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The charts are in the HTML part.',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      '--b--',
      '',
    ].join('\r\n');

    const { outcomes, id } = await deliver(raw);
    const message = await call('GET /mailboxes/me/messages/{id}', { id });

    expect(outcomes).toMatchObject([{ outcome: 'indexed' }]);
    expect(message.statusCode).toBe(200);
    expect(message.json.text).toContain('The charts are in the HTML part.');
    expect(message.json).not.toHaveProperty('html');
    expect(message.json).not.toHaveProperty('htmlKey');
    expect(Date.parse(message.json.bodyUrlsExpireAt)).toBeGreaterThan(Date.now());
    const download = await fetch(message.json.htmlUrl);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    const lines = (text: string) => text.replace(/\r\n/g, '\n').trim();
    expect(lines(await download.text())).toBe(lines(html));
  });
});
