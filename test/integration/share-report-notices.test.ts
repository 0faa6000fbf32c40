import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { createLinks } from '@shared/share/manage-links';
import { noticeNewReports, type ReportNoticeDeps } from '@shared/share/report-notices';
import { reportShare } from '@shared/share/share-reports';
import { DynamoAttemptLimiter } from '@shared/store/dynamo-attempt-limiter';
import { DynamoShareLinks } from '@shared/store/dynamo-share-links';
import { DynamoShareReports } from '@shared/store/dynamo-share-reports';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { keys } from '@shared/store/keys';
import { startLocalWorld, type LocalWorld } from '@test/support/local-world';
import { MailboxAdminNotices } from '../../functions/share-sweep/mailbox-admin-notices';
import { scannedShare } from '@test/support/share-fixtures';

const OWNER = 'owner@reported.test';
const ADMINS = ['admin1@reported.test', 'admin2@reported.test'];
const USER = 'user@reported.test';
const OTHER_ADMIN = 'admin@other.test';
const CLIENT = { address: '198.51.100.9', userAgent: 'vitest' };

let world: LocalWorld;
let reports: DynamoShareReports;

async function makeAdmin(address: string): Promise<void> {
  await world.documents.send(
    new UpdateCommand({
      TableName: world.names.table,
      Key: keys.mailbox(address),
      UpdateExpression: 'SET #role = :admin',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':admin': 'tenant-admin' },
    }),
  );
}

beforeAll(async () => {
  world = await startLocalWorld();
  await world.addTenant('reported', ['reported.test']);
  await world.addTenant('other', ['other.test']);
  for (const address of [OWNER, USER, ...ADMINS]) await world.addMailbox(address, 'reported');
  await world.addMailbox(OTHER_ADMIN, 'other');
  for (const address of [...ADMINS, OTHER_ADMIN]) await makeAdmin(address);
  reports = new DynamoShareReports(world.documents, world.names.table);
});

afterAll(async () => {
  await world?.stop();
});

function sweepDeps(): ReportNoticeDeps {
  return {
    reports,
    shares: { getShare: (id) => shareStore.getShare(id) },
    tenancy: world.tenancy,
    notices: new MailboxAdminNotices({
      store: world.store,
      blobs: world.blobs,
      attachmentsBucket: world.names.attachmentsBucket,
      storedMessages: new DynamoStoredMessages(world.documents, world.names.table),
    }),
  };
}

let shareStore: Awaited<ReturnType<typeof scannedShare>>['store'];

async function reportNotices(address: string) {
  const inbox = await world.store.listFolder(address, 'inbox', 100);
  return inbox.items.filter((m) => m.subject.startsWith('A shared file was reported'));
}

describe('abuse report notices (share-sweep)', () => {
  it('tells each active tenant admin once, and nobody else, of a new report', async () => {
    const fixture = await scannedShare(world.documents, world.names.table, world.blobs, {
      owner: OWNER,
      tenantId: 'reported',
      bucket: world.names.shareBucket,
      name: 'leaked-list.xlsx',
    });
    shareStore = fixture.store;
    const links = new DynamoShareLinks(world.documents, world.names.table);
    const [link] = await createLinks(
      { shares: fixture.store, links },
      fixture.share,
      { name: 'Owner', address: OWNER, organisation: 'Reported Ltd' },
      { notify: 'none' },
      { maxLinkDays: DEFAULT_TIERS.commodity.maxLinkDays, publicBaseUrl: 'https://share.example' },
    );
    const token = link!.url.split('/s/')[1] as string;
    await reportShare(
      {
        shares: fixture.store,
        links,
        reports,
        limiter: new DynamoAttemptLimiter(world.documents, world.names.table),
      },
      token,
      'Personal data of our patients',
      CLIENT,
    );

    // Two runs at once, then one more: the report is told exactly once.
    const runs = await Promise.all([noticeNewReports(sweepDeps()), noticeNewReports(sweepDeps())]);
    expect(runs.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(await noticeNewReports(sweepDeps())).toBe(0);

    for (const admin of ADMINS) {
      const notices = await reportNotices(admin);
      expect(notices).toHaveLength(1);
      const message = await world.store.getMessage(admin, notices[0]!.id);
      expect(message?.headers).toContainEqual({ key: 'x-sesame-notice', value: 'share-report' });
      expect(message?.text).toContain('leaked-list.xlsx');
      expect(message?.text).toContain(OWNER);
      expect(message?.text).toContain('Personal data of our patients');
      expect(message?.text).toContain(`POST /tenants/reported/shares/${fixture.share.id}/takedown`);
    }
    for (const bystander of [USER, OWNER, OTHER_ADMIN])
      expect(await reportNotices(bystander)).toHaveLength(0);
    const [listed] = (await reports.listTenantReports('reported', 10)).items;
    expect(listed?.notifiedAt).toBeDefined();
  });
});
