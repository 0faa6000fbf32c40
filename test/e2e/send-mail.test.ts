import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, MessageSummary } from '@shared/mailbox/model';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { emulatorToken } from '@test/support/emulator-token';
import { httpClient } from '@test/support/http-client';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
// The outbox and the SES events are written asynchronously to the API's answer: `eventually`.
import { eventually } from '@test/support/eventually';

let sesame: LocalRuntime;
let dataDir: string;
let call: ReturnType<typeof httpClient>;
let alice: string;
let bob: string;
let ops: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('send'));
  call = httpClient(sesame.api.url);
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  bob = await emulatorToken(sesame, { address: 'bob@demo.test', tenantId: 'demo' });
  ops = await emulatorToken(sesame, {
    address: 'ops@demo.test',
    tenantId: 'demo',
    groups: ['platform-admin'],
  });
});

afterAll(() => stopTestSesame(sesame, dataDir));

type Page = { items: MessageSummary[] };
type Sent = { id: string; messageId: string; recipients: { address: string; status: string }[] };

async function folder(token: string, name: string): Promise<MessageSummary[]> {
  const answer = await call<Page>('GET', `/mailboxes/me/messages?folder=${name}`, token);
  expect(answer.status).toBe(200);
  return answer.body.items;
}

/** The outbox .eml files that name `recipient` in their envelope. */
function outboxFor(recipient: string): Buffer[] {
  const names = readdirSync(sesame.outboxDir).filter((name) => name.endsWith('.eml'));
  return names
    .map((name) => readFileSync(join(sesame.outboxDir, name)))
    .filter((eml) => eml.toString('latin1').split('\r\n\r\n')[0]?.includes(`<${recipient}>`));
}

describe('alice sends through the HTTP API', () => {
  it('delivers to bob inside sesame and to an outside address through the SES stand-in', async () => {
    const subject = `Handover ${Date.now()}`;
    const answer = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test', { address: 'carol@partner.example', name: 'Carol Partner' }],
      bcc: ['dave@partner.example'],
      subject,
      text: 'Bed 4 is ready.',
    });
    expect(answer.status).toBe(202);
    const sentId = answer.body.id;

    const inbox = await folder(bob, 'inbox');
    const atBob = inbox.find((m) => m.subject === subject);
    expect(atBob?.from).toEqual({ name: 'Alice Example', address: 'alice@demo.test' });
    const sent = await folder(alice, 'sent');
    expect(sent.map((m) => m.id)).toContain(sentId);
    const copy = await call<MessageRecord>('GET', `/mailboxes/me/messages/${sentId}`, alice);
    expect(copy.body.bcc).toEqual([{ address: 'dave@partner.example' }]);
    expect(copy.body.delivery?.['bob@demo.test']?.status).toBe('delivered');

    const [eml] = await eventually(async () => {
      const found = outboxFor('carol@partner.example');
      return found.length > 0 ? found : undefined;
    });
    const parsed = await PostalMime.parse(eml!);
    expect(parsed.subject).toBe(subject);
    expect(parsed.from?.address).toBe('alice@demo.test');
    expect(parsed.to?.map((a) => a.address)).toEqual(['bob@demo.test', 'carol@partner.example']);
    expect(parsed.bcc ?? []).toEqual([]);
    expect(eml!.toString('latin1')).not.toMatch(/^bcc:/im);
    // Bcc only in the envelope: the envelope line names dave, nothing after it does.
    const afterEnvelope = eml!.toString('latin1').replace(/^X-Sesame-Envelope-[^\r]*\r\n/gm, '');
    expect(afterEnvelope).not.toContain('dave@partner.example');

    await sesame.sesEvents.idle();
    const delivered = await call<MessageRecord>('GET', `/mailboxes/me/messages/${sentId}`, alice);
    expect(delivered.body.delivery?.['carol@partner.example']?.status).toBe('delivered');
  });

  it('makes mail sent inside sesame searchable by its recipient and in the sender’s Sent', async () => {
    const word = `okapi${Date.now()}`;
    const answer = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      subject: 'Ward round notes',
      text: `The ${word} protocol starts on Monday.`,
    });
    expect(answer.status).toBe(202);
    const search = (token: string, query: string) =>
      call<{ items: { id: string; folder: string }[] }>(
        'GET',
        `/mailboxes/me/search?${query}`,
        token,
      );
    const atBob = await search(bob, `q=${word}`);
    expect(atBob.status).toBe(200);
    expect(atBob.body.items).toHaveLength(1);
    expect(atBob.body.items[0]?.folder).toBe('inbox');
    const inSent = await search(alice, `q=${word}&folder=sent`);
    expect(inSent.body.items.map((m) => m.id)).toEqual([answer.body.id]);
  });

  it('threads a reply on both sides and flags the original answered', async () => {
    const subject = `Ward round ${Date.now()}`;
    const first = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      subject,
      text: 'Can you cover?',
    });
    const original = (await folder(bob, 'inbox')).find((m) => m.subject === subject);
    expect(original).toBeDefined();

    const reply = await call<Sent>('POST', '/mailboxes/me/send', bob, {
      to: ['alice@demo.test'],
      replyTo: original!.id,
      quote: true,
      text: 'Yes.',
    });
    expect(reply.status).toBe(202);

    const atAlice = (await folder(alice, 'inbox')).find((m) => m.subject === `Re: ${subject}`);
    const aliceSent = (await folder(alice, 'sent')).find((m) => m.id === first.body.id);
    expect(atAlice?.threadId).toBe(aliceSent?.threadId);
    const bobsReply = (await folder(bob, 'sent')).find((m) => m.id === reply.body.id);
    expect(bobsReply?.threadId).toBe(original!.threadId);
    const read = await call<MessageRecord>('GET', `/mailboxes/me/messages/${atAlice!.id}`, alice);
    expect(read.body.text).toContain('> Can you cover?');
    const flagged = await call<MessageRecord>('GET', `/mailboxes/me/messages/${original!.id}`, bob);
    expect(flagged.body.answered).toBe(true);

    const again = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      replyTo: atAlice!.id,
      text: 'Thanks.',
    });
    const twice = await call<MessageRecord>(
      'GET',
      `/mailboxes/me/messages/${again.body.id}`,
      alice,
    );
    expect(twice.body.subject).toBe(`Re: ${subject}`);
  });

  it('threads a reply from outside, which names the Message-ID SES gave, with the Sent copy', async () => {
    const subject = `Referral ${Date.now()}`;
    const sent = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['frank@partner.example'],
      subject,
      text: 'Please see this patient.',
    });
    const [eml] = await eventually(async () => {
      const found = outboxFor('frank@partner.example');
      return found.length > 0 ? found : undefined;
    });
    const sesMessageId = (await PostalMime.parse(eml!)).messageId;
    // SES replaces the Message-ID; the stand-in does the same.
    expect(sesMessageId).toMatch(/^<local-[0-9a-f-]+@eu-west-1\.amazonses\.com>$/);
    const smtp = createTransport({
      host: sesame.smtp.host,
      port: sesame.smtp.port,
      ignoreTLS: true,
    });
    await smtp.sendMail({
      from: 'frank@partner.example',
      to: 'alice@demo.test',
      subject: `Re: ${subject}`,
      text: 'Booked for Tuesday.',
      inReplyTo: sesMessageId,
      references: [sesMessageId!],
    });
    const reply = await eventually(async () =>
      (await folder(alice, 'inbox')).find((m) => m.subject === `Re: ${subject}`),
    );
    const copy = (await folder(alice, 'sent')).find((m) => m.id === sent.body.id);
    expect(reply.threadId).toBe(copy?.threadId);
  });

  it("reports a bounce from the simulator in alice's Inbox, marks and suppresses the recipient", async () => {
    const bounced = 'bounce@simulator.amazonses.com';
    const answer = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: [bounced],
      subject: 'Will bounce',
      text: 'Hello?',
    });
    expect(answer.status).toBe(202);
    await eventually(async () => (outboxFor(bounced).length > 0 ? true : undefined));
    await sesame.sesEvents.idle();

    const copy = await call<MessageRecord>(
      'GET',
      `/mailboxes/me/messages/${answer.body.id}`,
      alice,
    );
    expect(copy.body.delivery?.[bounced]?.status).toBe('bounced');
    const report = (await folder(alice, 'inbox')).find((m) => m.subject.includes(bounced));
    expect(report?.subject).toBe(`Undeliverable: your message to ${bounced}`);

    const refused = await call('POST', '/mailboxes/me/send', alice, { to: [bounced], text: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('RecipientSuppressed');

    // An admin lifts the suppression; the address can be sent to again.
    const lift = `/tenants/demo/suppressions/${encodeURIComponent(bounced)}`;
    expect((await call('DELETE', lift, alice)).status).toBe(403);
    expect((await call('DELETE', lift, ops)).status).toBe(204);
    expect((await call('DELETE', lift, ops)).status).toBe(404);
    const again = await call('POST', '/mailboxes/me/send', alice, { to: [bounced], text: 'x' });
    expect(again.status).toBe(202);
  });

  it('attaches an upload (presigned PUT) and forwards it on, byte-identical', async () => {
    const bytes = Buffer.from(`%PDF-1.4 discharge letter ${Date.now()}\n`.repeat(50));
    const upload = await call<{ id: string; url: string }>('POST', '/mailboxes/me/uploads', alice, {
      name: 'discharge.pdf',
      size: bytes.byteLength,
      contentType: 'application/pdf',
    });
    expect(upload.status).toBe(201);
    const early = await call('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      attachments: [{ uploadId: upload.body.id }],
    });
    expect([early.status, early.body.code]).toEqual([409, 'AttachmentUnavailable']);
    const put = await fetch(upload.body.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: bytes,
    });
    expect(put.ok).toBe(true);

    const subject = `Letter ${Date.now()}`;
    const sent = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      subject,
      text: 'Attached.',
      attachments: [{ uploadId: upload.body.id }],
    });
    expect(sent.status).toBe(202);
    const atBob = (await folder(bob, 'inbox')).find((m) => m.subject === subject);
    const answer = await fetch(
      `${sesame.api.url}/mailboxes/me/messages/${atBob!.id}/attachments/1`,
      { headers: { authorization: `Bearer ${bob}` }, redirect: 'manual' },
    );
    const link = { body: (await answer.json()) as { url: string; filename: string } };
    expect(link.body.filename).toBe('discharge.pdf');
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer())).toEqual(bytes);

    const forwarded = await call<Sent>('POST', '/mailboxes/me/send', bob, {
      to: ['erin@partner.example'],
      forwardOf: atBob!.id,
    });
    expect(forwarded.status).toBe(202);
    const [eml] = await eventually(async () => {
      const found = outboxFor('erin@partner.example');
      return found.length > 0 ? found : undefined;
    });
    const parsed = await PostalMime.parse(eml!);
    expect(parsed.subject).toBe(`Fwd: ${subject}`);
    expect(Buffer.from(parsed.attachments[0]!.content as ArrayBuffer)).toEqual(bytes);
    const original = await call<MessageRecord>('GET', `/mailboxes/me/messages/${atBob!.id}`, bob);
    expect(original.body.forwarded).toBe(true);
  });

  it('keeps drafts in the Drafts folder, replaces, sends and deletes them', async () => {
    const created = await call<{ id: string }>('POST', '/mailboxes/me/drafts', alice, {
      to: ['bob@demo.test'],
      subject: 'Draft one',
    });
    expect(created.status).toBe(201);
    const replaced = await call('PUT', `/mailboxes/me/drafts/${created.body.id}`, alice, {
      to: ['bob@demo.test'],
      subject: 'Draft two',
      text: 'Final words.',
    });
    expect(replaced.status).toBe(200);
    const raw = await call('GET', `/mailboxes/me/messages/${created.body.id}/raw`, alice);
    expect([raw.status, raw.body.code]).toEqual([404, 'NoSuchMessage']);
    const drafts = await folder(alice, 'drafts');
    expect(drafts.filter((m) => m.id === created.body.id).map((m) => m.subject)).toEqual([
      'Draft two',
    ]);

    const sent = await call<Sent>('POST', `/mailboxes/me/drafts/${created.body.id}/send`, alice);
    expect(sent.status).toBe(202);
    expect((await folder(alice, 'drafts')).some((m) => m.id === created.body.id)).toBe(false);
    expect((await folder(bob, 'inbox')).some((m) => m.subject === 'Draft two')).toBe(true);

    const other = await call<{ id: string }>('POST', '/mailboxes/me/drafts', alice, {
      subject: 'x',
    });
    expect((await call('DELETE', `/mailboxes/me/drafts/${other.body.id}`, alice)).status).toBe(204);
    expect((await call('DELETE', `/mailboxes/me/drafts/${other.body.id}`, alice)).status).toBe(404);
  });
});

// Sending (issue 10) on top of organising mail (issue 11): every change sending makes to a
// message item moves the mailbox's state and is in the change log, and the counters stay exact.
describe('sending and the change log', () => {
  type Folders = { items: { id: string; total: number; unread: number }[]; state: number };
  type Changes = { messages: { created: string[]; updated: string[]; destroyed: string[] } };

  async function folders(token: string): Promise<Folders> {
    const answer = await call<Folders>('GET', '/mailboxes/me/folders', token);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function changes(token: string, since: number): Promise<Changes['messages']> {
    const answer = await call<Changes>('GET', `/mailboxes/me/changes?since=${since}`, token);
    expect(answer.status).toBe(200);
    return answer.body.messages;
  }

  it('counts a Sent copy in Sent as read: the folder counters match the messages', async () => {
    const before = await folders(alice);
    const sent = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test'],
      subject: `Counted ${Date.now()}`,
      text: 'One more.',
    });
    expect(sent.status).toBe(202);
    const copy = await call<MessageRecord>('GET', `/mailboxes/me/messages/${sent.body.id}`, alice);
    expect(copy.body.unread).toBe(false);
    const after = await folders(alice);
    const sentFolder = (f: Folders) => f.items.find((item) => item.id === 'sent')!;
    expect(sentFolder(after).total).toBe(sentFolder(before).total + 1);
    expect(sentFolder(after).unread).toBe(sentFolder(before).unread);
  });

  it('logs a draft created, replaced and deleted for good, with the Drafts counter back', async () => {
    const before = await folders(alice);
    const created = await call<{ id: string }>('POST', '/mailboxes/me/drafts', alice, {
      to: ['bob@demo.test'],
      subject: 'Logged draft',
    });
    const id = created.body.id;
    expect((await changes(alice, before.state)).created).toContain(id);
    const afterCreate = await folders(alice);
    await call('PUT', `/mailboxes/me/drafts/${id}`, alice, { subject: 'Logged draft, longer' });
    expect((await changes(alice, afterCreate.state)).updated).toContain(id);
    const afterPut = await folders(alice);

    expect((await call('DELETE', `/mailboxes/me/drafts/${id}`, alice)).status).toBe(204);
    expect((await changes(alice, afterPut.state)).destroyed).toContain(id);
    const after = await folders(alice);
    const count = (f: Folders, id: string) => f.items.find((item) => item.id === id)?.total;
    expect(count(after, 'drafts')).toBe(count(before, 'drafts'));
    // Deleted for good: neither in Deleted Items nor among recoverable items.
    expect(count(after, 'deleted')).toBe(count(before, 'deleted'));
    const recoverable = await call<{ items: { id: string }[] }>(
      'GET',
      '/mailboxes/me/recoverable',
      alice,
    );
    expect(recoverable.body.items.some((item) => item.id === id)).toBe(false);
  });

  it('logs the Sent copy, the answered original and the delivery SES reports', async () => {
    const subject = `Logged ${Date.now()}`;
    await call<Sent>('POST', '/mailboxes/me/send', bob, { to: ['alice@demo.test'], subject });
    const original = (await folder(alice, 'inbox')).find((m) => m.subject === subject);
    expect(original).toBeDefined();
    const before = await folders(alice);

    const reply = await call<Sent>('POST', '/mailboxes/me/send', alice, {
      to: ['bob@demo.test', 'success@simulator.amazonses.com'],
      replyTo: original!.id,
      text: 'Noted.',
    });
    expect(reply.status).toBe(202);
    const logged = await changes(alice, before.state);
    expect(logged.created).toContain(reply.body.id);
    expect(logged.updated).toContain(original!.id);

    // SES's delivery event reaches send-events later; once recorded, the log holds two updates
    // of the Sent copy: the statuses the send call recorded, then the event's.
    await eventually(async () => {
      const copy = await call<MessageRecord>(
        'GET',
        `/mailboxes/me/messages/${reply.body.id}`,
        alice,
      );
      const status = copy.body.delivery?.['success@simulator.amazonses.com']?.status;
      return status === 'delivered' ? status : undefined;
    });
    let updates = 0;
    for (let state = before.state, more = true; more;) {
      const page = await call<Changes & { state: number; hasMoreChanges: boolean }>(
        'GET',
        `/mailboxes/me/changes?since=${state}&limit=1`,
        alice,
      );
      expect(page.status).toBe(200);
      if (page.body.messages.updated.includes(reply.body.id)) updates++;
      ({ state, hasMoreChanges: more } = page.body);
    }
    expect(updates).toBe(2);
  });
});
