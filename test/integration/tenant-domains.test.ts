import { describe, expect, it } from 'vitest';
import { IdentityServiceError, type EmailIdentities } from '@shared/domains/email-identities';
import { LocalEmailIdentities } from '@shared/domains/local-email-identities';
import { MAX_DOMAINS_PER_TENANT } from '@shared/domains/tenant-domains';
import type { Role } from '@shared/identity/caller';
import type { Mailbox } from '@shared/tenancy/model';
import { directoryEntriesOf } from '@shared/tenancy/directory-terms';
import { ForeignDomainError, TooManyDomainsError } from '@shared/tenancy/errors';
import { createTenant } from '@shared/tenancy/tenants';
import { createUser } from '@shared/tenancy/users';
import { createAdminHandler } from '../../functions/admin/admin-api';
import { createTenantAdminHandler } from '../../functions/tenant-admin/tenant-admin-api';
import { S3ImportFiles } from '@shared/blob/s3-import-files';
import { DynamoShareReports } from '@shared/store/dynamo-share-reports';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { DynamoTransferOffers } from '@shared/store/dynamo-transfer-offers';
import { DynamoMessageChanges } from '@shared/store/message-changes';
import { DynamoSendState } from '@shared/store/dynamo-send-state';
import { apiEvent } from '@test/support/api-event';
import type { LocalWorld } from '@test/support/local-world';
import { TEST_NOW, TINY_TIERS, useLocalWorld } from '@test/support/tenancy-fixtures';

const now = TEST_NOW;
const REGION = 'eu-west-1';

let world: LocalWorld;
useLocalWorld((started) => {
  world = started;
});

const OPERATOR = { address: 'op@ops.test', tenantId: 'ops', groups: ['platform-admin'] };
const NORTH_ADMIN = { address: 'admin@north.test', tenantId: 't-north', groups: ['tenant-admin'] };
const SOUTH_ADMIN = { address: 'admin@south.test', tenantId: 't-south', groups: ['tenant-admin'] };
const NORTH_USER = { address: 'user@north.test', tenantId: 't-north' };

async function seedTenant(id: string, domain: string): Promise<void> {
  await createTenant(
    world.tenancy,
    { name: `Tenant ${id}`, tier: 'commodity', domains: [domain], largeMailboxSeats: 0 },
    now,
    id,
  );
}

async function seedMailbox(address: string, tenantId: string, role: Role): Promise<void> {
  const mailbox: Mailbox = {
    address,
    tenantId,
    displayName: address,
    role,
    status: 'active',
    quotaBytes: TINY_TIERS.commodity.mailboxBytes,
    usedBytes: 0,
    messageCount: 0,
    createdAt: now.toISOString(),
  };
  await world.tenancy.createMailbox(mailbox, directoryEntriesOf(mailbox, tenantId));
}

let seeded: Promise<void> | undefined;
function seed(): Promise<void> {
  seeded ??= (async () => {
    await seedTenant('ops', 'ops.test');
    await seedMailbox(OPERATOR.address, 'ops', 'platform-admin');
    await seedTenant('t-north', 'north.test');
    await seedMailbox(NORTH_ADMIN.address, 't-north', 'tenant-admin');
    await seedMailbox(NORTH_USER.address, 't-north', 'user');
    await seedTenant('t-south', 'south.test');
    await seedMailbox(SOUTH_ADMIN.address, 't-south', 'tenant-admin');
  })();
  return seeded;
}

function apis(identities: EmailIdentities = new LocalEmailIdentities()) {
  const deps = {
    store: world.tenancy,
    mail: world.store,
    tiers: TINY_TIERS,
    emailIdentities: identities,
    region: REGION,
    now: () => now,
  };
  return {
    admin: createAdminHandler(deps),
    tenantAdmin: createTenantAdminHandler({
      ...deps,
      identities: world.identities,
      offers: new DynamoTransferOffers(world.documents, world.names.table),
      files: new S3ImportFiles(world.s3, world.names.attachmentsBucket),
      shares: {
        store: new DynamoShareStore(world.documents, world.names.table),
        reports: new DynamoShareReports(world.documents, world.names.table),
      },
      messages: new DynamoMessageChanges(world.documents, world.names.table),
      suppressions: new DynamoSendState(world.documents, world.names.table),
    }),
  };
}

async function call(
  handler: ReturnType<typeof apis>['admin'],
  options: Parameters<typeof apiEvent>[0],
) {
  const result = await handler(apiEvent(options), {} as never);
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
}

const addDomain = (tenantId: string, domain: unknown, identities?: EmailIdentities) =>
  call(apis(identities).admin, {
    routeKey: 'POST /admin/tenants/{tenantId}/domains',
    caller: OPERATOR,
    pathParameters: { tenantId },
    body: { domain },
  });

const listDomains = (
  tenantId: string,
  caller: Parameters<typeof apiEvent>[0]['caller'],
  identities?: EmailIdentities,
) =>
  call(apis(identities).tenantAdmin, {
    routeKey: 'GET /tenants/{tenantId}/domains',
    caller,
    pathParameters: { tenantId },
  });

const deleteDomain = (tenantId: string, domain: string, caller = OPERATOR) =>
  call(apis().admin, {
    routeKey: 'DELETE /admin/tenants/{tenantId}/domains/{domain}',
    caller,
    pathParameters: { tenantId, domain },
  });

describe('adding a domain', () => {
  it('claims it for the tenant, returns its state and DNS records, and a repeat is a 200', async () => {
    await seed();
    const added = await addDomain('t-north', 'Clinic.North.Example');

    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ domain: 'clinic.north.example', state: 'verified' });
    expect(added.body.dnsRecords).toContainEqual(
      expect.objectContaining({
        type: 'MX',
        name: 'clinic.north.example',
        value: `inbound-smtp.${REGION}.amazonaws.com`,
        priority: 10,
      }),
    );
    expect(added.body.dnsRecords.filter((r: { type: string }) => r.type === 'CNAME')).toHaveLength(
      3,
    );
    expect(await world.store.findTenantIdByDomain('clinic.north.example')).toBe('t-north');
    expect((await world.tenancy.getTenant('t-north'))?.domains).toEqual([
      'north.test',
      'clinic.north.example',
    ]);

    const again = await addDomain('t-north', 'clinic.north.example');
    expect(again.status).toBe(200);
    expect((await world.tenancy.getTenant('t-north'))?.domains).toHaveLength(2);
  });

  it('refuses a domain another tenant holds with 409 DomainTaken, changing nothing', async () => {
    await seed();
    const taken = await addDomain('t-south', 'north.test');
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('DomainTaken');
    expect(await world.store.findTenantIdByDomain('north.test')).toBe('t-north');
    expect((await world.tenancy.getTenant('t-south'))?.domains).toEqual(['south.test']);
  });

  it.each(['not a domain', 'localhost', '-bad.example', 42])(
    'refuses %j with 400 InputValidationError',
    async (domain) => {
      await seed();
      const refused = await addDomain('t-south', domain);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('InputValidationError');
      expect((await world.tenancy.getTenant('t-south'))?.domains).toEqual(['south.test']);
    },
  );

  it('is for platform admins only: a tenant admin gets 403 on their own tenant', async () => {
    await seed();
    const refused = await call(apis().admin, {
      routeKey: 'POST /admin/tenants/{tenantId}/domains',
      caller: NORTH_ADMIN,
      pathParameters: { tenantId: 't-north' },
      body: { domain: 'sneaky.north.example' },
    });
    expect(refused.status).toBe(403);
    expect(await world.store.findTenantIdByDomain('sneaky.north.example')).toBeUndefined();
  });

  it('to a tenant that does not exist is 404 NoSuchTenant', async () => {
    await seed();
    const missing = await addDomain('t-nowhere', 'nowhere.example');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NoSuchTenant');
    expect(await world.store.findTenantIdByDomain('nowhere.example')).toBeUndefined();
  });

  it('keeps the claim when SES fails, and the same request again finishes the job', async () => {
    await seed();
    const local = new LocalEmailIdentities();
    const failing: EmailIdentities = {
      ensure: async () => {
        throw new IdentityServiceError('SES could not create the identity');
      },
      describe: (domain) => local.describe(domain),
      remove: () => local.remove(),
    };
    const failed = await addDomain('t-south', 'retry.south.example', failing);
    expect(failed.status).toBe(500);
    expect(await world.store.findTenantIdByDomain('retry.south.example')).toBe('t-south');

    const retried = await addDomain('t-south', 'retry.south.example');
    expect(retried.status).toBe(200);
    expect(retried.body.state).toBe('verified');
  });

  it('creates a tenant even when SES fails; its domain is failed until added again', async () => {
    await seed();
    const noSes: EmailIdentities = {
      ensure: async () => {
        throw new IdentityServiceError('SES could not create the identity');
      },
      describe: async () => undefined,
      remove: async () => undefined,
    };
    const created = await call(apis(noSes).admin, {
      routeKey: 'POST /admin/tenants',
      caller: OPERATOR,
      body: { name: 'East', tier: 'commodity', domains: ['east.example'] },
    });
    expect(created.status).toBe(201);
    const tenantId = created.body.id as string;

    const listed = await listDomains(tenantId, OPERATOR, noSes);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ domain: 'east.example', state: 'failed' }),
    ]);
    const again = await addDomain(tenantId, 'east.example');
    expect([again.status, again.body.state]).toEqual([200, 'verified']);
  });

  it(`stops at the domain limit (${MAX_DOMAINS_PER_TENANT} a tenant) with TooManyDomains`, async () => {
    await seed();
    await expect(world.tenancy.claimDomain('t-south', 'one-too-many.example', 1)).rejects.toThrow(
      TooManyDomainsError,
    );
    expect(await world.store.findTenantIdByDomain('one-too-many.example')).toBeUndefined();
  });
});

describe('listing domains', () => {
  it('shows a tenant admin their own domains with state and records', async () => {
    await seed();
    const listed = await listDomains('t-north', NORTH_ADMIN);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((d: { domain: string }) => d.domain)).toContain('north.test');
    for (const item of listed.body.items) {
      expect(item.state).toBe('verified');
      expect(item.dnsRecords.length).toBeGreaterThanOrEqual(7);
    }
  });

  it('shows a platform admin any tenant’s domains', async () => {
    await seed();
    const listed = await listDomains('t-south', OPERATOR);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((d: { domain: string }) => d.domain)).toContain('south.test');
  });

  it('answers another tenant’s admin 404, and a plain user of the tenant 403', async () => {
    await seed();
    const cross = await listDomains('t-north', SOUTH_ADMIN);
    expect(cross.status).toBe(404);
    expect(cross.body.code).toBe('NoSuchTenant');
    expect(JSON.stringify(cross.body)).not.toContain('north.test');
    const plain = await listDomains('t-north', NORTH_USER);
    expect(plain.status).toBe(403);
  });
});

describe('removing a domain', () => {
  it('is refused with 409 DomainInUse while a mailbox was created on it', async () => {
    await seed();
    await addDomain('t-north', 'ward.north.example');
    const tenant = await world.tenancy.getTenant('t-north');
    await createUser(
      world.tenancy,
      world.identities,
      TINY_TIERS,
      tenant!,
      { address: 'nurse@ward.north.example', displayName: 'Nurse' },
      now,
    );

    const refused = await deleteDomain('t-north', 'ward.north.example');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('DomainInUse');
    expect(await world.store.findTenantIdByDomain('ward.north.example')).toBe('t-north');
    expect((await world.tenancy.getTenant('t-north'))?.domains).toContain('ward.north.example');
  });

  it('drops an unused domain from the table and the tenant; then it is 404 NoSuchDomain', async () => {
    await seed();
    await addDomain('t-south', 'spare.south.example');
    const removed = await deleteDomain('t-south', 'spare.south.example');
    expect(removed.status).toBe(204);
    expect(await world.store.findTenantIdByDomain('spare.south.example')).toBeUndefined();
    expect((await world.tenancy.getTenant('t-south'))?.domains).not.toContain(
      'spare.south.example',
    );

    const again = await deleteDomain('t-south', 'spare.south.example');
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('NoSuchDomain');
  });

  it('of another tenant’s domain is 404 NoSuchDomain and leaves it alone', async () => {
    await seed();
    const cross = await deleteDomain('t-south', 'north.test');
    expect(cross.status).toBe(404);
    expect(cross.body.code).toBe('NoSuchDomain');
    expect(await world.store.findTenantIdByDomain('north.test')).toBe('t-north');
  });

  it('is for platform admins only', async () => {
    await seed();
    const refused = await deleteDomain('t-north', 'north.test', {
      ...NORTH_ADMIN,
    } as typeof OPERATOR);
    expect(refused.status).toBe(403);
  });

  it('cannot cross a mailbox being created on it: the mailbox is refused as ForeignDomain', async () => {
    await seed();
    await addDomain('t-south', 'brief.south.example');
    const stale = await world.tenancy.getTenant('t-south');
    expect((await deleteDomain('t-south', 'brief.south.example')).status).toBe(204);

    await expect(
      createUser(
        world.tenancy,
        world.identities,
        TINY_TIERS,
        stale!,
        { address: 'late@brief.south.example', displayName: 'Late' },
        now,
      ),
    ).rejects.toBeInstanceOf(ForeignDomainError);
    expect(await world.tenancy.getMailbox('late@brief.south.example')).toBeUndefined();
  });
});
