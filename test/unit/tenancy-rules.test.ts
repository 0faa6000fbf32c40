import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, TierConfigError } from '@shared/config/tiers';
import type { Caller } from '@shared/identity/caller';
import type { Mailbox, Tenant } from '@shared/tenancy/model';
import { administeredTenant } from '@shared/tenancy/administered-tenant';
import { noticeLevel } from '@shared/quota/quota-notices';
import { directoryEntriesOf, normaliseTerm } from '@shared/tenancy/directory-terms';
import { lastSeenUpdate, LAST_SEEN_RESOLUTION_MS } from '@shared/tenancy/last-seen';
import { deliveryDecision, LEAVER_GRACE_MS } from '@shared/tenancy/leaver';
import { tiersFromEnv, TIERS_FILE_ENV } from '../../infra/local/tiers-file';

const now = new Date('2026-11-20T09:00:00Z');

describe('the leaver rule at ingest', () => {
  const leftAt = new Date(now.getTime() - LEAVER_GRACE_MS).toISOString();

  it('delivers to an active mailbox and to a leaver within the grace period', () => {
    expect(deliveryDecision({ status: 'active' }, now)).toEqual({ action: 'deliver' });
    const justLeft = new Date(now.getTime() - LEAVER_GRACE_MS + 1).toISOString();
    expect(deliveryDecision({ status: 'leaver', leftAt: justLeft }, now)).toEqual({
      action: 'deliver',
    });
  });

  it('bounces 5.1.1 once the grace period is over, or when the leaving date is unknown', () => {
    const bounce = { action: 'bounce', status: '5.1.1', reason: 'user has left' };
    expect(deliveryDecision({ status: 'leaver', leftAt }, now)).toEqual(bounce);
    expect(deliveryDecision({ status: 'leaver' }, now)).toEqual(bounce);
    expect(deliveryDecision({ status: 'leaver', leftAt: 'yesterday' }, now)).toEqual(bounce);
  });
});

describe('quota notice levels', () => {
  it.each([
    [0, 1000, false, 0],
    [799, 1000, false, 0],
    [800, 1000, false, 80],
    [899, 1000, false, 80],
    [900, 1000, false, 90],
    [1000, 1000, false, 100],
    [10, 1000, true, 100],
  ])('used %i of %i (refused: %s) is level %i', (used, quota, refused, level) => {
    expect(noticeLevel(used, quota, refused)).toBe(level);
  });
});

describe('directory terms', () => {
  it('ignore case and accents and keep # out of keys', () => {
    expect(normaliseTerm('  Zoë  JÖNSSON#x ')).toBe('zoe jonsson x');
  });

  it('give an active user full name, last name and address in both scopes; a leaver none', () => {
    const user = {
      address: 'zoe@a.test',
      displayName: 'Zoë Jönsson',
      tenantId: 't1',
      status: 'active' as const,
    };
    const entries = directoryEntriesOf(user, 'Org');
    expect(entries.map((e) => [e.scope, e.partition, e.sort])).toEqual([
      ['tenant', 'DIR#tenant#t1#zo', 'zoe jonsson#zoe@a.test'],
      ['tenant', 'DIR#tenant#t1#jo', 'jonsson#zoe@a.test'],
      ['tenant', 'DIR#tenant#t1#zo', 'zoe@a.test#zoe@a.test'],
      ['national', 'DIR#national#zo', 'zoe jonsson#zoe@a.test'],
      ['national', 'DIR#national#jo', 'jonsson#zoe@a.test'],
      ['national', 'DIR#national#zo', 'zoe@a.test#zoe@a.test'],
    ]);
    expect(directoryEntriesOf({ ...user, status: 'leaver' }, 'Org')).toEqual([]);
  });
});

describe('last seen', () => {
  it('writes at most once per resolution period', () => {
    expect(lastSeenUpdate({}, now)).toEqual({
      at: now.toISOString(),
      staleBefore: new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS).toISOString(),
    });
    expect(
      lastSeenUpdate({ lastSeenAt: new Date(now.getTime() - 60_000).toISOString() }, now),
    ).toBeUndefined();
    expect(lastSeenUpdate({ lastSeenAt: '2026-11-01T00:00:00.000Z' }, now)).toBeDefined();
  });
});

describe('who may administer a tenant', () => {
  const tenant = { id: 't1', name: 'T1' } as Tenant;
  const store = { getTenant: async (id: string) => (id === 't1' ? tenant : undefined) };
  const caller = (tenantId: string, ...roles: Caller['roles']): Caller => ({
    address: 'x@t.test',
    tenantId,
    roles: ['user', ...roles],
  });
  /** The caller's own mailbox as ownMailbox returns it, with the role stored on it. */
  const own = (who: Caller, role: Mailbox['role'] = 'user') =>
    ({ address: who.address, tenantId: who.tenantId, role, status: 'active' }) as Mailbox;
  const as = (who: Caller, role: Mailbox['role'], tenantId: string) =>
    administeredTenant(store, who, own(who, role), tenantId);

  it('lets its own tenant admin and any platform admin in', async () => {
    await expect(as(caller('t1', 'tenant-admin'), 'tenant-admin', 't1')).resolves.toBe(tenant);
    await expect(as(caller('t9', 'platform-admin'), 'platform-admin', 't1')).resolves.toBe(tenant);
  });

  it('needs both the platform-admin group and the stored role: the group alone is no operator', async () => {
    await expect(as(caller('t9', 'platform-admin'), 'user', 't1')).rejects.toMatchObject({
      code: 'NoSuchTenant',
    });
    await expect(as(caller('t1', 'platform-admin'), 'user', 't1')).rejects.toMatchObject({
      code: 'Forbidden',
    });
    await expect(as(caller('t9'), 'platform-admin', 't1')).rejects.toMatchObject({
      code: 'NoSuchTenant',
    });
  });

  it('answers 404 to another tenant whatever the role, and 403 to a plain member', async () => {
    await expect(as(caller('t2', 'tenant-admin'), 'tenant-admin', 't1')).rejects.toMatchObject({
      code: 'NoSuchTenant',
    });
    await expect(as(caller('t2'), 'user', 't1')).rejects.toMatchObject({
      code: 'NoSuchTenant',
    });
    await expect(as(caller('t1'), 'user', 't1')).rejects.toMatchObject({ code: 'Forbidden' });
    await expect(
      as(caller('t9', 'platform-admin'), 'platform-admin', 'nope'),
    ).rejects.toMatchObject({
      code: 'NoSuchTenant',
    });
  });

  it('needs both the tenant-admin group and the stored role: one without the other is 403', async () => {
    // The group outlives a demotion (stored role user) ...
    await expect(as(caller('t1', 'tenant-admin'), 'user', 't1')).rejects.toMatchObject({
      code: 'Forbidden',
    });
    // ... and the stored role alone is not a token's grant.
    await expect(as(caller('t1'), 'tenant-admin', 't1')).rejects.toMatchObject({
      code: 'Forbidden',
    });
  });
});

describe('the local tier file (SESAME_TIERS)', () => {
  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'sesame-tiers-')), 'tiers.json');
    writeFileSync(path, content);
    return path;
  };

  it('defaults to the DESIGN numbers, and keeps them for what the file leaves out', () => {
    expect(tiersFromEnv({})).toEqual(DEFAULT_TIERS);
    const tiers = tiersFromEnv({ [TIERS_FILE_ENV]: file('{"premium":{"maxLinkDays":45}}') });
    expect(tiers.premium.maxLinkDays).toBe(45);
    expect(tiers.commodity).toEqual(DEFAULT_TIERS.commodity);
  });

  it.each([
    ['{"commodity":{"mailboxBytes":0}}', /SESAME_TIERS=.*commodity\.mailboxBytes/],
    ['{"gold":{}}', /SESAME_TIERS=.*\(root\)/],
    ['not json', /SESAME_TIERS=/],
  ])('stops start-up on %s, naming the bad field', (content, message) => {
    const env = { [TIERS_FILE_ENV]: file(content) };
    expect(() => tiersFromEnv(env)).toThrow(TierConfigError);
    expect(() => tiersFromEnv(env)).toThrow(message);
  });

  it('stops start-up on a missing file', () => {
    expect(() => tiersFromEnv({ [TIERS_FILE_ENV]: '/nonexistent/tiers.json' })).toThrow(
      /SESAME_TIERS=\/nonexistent/,
    );
  });
});
