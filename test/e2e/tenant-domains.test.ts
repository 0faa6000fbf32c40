import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import type { DnsRecord } from '@shared/domains/dns-records';
import type { MessageSummary } from '@shared/mailbox/model';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { LOCAL_REGION } from '../../infra/local/local-aws';
import type { httpClient } from '@test/support/http-client';
import { emulatorToken } from '@test/support/emulator-token';
import { useOperatorSesame } from '@test/support/operator-sesame';

const DOMAIN = 'new-trust.example';

let sesame: LocalRuntime;
let api: ReturnType<typeof httpClient>;
let platform: string;
useOperatorSesame('domains', (started) => ({ sesame, api, platform } = started));

function smtp() {
  return createTransport({ host: sesame.smtp.host, port: sesame.smtp.port, ignoreTLS: true });
}

describe('a new tenant’s own domain, through the API only', () => {
  let tenantId: string;

  it('is refused by SMTP before it is added', async () => {
    const created = await api<{ id: string; domains: string[] }>(
      'POST',
      '/admin/tenants',
      platform,
      {
        name: 'New Trust',
        tier: 'commodity',
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.domains).toEqual([]);
    tenantId = created.body.id;

    const refused = await smtp()
      .sendMail({ from: 'carol@partner.example', to: `ann@${DOMAIN}`, subject: 'x', text: 'x' })
      .catch((error: { responseCode?: number }) => error);
    expect((refused as { responseCode?: number }).responseCode).toBe(550);
  });

  it('is added by a platform admin, who gets the DNS records back', async () => {
    const added = await api<{ domain: string; state: string; dnsRecords: DnsRecord[] }>(
      'POST',
      `/admin/tenants/${tenantId}/domains`,
      platform,
      { domain: DOMAIN },
    );
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ domain: DOMAIN, state: 'verified' });
    const records = added.body.dnsRecords;
    expect(records).toContainEqual(
      expect.objectContaining({
        purpose: 'inbound',
        type: 'MX',
        name: DOMAIN,
        value: `inbound-smtp.${LOCAL_REGION}.amazonaws.com`,
        priority: 10,
      }),
    );
    const dkim = records.filter((r) => r.purpose === 'dkim');
    expect(dkim).toHaveLength(3);
    for (const record of dkim) {
      expect(record.type).toBe('CNAME');
      const token = record.name.split('.')[0];
      expect(record.name).toBe(`${token}._domainkey.${DOMAIN}`);
      expect(record.value).toBe(`${token}.dkim.amazonses.com`);
    }
    expect(records).toContainEqual(
      expect.objectContaining({
        type: 'MX',
        name: `mail.${DOMAIN}`,
        value: `feedback-smtp.${LOCAL_REGION}.amazonses.com`,
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        type: 'TXT',
        name: `mail.${DOMAIN}`,
        value: 'v=spf1 include:amazonses.com ~all',
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ type: 'TXT', name: `_dmarc.${DOMAIN}` }),
    );
  });

  it('takes mail for a user created on it at once, and the user reads it', async () => {
    const user = await api('POST', `/tenants/${tenantId}/users`, platform, {
      address: `ann@${DOMAIN}`,
      displayName: 'Ann Able',
    });
    expect(user.status).toBe(201);

    const subject = 'Welcome to your own domain';
    const sent = await smtp().sendMail({
      from: 'Carol Partner <carol@partner.example>',
      to: `ann@${DOMAIN}`,
      subject,
      text: 'Mail on the trust’s own name.',
    });
    expect(sent.response).toMatch(/^250 /);
    await sesame.queue.idle();

    const ann = await emulatorToken(sesame, { address: `ann@${DOMAIN}`, tenantId });
    const inbox = await api<{ items: MessageSummary[] }>('GET', '/mailboxes/me/messages', ann);
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((m) => m.subject)).toEqual([subject]);
  });

  it('is listed for the tenant’s admin as verified, and cannot be removed while in use', async () => {
    await api('POST', `/tenants/${tenantId}/users`, platform, {
      address: `boss@${DOMAIN}`,
      displayName: 'Bo Boss',
      role: 'tenant-admin',
    });
    const boss = await emulatorToken(sesame, {
      address: `boss@${DOMAIN}`,
      tenantId,
      groups: ['tenant-admin'],
    });
    const listed = await api<{ items: { domain: string; state: string }[] }>(
      'GET',
      `/tenants/${tenantId}/domains`,
      boss,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ domain: DOMAIN, state: 'verified' }),
    ]);

    const removal = await api('DELETE', `/admin/tenants/${tenantId}/domains/${DOMAIN}`, platform);
    expect([removal.status, removal.body.code]).toEqual([409, 'DomainInUse']);
  });
});
