import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSummary } from '@shared/mailbox/model';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { longDisplayNamesMail, ltHtmlMail, zipBombMail } from '@test/support/hostile-mail';
import { emulatorToken } from '@test/support/emulator-token';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';

/**
 * The three hostile mails of issue 7 over SMTP to the local sesame, read back through the API:
 * each is stored and readable (quarantined or flagged), none is parked.
 */
let dataDir: string;
let sesame: LocalRuntime;
let alice: string;

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('hostile'));
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
});

afterAll(async () => {
  await stopTestSesame(sesame, dataDir);
});

function send(raw: Buffer) {
  const transport = createTransport({
    host: sesame.smtp.host,
    port: sesame.smtp.port,
    ignoreTLS: true,
  });
  return transport.sendMail({
    envelope: { from: 'mallory@partner.example', to: ['alice@demo.test'] },
    raw,
  });
}

async function api(path: string) {
  const response = await fetch(`${sesame.api.url}${path}`, {
    headers: { authorization: `Bearer ${alice}` },
    redirect: 'manual',
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function stored(subject: string): Promise<MessageSummary> {
  await sesame.queue.idle();
  for (const folder of ['inbox', 'junk', 'quarantine']) {
    const page = await api(`/mailboxes/me/messages?folder=${folder}&limit=100`);
    const found = (page.body.items as MessageSummary[]).find((m) => m.subject === subject);
    if (found) return found;
  }
  throw new Error(`"${subject}" was not stored`);
}

describe('hostile mail over SMTP is stored and readable', () => {
  it('a 605 KB mail of long display names', async () => {
    await send(longDisplayNamesMail('E2E names'));

    const summary = await stored('E2E names');
    const message = await api(`/mailboxes/me/messages/${summary.id}`);

    expect(message.status).toBe(200);
    expect((message.body.from as { name: string }).name).toHaveLength(200_000);
    expect(message.body.to).toHaveLength(101);
  });

  it('a nested zip bomb, quarantined as an archive that cannot be scanned', async () => {
    await send(zipBombMail('E2E bomb'));

    const summary = await stored('E2E bomb');
    const message = await api(`/mailboxes/me/messages/${summary.id}`);
    const attachment = await api(`/mailboxes/me/messages/${summary.id}/attachments/1`);

    expect(summary).toMatchObject({ folder: 'quarantine', verdict: 'blocked' });
    expect((message.body.scan as { findings: { check: string }[] }).findings).toContainEqual(
      expect.objectContaining({ check: 'unscannable-archive' }),
    );
    expect(attachment).toMatchObject({ status: 409, body: { code: 'AttachmentQuarantined' } });
  });

  it('an HTML-only mail of 400 KB of `<`', async () => {
    await send(ltHtmlMail(400 * 1024, 'E2E less-than'));

    const summary = await stored('E2E less-than');
    const message = await api(`/mailboxes/me/messages/${summary.id}`);

    expect(summary.snippet).toBe('<'.repeat(200));
    expect(message.status).toBe(200);
    // Sanitised at ingest, every `<` is escaped (`&lt;`): 1.6 MB, so the body is a link.
    expect(message.body.html).toBeUndefined();
    expect(message.body.htmlUrl).toEqual(expect.stringContaining('.html'));
  });
});
