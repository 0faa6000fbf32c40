import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage, type IngestDeps } from '@shared/inbound/ingest-message';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { MIME_LIMITS, UNPARSED_PLACEHOLDER } from '@shared/mime/parse-message';
import { apiEvent } from '@test/support/api-event';
import {
  blockedAttachmentMail,
  eicarMail,
  gtubeMail,
  mailWithAttachments,
  manyParts,
  manyPartsWithAttachment,
} from '@test/support/hostile-mail';

import { useDemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { simpleMail, type LocalWorld } from '@test/support/local-world';

const alice = { address: 'alice@demo.test', tenantId: 'demo' };
const context = { awsRequestId: 'test' } as Context;
const PDF = Buffer.from('%PDF-1.4\n% a discharge letter\n%%EOF\n');

let world: LocalWorld;
let deps: IngestDeps;
let api: ReturnType<typeof createMailboxHandler>;
useDemoMailboxWorld((started) => ({ world, deps, api } = started));

beforeAll(async () => {
  await world.tenancy.createTenant({
    id: 'lab',
    name: 'Lab',
    tier: 'commodity',
    domains: ['lab.test'],
    largeMailboxSeats: 0,
    createdAt: new Date().toISOString(),
    attachmentPolicy: { blockedExtensions: [] },
  });
  await world.addMailbox('tech@lab.test', 'lab');
});

async function call(
  routeKey: string,
  pathParameters: Record<string, string> = {},
  query?: Record<string, string>,
) {
  const result = await api(
    apiEvent({ routeKey, caller: alice, pathParameters, ...(query && { query }) }),
    context,
  );
  return { ...result, json: JSON.parse(result.body ?? 'null') };
}

async function deliver(raw: string | Buffer, recipients = ['alice@demo.test'], source?: string) {
  const notification = await world.receive(raw, {
    recipients,
    ...(source !== undefined && { source }),
  });
  const outcomes = await ingestMessage(notification, deps);
  return {
    notification,
    outcomes,
    id: deriveMessageId(notification.mail.messageId, recipients[0]!),
  };
}

describe('attachments and downloads', () => {
  it('stores each attachment under a key of ours, with size, type and sha256, and serves it by 303', async () => {
    const raw = mailWithAttachments('Letter', [
      { filename: '../Brief für Jönsson.pdf', contentType: 'application/pdf', content: PDF },
    ]);
    const { id, notification } = await deliver(raw);

    const message = await call('GET /mailboxes/me/messages/{id}', { id });
    const download = await call('GET /mailboxes/me/messages/{id}/attachments/{n}', { id, n: '1' });

    expect(message.json.attachments).toEqual([
      expect.objectContaining({
        index: 1,
        filename: 'Brief für Jönsson.pdf',
        contentType: 'application/pdf',
        size: PDF.byteLength,
        sha256: createHash('sha256').update(PDF).digest('hex'),
        key: `attachments/${notification.mail.messageId}/1`,
      }),
    ]);
    expect(download.statusCode).toBe(303);
    expect(download.headers?.location).toBe(download.json.url);
    const fetched = await fetch(download.json.url as string);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PDF)).toBe(true);
    expect(fetched.headers.get('content-disposition')).toBe(
      `attachment; filename="Brief f_r J_nsson.pdf"; filename*=UTF-8''Brief%20f%C3%BCr%20J%C3%B6nsson.pdf`,
    );
  });

  it('serves the raw .eml as it arrived', async () => {
    const raw = simpleMail('Raw copy');
    const { id } = await deliver(raw);

    const download = await call('GET /mailboxes/me/messages/{id}/raw', { id });

    expect(download.statusCode).toBe(303);
    const fetched = await fetch(download.json.url as string);
    expect(await fetched.text()).toBe(raw);
    expect(fetched.headers.get('content-type')).toBe('message/rfc822');
  });

  it('answers a missing attachment 404 and a bad number 400, changing nothing', async () => {
    const { id } = await deliver(simpleMail('No attachments'));

    const missing = await call('GET /mailboxes/me/messages/{id}/attachments/{n}', { id, n: '3' });
    const bad = await call('GET /mailboxes/me/messages/{id}/attachments/{n}', { id, n: '../1' });

    expect(missing).toMatchObject({ statusCode: 404, json: { code: 'NoSuchAttachment' } });
    expect(bad).toMatchObject({ statusCode: 400, json: { code: 'InputValidationError' } });
  });
});

describe('folders and verdicts', () => {
  it('puts EICAR in Quarantine and withholds its attachments and raw copy (409)', async () => {
    const { id, outcomes } = await deliver(eicarMail('Virus test'));

    const list = await call('GET /mailboxes/me/messages', {}, { folder: 'quarantine' });
    const attachment = await call('GET /mailboxes/me/messages/{id}/attachments/{n}', {
      id,
      n: '1',
    });
    const raw = await call('GET /mailboxes/me/messages/{id}/raw', { id });

    expect(outcomes).toMatchObject([{ outcome: 'indexed', folder: 'quarantine' }]);
    expect(list.json.items).toContainEqual(
      expect.objectContaining({ id, folder: 'quarantine', verdict: 'virus' }),
    );
    expect(attachment).toMatchObject({ statusCode: 409, json: { code: 'AttachmentQuarantined' } });
    expect(raw).toMatchObject({ statusCode: 409, json: { code: 'AttachmentQuarantined' } });
  });

  it('puts GTUBE in Junk and a blocked attachment in Quarantine; clean mail in the Inbox', async () => {
    const spam = await deliver(gtubeMail('Spam test'));
    const blocked = await deliver(blockedAttachmentMail('invoice.pdf.exe', 'Blocked test'));
    const clean = await deliver(simpleMail('Clean test'));

    const junk = await call('GET /mailboxes/me/messages', {}, { folder: 'junk' });
    const quarantine = await call('GET /mailboxes/me/messages', {}, { folder: 'quarantine' });
    const inbox = await call('GET /mailboxes/me/messages', {}, { folder: 'inbox' });

    expect(junk.json.items).toContainEqual(
      expect.objectContaining({ id: spam.id, verdict: 'spam', folder: 'junk' }),
    );
    expect(quarantine.json.items).toContainEqual(
      expect.objectContaining({ id: blocked.id, verdict: 'blocked' }),
    );
    expect(inbox.json.items).toContainEqual(
      expect.objectContaining({ id: clean.id, verdict: 'clean', folder: 'inbox' }),
    );
    const detail = await call('GET /mailboxes/me/messages/{id}', { id: blocked.id });
    expect(detail.json.scan.findings).toContainEqual(
      expect.objectContaining({ check: 'blocked-extension', attachment: 1 }),
    );
  });

  it("follows the recipient tenant's attachment policy", async () => {
    const { notification, outcomes } = await deliver(
      blockedAttachmentMail('tool.exe', 'Per tenant'),
      ['alice@demo.test', 'tech@lab.test'],
    );

    expect(outcomes.map((o) => o.folder)).toEqual(['quarantine', 'inbox']);
    const lab = await world.store.getMessage(
      'tech@lab.test',
      deriveMessageId(notification.mail.messageId, 'tech@lab.test'),
    );
    expect(lab?.verdict).toBe('clean');
  });

  it('delivers mail past a limit unparsed, with the reason, and its raw copy downloadable, when it announces no attachment', async () => {
    const raw = manyParts(MIME_LIMITS.maxParts * 3, 'Too many parts');
    const { id } = await deliver(raw);

    const message = await call('GET /mailboxes/me/messages/{id}', { id });
    const download = await call('GET /mailboxes/me/messages/{id}/raw', { id });

    expect(message.json).toMatchObject({
      folder: 'inbox',
      verdict: 'suspicious',
      subject: 'Too many parts',
      text: UNPARSED_PLACEHOLDER,
      unparsed: { reason: `more than ${MIME_LIMITS.maxParts} MIME parts` },
    });
    expect(message.json.scan.findings).toContainEqual(
      expect.objectContaining({ check: 'unparsed', verdict: 'suspicious' }),
    );
    const fetched = Buffer.from(await (await fetch(download.json.url as string)).arrayBuffer());
    expect(fetched.equals(raw)).toBe(true);
  });

  it('quarantines unparsed mail whose raw bytes announce a blocked attachment, and withholds its raw copy', async () => {
    const raw = manyPartsWithAttachment(
      MIME_LIMITS.maxParts + 1,
      'attachment; filename="invoice.exe"',
      'Unparsed with an exe',
    );
    const { id } = await deliver(raw);

    const quarantine = await call('GET /mailboxes/me/messages', {}, { folder: 'quarantine' });
    const message = await call('GET /mailboxes/me/messages/{id}', { id });
    const download = await call('GET /mailboxes/me/messages/{id}/raw', { id });

    expect(quarantine.json.items).toContainEqual(
      expect.objectContaining({
        id,
        folder: 'quarantine',
        verdict: 'blocked',
        hasAttachments: true,
      }),
    );
    expect(message.json.unparsed).toBeDefined();
    expect(message.json.scan.findings).toContainEqual(
      expect.objectContaining({
        check: 'blocked-extension',
        detail: expect.stringContaining('invoice.exe'),
      }),
    );
    expect(download).toMatchObject({ statusCode: 409, json: { code: 'AttachmentQuarantined' } });
  });

  it('quarantines unparsed mail with attachments it could not scan as suspicious, saying why', async () => {
    const raw = manyPartsWithAttachment(
      MIME_LIMITS.maxParts + 1,
      "attachment; filename*=utf-8''Entlassungsbrief%20J%C3%B6nsson.pdf",
      'Unparsed with a letter',
    );
    const { id } = await deliver(raw);

    const quarantine = await call('GET /mailboxes/me/messages', {}, { folder: 'quarantine' });
    const message = await call('GET /mailboxes/me/messages/{id}', { id });
    const download = await call('GET /mailboxes/me/messages/{id}/raw', { id });

    expect(quarantine.json.items).toContainEqual(
      expect.objectContaining({ id, folder: 'quarantine', verdict: 'suspicious' }),
    );
    expect(message.json.scan.findings).toContainEqual(
      expect.objectContaining({
        verdict: 'suspicious',
        check: 'unparsed-attachments',
        detail: 'the message could not be parsed, so its attachments could not be scanned',
      }),
    );
    expect(download.statusCode).toBe(409);
  });
});

describe('threads', () => {
  it('lists a thread oldest first: replies join by References, strangers by subject', async () => {
    const original = await deliver(
      simpleMail('Bed 4', 'Is bed 4 ready?').replace(
        /Message-ID: <[^>]+>/,
        'Message-ID: <root-bed4@partner.example>',
      ),
    );
    const reply = await deliver(
      simpleMail(
        'Re: Bed 4',
        'Yes.',
        'In-Reply-To: <root-bed4@partner.example>\r\nReferences: <root-bed4@partner.example>',
      ),
    );
    const record = await world.store.getMessage('alice@demo.test', reply.id);

    const thread = await call('GET /mailboxes/me/threads/{id}', { id: record!.threadId });

    expect(thread.statusCode).toBe(200);
    expect(thread.json.items.map((m: { id: string }) => m.id)).toEqual([original.id, reply.id]);
  });

  it('answers 404 for an unknown thread and 400 for a malformed id', async () => {
    const unknown = await call('GET /mailboxes/me/threads/{id}', { id: '0'.repeat(24) });
    const malformed = await call('GET /mailboxes/me/threads/{id}', { id: 'nope' });

    expect(unknown).toMatchObject({ statusCode: 404, json: { code: 'NoSuchThread' } });
    expect(malformed).toMatchObject({ statusCode: 400, json: { code: 'InputValidationError' } });
  });
});
