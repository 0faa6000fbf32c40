import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSummary } from '@shared/mailbox/model';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { parseLocalVerdicts } from '../../infra/local/local-verdicts';
import { startTestSesame, stopTestSesame } from '@test/support/local-sesame';
import { blockedAttachmentMail, eicarZipMail, gtubeMail } from '@test/support/hostile-mail';
import { emulatorToken } from '@test/support/emulator-token';

/** Polling bounds for SMTP ▶ S3 ▶ queue ▶ ingest ▶ DynamoDB; not a timing assertion. */
const POLLS = 150;
const POLL_MS = 100;
const ODD = fileURLToPath(new URL('../fixtures/eml/odd/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

let dataDir: string;
let sesame: LocalRuntime;
let alice: string;

beforeAll(async () => {
  // Authenticated senders, so that mail for a missing mailbox bounces (as npm start by default).
  ({ sesame, dataDir } = await startTestSesame('inbound', {
    verdicts: parseLocalVerdicts('pass'),
  }));
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
});

afterAll(async () => {
  await stopTestSesame(sesame, dataDir);
});

function sendRaw(raw: Buffer, to: string[], from = 'mallory@partner.example') {
  const transport = createTransport({
    host: sesame.smtp.host,
    port: sesame.smtp.port,
    ignoreTLS: true,
  });
  return transport.sendMail({ envelope: { from, to }, raw });
}

async function api(path: string) {
  const response = await fetch(`${sesame.api.url}${path}`, {
    headers: { authorization: `Bearer ${alice}` },
    redirect: 'manual',
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function everywhere(): Promise<MessageSummary[]> {
  const folders = await Promise.all(
    ['inbox', 'junk', 'quarantine'].map((folder) =>
      api(`/mailboxes/me/messages?folder=${folder}&limit=100`),
    ),
  );
  return folders.flatMap((folder) => (folder.body.items as MessageSummary[]) ?? []);
}

async function arrival(subject: string): Promise<MessageSummary> {
  for (let poll = 0; poll < POLLS; poll++) {
    const found = (await everywhere()).find((message) => message.subject === subject);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`"${subject}" never arrived`);
}

describe('hostile mail over SMTP lands where it should', () => {
  it.each([
    ['EICAR in a zip', eicarZipMail('E2E eicar zip'), 'E2E eicar zip', 'quarantine', 'virus'],
    ['GTUBE', gtubeMail('E2E gtube'), 'E2E gtube', 'junk', 'spam'],
    [
      'a blocked attachment',
      blockedAttachmentMail('invoice.pdf.exe', 'E2E blocked'),
      'E2E blocked',
      'quarantine',
      'blocked',
    ],
  ])('%s', async (_name, raw, subject, folder, verdict) => {
    await sendRaw(raw, ['alice@demo.test']);

    const message = await arrival(subject);

    expect(message).toMatchObject({ folder, verdict });
    if (folder === 'quarantine') {
      const download = await api(`/mailboxes/me/messages/${message.id}/attachments/1`);
      expect(download).toMatchObject({ status: 409, body: { code: 'AttachmentQuarantined' } });
    }
  });

  it('every odd fixture sent over SMTP is retrievable, with its raw copy', async () => {
    const names = readdirSync(ODD).filter((name) => name.endsWith('.eml'));
    const before = (await everywhere()).length;
    for (const name of names) await sendRaw(readFileSync(join(ODD, name)), ['alice@demo.test']);
    await sesame.queue.idle();

    const all = await everywhere();

    expect(all.length - before).toBe(names.length);
    for (const message of all.slice(0, names.length)) {
      const raw = await api(`/mailboxes/me/messages/${message.id}/raw`);
      expect(raw.status).toBe(303);
    }
  });

  it('mail for a hosted address without a mailbox bounces into the outbox', async () => {
    await sendRaw(
      Buffer.from('Subject: E2E nobody\r\n\r\nhello\r\n'),
      ['nobody@demo.test'],
      'carol@partner.example',
    );
    await sesame.queue.idle();

    const outbox = readdirSync(join(dataDir, 'outbox')).map((name) =>
      readFileSync(join(dataDir, 'outbox', name), 'utf8'),
    );

    expect(outbox).toContainEqual(
      expect.stringContaining('Final-Recipient: rfc822; nobody@demo.test'),
    );
    expect(outbox.filter((text) => text.includes('nobody@demo.test'))).toHaveLength(1);
  });

  it('mail that can be neither delivered nor bounced is listed by npm run refusals', async () => {
    // A null sender (MAIL FROM:<>) cannot take a bounce: the refusal is recorded instead.
    await sendRaw(
      Buffer.from('Subject: E2E from nobody\r\n\r\nhello\r\n'),
      ['ghost@demo.test'],
      '',
    );
    await sesame.queue.idle();

    const refusals = (...args: string[]) =>
      promisify(execFile)(
        join(REPO, 'node_modules/.bin/tsx'),
        ['infra/local/refusals-cli.ts', ...args],
        {
          cwd: REPO,
          env: { ...process.env, SESAME_DATA_DIR: dataDir },
        },
      );
    const { stdout } = await refusals('--since', '1h', '--json');
    const text = await refusals();

    const listed = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(listed).toContainEqual(
      expect.objectContaining({
        recipient: 'ghost@demo.test',
        sender: '',
        reason: 'bounce-suppressed-null-sender',
        cause: 'no-mailbox',
      }),
    );
    expect(text.stdout).toContain('ghost@demo.test  bounce-suppressed-null-sender (no-mailbox)');
    expect(text.stdout).toMatch(/^1 refused since /m);
  });
});
