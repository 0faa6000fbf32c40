import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, type TierTable } from '@shared/config/tiers';
import type { MessageRecord, MessageSummary } from '@shared/mailbox/model';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { emulatorToken } from '@test/support/emulator-token';
import { httpClient } from '@test/support/http-client';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { eventually } from '@test/support/eventually';

// Issue 10 item 3: an attachment over the tier's attachmentLinkBytes leaves as a share, one link
// per recipient, opened only once scanned clean; a share of the caller's attaches as links too.
const LINK_BYTES = 4_000;
const TIERS: TierTable = {
  commodity: { ...DEFAULT_TIERS.commodity, attachmentLinkBytes: LINK_BYTES },
  premium: { ...DEFAULT_TIERS.premium, attachmentLinkBytes: LINK_BYTES },
};

let sesame: LocalRuntime;
let dataDir: string;
let call: ReturnType<typeof httpClient>;
let alice: string;
let bob: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('send-links', { tiers: TIERS }));
  call = httpClient(sesame.api.url);
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  bob = await emulatorToken(sesame, { address: 'bob@demo.test', tenantId: 'demo' });
});

afterAll(() => stopTestSesame(sesame, dataDir));

type Sent = { id: string };

/** The share page links in a body. */
const linksIn = (text: string) =>
  [...text.matchAll(/https?:\/\/[^\s)"<]+\/s\/[A-Za-z0-9_-]+/g)].map((m) => m[0]);

/** Downloads through the public page's grant: 303 to the file, then the file's bytes. */
async function download(link: string): Promise<{ status: number; bytes?: Buffer }> {
  const grant = await fetch(`${sesame.api.url}${new URL(link).pathname}/download`, {
    method: 'POST',
    redirect: 'manual',
  });
  if (grant.status !== 303) return { status: grant.status };
  const file = await fetch(grant.headers.get('location')!);
  return { status: 303, bytes: Buffer.from(await file.arrayBuffer()) };
}

describe('attachments too large to send', () => {
  it('arrive as a link per recipient that downloads byte-identical once scanned', async () => {
    const bytes = Buffer.from(`Ward 7 handover notes ${Date.now()}\n`.repeat(400));
    expect(bytes.byteLength).toBeGreaterThan(LINK_BYTES);
    const upload = await call<{ id: string; url: string }>('POST', '/mailboxes/me/uploads', alice, {
      name: 'handover.txt',
      size: bytes.byteLength,
      contentType: 'text/plain',
    });
    const put = await fetch(upload.body.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: bytes,
    });
    expect(put.ok).toBe(true);

    const subject = `Notes ${Date.now()}`;
    const sent = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test', 'carol@partner.example'],
      subject,
      text: 'The notes are linked below.',
      attachments: [{ uploadId: upload.body.id }],
    });
    expect(sent.status).toBe(202);

    // The Sent copy says which file went as a link, and to whom.
    const copy = await call<MessageRecord>('GET', `/mailboxes/me/messages/${sent.body.id}`, alice);
    expect(copy.body.attachments.filter((a) => a.disposition === 'attachment')).toEqual([]);
    const [linked] = copy.body.linkedAttachments ?? [];
    expect(linked).toMatchObject({
      name: 'handover.txt',
      size: bytes.byteLength,
      reason: 'too-large',
    });
    expect(linked!.links.map((l) => l.recipient).sort()).toEqual([
      'bob@demo.test',
      'carol@partner.example',
    ]);
    expect(copy.body.text).toContain('handover.txt');
    expect(linksIn(copy.body.text ?? '')).toEqual([]);

    // Bob's copy (hosted) and Carol's (the outbox) each name the file with a link of their own.
    const inbox = await call<{ items: MessageSummary[] }>('GET', '/mailboxes/me/messages', bob);
    const atBob = inbox.body.items.find((m) => m.subject === subject);
    const bobs = await call<MessageRecord>('GET', `/mailboxes/me/messages/${atBob!.id}`, bob);
    expect(bobs.body.hasAttachments).toBe(false);
    expect(bobs.body.text).toContain(
      `handover.txt (${Math.round(bytes.byteLength / 1e3)} KB): http`,
    );
    const [bobLink] = linksIn(bobs.body.text ?? '');
    const eml = await eventually(async () => {
      const names = readdirSync(sesame.outboxDir).filter((name) => name.endsWith('.eml'));
      return names
        .map((name) => readFileSync(join(sesame.outboxDir, name)))
        .find((file) => file.toString('latin1').includes(subject.replace(/ /g, ' ')));
    });
    const atCarol = await PostalMime.parse(eml);
    const [carolLink] = linksIn(atCarol.text ?? '');
    expect(bobLink).toBeDefined();
    expect(carolLink).toBeDefined();
    expect(carolLink).not.toBe(bobLink);
    expect(atCarol.attachments).toEqual([]);

    // Scan-gated: once the share is clean, each link downloads the very bytes.
    await eventually(async () => {
      const share = await call<{ state: string }>('GET', `/shares/${linked!.shareId}`, alice);
      return share.body.state === 'clean' ? true : undefined;
    });
    for (const link of [bobLink!, carolLink!]) {
      const got = await download(link);
      expect(got.status).toBe(303);
      expect(got.bytes?.equals(bytes)).toBe(true);
    }
  });

  it('sends a share of the caller’s as links, and refuses another user’s with 404', async () => {
    const sentBefore = await call<{ items: MessageSummary[] }>(
      'GET',
      '/mailboxes/me/messages?folder=sent',
      alice,
    );
    const withLink = await call<MessageRecord>(
      'GET',
      `/mailboxes/me/messages/${sentBefore.body.items[0]!.id}`,
      alice,
    );
    const shareId = withLink.body.linkedAttachments![0]!.shareId;
    const refused = await call('POST', '/mailboxes/me/send', bob, {
      to: ['alice@demo.test'],
      attachments: [{ shareId }],
    });
    expect([refused.status, refused.body.code]).toEqual([404, 'NoSuchShare']);

    const subject = `Shared ${Date.now()}`;
    const sent = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      subject,
      attachments: [{ shareId }],
    });
    expect(sent.status).toBe(202);
    const copy = await call<MessageRecord>('GET', `/mailboxes/me/messages/${sent.body.id}`, alice);
    expect(copy.body.linkedAttachments?.[0]).toMatchObject({ shareId, reason: 'share' });
    const inbox = await call<{ items: MessageSummary[] }>('GET', '/mailboxes/me/messages', bob);
    const atBob = inbox.body.items.find((m) => m.subject === subject);
    const bobs = await call<MessageRecord>('GET', `/mailboxes/me/messages/${atBob!.id}`, bob);
    const [link] = linksIn(bobs.body.text ?? '');
    const got = await download(link!);
    expect(got.status).toBe(303);
    expect(got.bytes?.toString()).toContain('Ward 7 handover notes');
  });
});
