import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3SharedObjects } from '@shared/blob/s3-shared-objects';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import type { PublicLinkDeps, DownloadNotice } from '@shared/share/link-deps';
import {
  LinkGoneError,
  LinkTooLongError,
  PasswordRefusedError,
  PasswordRequiredError,
  ShareNotShareableError,
  TooManyAttemptsError,
} from '@shared/share/link-model';
import {
  createLinks,
  extendLink,
  listLinks,
  revokeLink,
  type NewLinks,
} from '@shared/share/manage-links';
import type { Share } from '@shared/share/model';
import { grantDownload, viewLink } from '@shared/share/open-link';
import { hashLinkPassword } from '@shared/share/link-password';
import { hashLinkToken } from '@shared/share/link-token';
import { shareEvent } from '@shared/share/share-events';
import { DynamoAttemptLimiter } from '@shared/store/dynamo-attempt-limiter';
import { DynamoShareLinks } from '@shared/store/dynamo-share-links';
import { keys } from '@shared/store/keys';
import { scannedShare, type ShareFixture } from '@test/support/share-fixtures';
import { startLocalWorld, type LocalWorld } from '@test/support/local-world';

const OWNER = 'alice@links.test';
const SENDER = { name: 'Alice Example', address: OWNER, organisation: 'Links Trust' };
const CLIENT = { address: '198.51.100.7', userAgent: 'vitest' };
const MAX_LINK_DAYS = DEFAULT_TIERS.commodity.maxLinkDays;

let world: LocalWorld;
let links: DynamoShareLinks;
const notices: DownloadNotice[] = [];

beforeAll(async () => {
  world = await startLocalWorld();
  await world.addTenant('links', ['links.test']);
  await world.addMailbox(OWNER, 'links');
  links = new DynamoShareLinks(world.documents, world.names.table);
});

afterAll(async () => {
  await world?.stop();
});

function publicDeps(fixture: ShareFixture, now?: () => Date): PublicLinkDeps {
  return {
    shares: fixture.store,
    links,
    limiter: new DynamoAttemptLimiter(world.documents, world.names.table),
    objects: new S3SharedObjects(world.s3, world.names.shareBucket),
    notices: { tell: async (notice) => void notices.push(notice) },
    ...(now && { now }),
  };
}

async function cleanShare(options: Partial<Parameters<typeof scannedShare>[3]> = {}) {
  return scannedShare(world.documents, world.names.table, world.blobs, {
    owner: OWNER,
    tenantId: 'links',
    bucket: world.names.shareBucket,
    ...options,
  });
}

async function linkTo(
  fixture: ShareFixture,
  request: Partial<NewLinks> = {},
  policy: { allowUnscannable?: boolean } = {},
) {
  const created = await createLinks(
    { shares: fixture.store, links },
    fixture.share,
    SENDER,
    { notify: 'none', ...request },
    { maxLinkDays: MAX_LINK_DAYS, publicBaseUrl: 'https://share.example', ...policy },
  );
  return created.map((link) => ({ ...link, token: link.url.split('/s/')[1] as string }));
}

describe('share links', () => {
  it('stores only the SHA-256 of a 256-bit token', async () => {
    const fixture = await cleanShare();
    const [link] = await linkTo(fixture);
    expect(link!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await links.getById(fixture.share.id, link!.id);
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(link!.token);
  });

  it('gives exactly maxDownloads grants to 500 concurrent requests', async () => {
    const fixture = await cleanShare();
    const [link] = await linkTo(fixture, { maxDownloads: 3 });
    const deps = publicDeps(fixture);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 500 }, () => grantDownload(deps, link!.token, undefined, CLIENT)),
    );
    const granted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(granted).toHaveLength(3);
    expect(refused.every((o) => (o as PromiseRejectedResult).reason instanceof LinkGoneError)).toBe(
      true,
    );
    const stored = await links.getById(fixture.share.id, link!.id);
    expect(stored?.downloads).toBe(3);
  });

  it('serves the grant as a presigned GET of the same bytes with an attachment disposition', async () => {
    const fixture = await cleanShare({ name: 'Résumé "final".pdf' });
    const [link] = await linkTo(fixture);
    const download = await grantDownload(publicDeps(fixture), link!.token, undefined, CLIENT);
    expect(Date.parse(download.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const response = await fetch(download.url);
    expect(Buffer.from(await response.arrayBuffer()).equals(fixture.bytes)).toBe(true);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="R_sum_ final.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20final.pdf`,
    );
    // A range request on the same URL is part of the same grant: it is not counted again.
    const ranged = await fetch(download.url, { headers: { range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);
    expect((await links.getById(fixture.share.id, link!.id))?.downloads).toBe(1);
  });

  it('answers unknown, expired, revoked and exhausted links with the one LinkGoneError', async () => {
    const fixture = await cleanShare();
    const [revoked, exhausted, expiring] = await linkTo(fixture, {
      recipients: ['a@partner.example', 'b@partner.example', 'c@partner.example'],
      maxDownloads: 1,
    });
    await revokeLink({ shares: fixture.store, links }, fixture.share, revoked!.id, OWNER);
    await grantDownload(publicDeps(fixture), exhausted!.token, undefined, CLIENT);
    const later = () => new Date(Date.now() + (MAX_LINK_DAYS + 1) * 86_400_000);
    const unknown = 'A'.repeat(43);
    for (const [token, deps] of [
      [unknown, publicDeps(fixture)],
      ['not a token', publicDeps(fixture)],
      [revoked!.token, publicDeps(fixture)],
      [exhausted!.token, publicDeps(fixture)],
      [expiring!.token, publicDeps(fixture, later)],
    ] as const) {
      await expect(viewLink(deps, token)).rejects.toBeInstanceOf(LinkGoneError);
      await expect(grantDownload(deps, token, undefined, CLIENT)).rejects.toBeInstanceOf(
        LinkGoneError,
      );
    }
    // The expired link's first use after its expiry is in the trail, once.
    const { items } = await fixture.store.listEvents(fixture.share.id, 100);
    const expired = items.filter((e) => e.kind === 'link-expired').map((e) => e.linkId);
    expect(expired).toEqual([expiring!.id]);
  });

  it('makes one link per recipient, each revoked apart', async () => {
    const fixture = await cleanShare();
    const created = await linkTo(fixture, {
      recipients: ['a@partner.example', 'b@partner.example'],
    });
    expect(created.map((l) => l.recipient)).toEqual(['a@partner.example', 'b@partner.example']);
    await revokeLink({ shares: fixture.store, links }, fixture.share, created[0]!.id, OWNER);
    const listed = await listLinks({ shares: fixture.store, links }, fixture.share);
    expect(listed.map((l) => [l.recipient, l.state])).toEqual([
      ['a@partner.example', 'revoked'],
      ['b@partner.example', 'active'],
    ]);
    await expect(
      grantDownload(publicDeps(fixture), created[0]!.token, undefined, CLIENT),
    ).rejects.toBeInstanceOf(LinkGoneError);
    await expect(
      grantDownload(publicDeps(fixture), created[1]!.token, undefined, CLIENT),
    ).resolves.toBeDefined();
  });

  it('keeps links within the tier and the share, and extends them only within it', async () => {
    const fixture = await cleanShare();
    const tooLong = new Date(Date.now() + (MAX_LINK_DAYS + 1) * 86_400_000).toISOString();
    await expect(linkTo(fixture, { expiresAt: tooLong })).rejects.toBeInstanceOf(LinkTooLongError);
    const [link] = await linkTo(fixture, {
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await expect(
      extendLink({ shares: fixture.store, links }, fixture.share, link!.id, tooLong, {
        maxLinkDays: MAX_LINK_DAYS,
        by: OWNER,
      }),
    ).rejects.toBeInstanceOf(LinkTooLongError);
    const longer = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const extended = await extendLink(
      { shares: fixture.store, links },
      fixture.share,
      link!.id,
      longer,
      {
        maxLinkDays: MAX_LINK_DAYS,
        by: OWNER,
      },
    );
    expect(extended.expiresAt).toBe(longer);
  });

  it('gives links and grants only to clean shares that were not taken down', async () => {
    for (const verdict of ['infected', 'unscannable'] as const) {
      const fixture = await cleanShare({ verdict });
      await expect(linkTo(fixture)).rejects.toBeInstanceOf(ShareNotShareableError);
    }
    const fixture = await cleanShare();
    const [first, second] = await linkTo(fixture, {
      recipients: ['a@partner.example', 'b@partner.example'],
    });
    const at = new Date().toISOString();
    const share: Share = fixture.share;
    await fixture.store.takeDown(
      share,
      'admin@links.test',
      at,
      shareEvent(share, 'taken-down', 'admin@links.test', at),
    );
    for (const link of [first!, second!]) {
      await expect(
        grantDownload(publicDeps(fixture), link.token, undefined, CLIENT),
      ).rejects.toBeInstanceOf(LinkGoneError);
    }
    await expect(linkTo(fixture)).rejects.toBeInstanceOf(ShareNotShareableError);
  });

  it('shares an unscannable file where the tenant’s policy allows it, never an infected one', async () => {
    const unscannable = await cleanShare({ verdict: 'unscannable' });
    const [link] = await linkTo(unscannable, {}, { allowUnscannable: true });
    const download = await grantDownload(publicDeps(unscannable), link!.token, undefined, CLIENT);
    expect(download.size).toBe(unscannable.bytes.length);
    expect((await viewLink(publicDeps(unscannable), link!.token)).fileName).toBe(
      unscannable.share.name,
    );
    const infected = await cleanShare({ verdict: 'infected' });
    await expect(linkTo(infected, {}, { allowUnscannable: true })).rejects.toBeInstanceOf(
      ShareNotShareableError,
    );
  });
});

/**
 * The limiter tests make dozens of guesses; each link's hash keeps its own scrypt cost, so these
 * links get a cheap one (the production cost is checked in the first test).
 */
async function cheapen(token: string, password: string) {
  await world.documents.send(
    new UpdateCommand({
      TableName: world.names.table,
      Key: keys.link(hashLinkToken(token)),
      UpdateExpression: 'SET passwordHash = :hash',
      ExpressionAttributeValues: {
        ':hash': await hashLinkPassword(password, { N: 1024, r: 8, p: 1 }),
      },
    }),
  );
}

describe('link passwords', () => {
  it('refuses a wrong password and grants on the right one', async () => {
    const fixture = await cleanShare();
    const [link] = await linkTo(fixture, { password: 'correct horse' });
    const deps = publicDeps(fixture);
    expect((await viewLink(deps, link!.token)).needsPassword).toBe(true);
    await expect(grantDownload(deps, link!.token, undefined, CLIENT)).rejects.toBeInstanceOf(
      PasswordRequiredError,
    );
    await expect(grantDownload(deps, link!.token, 'battery staple', CLIENT)).rejects.toBeInstanceOf(
      PasswordRefusedError,
    );
    await expect(grantDownload(deps, link!.token, 'correct horse', CLIENT)).resolves.toBeDefined();
    const stored = await world.documents.send(
      new GetCommand({
        TableName: world.names.table,
        Key: keys.link((await links.getById(fixture.share.id, link!.id))!.tokenHash),
      }),
    );
    expect(stored.Item?.passwordHash).toMatch(/^scrypt\$32768\$8\$3\$/);
  });

  it('allows 5 wrong passwords per link and address in 10 minutes, charged before the hash', async () => {
    const fixture = await cleanShare();
    const [link, other] = await linkTo(fixture, {
      password: 'correct horse',
      recipients: ['a@partner.example', 'b@partner.example'],
    });
    await Promise.all([
      cheapen(link!.token, 'correct horse'),
      cheapen(other!.token, 'correct horse'),
    ]);
    const deps = publicDeps(fixture);
    const guesses = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => grantDownload(deps, link!.token, `guess ${i}`, CLIENT)),
    );
    const refusedByHash = guesses.filter(
      (g) => g.status === 'rejected' && g.reason instanceof PasswordRefusedError,
    );
    expect(refusedByHash.length).toBeLessThanOrEqual(5);
    expect(guesses.every((g) => g.status === 'rejected')).toBe(true);
    // The right password from the same address is now refused too, before the hash is checked.
    await expect(grantDownload(deps, link!.token, 'correct horse', CLIENT)).rejects.toBeInstanceOf(
      TooManyAttemptsError,
    );
    // Another address on the same link, and the same address on another link, still get in.
    await expect(
      grantDownload(deps, link!.token, 'correct horse', { ...CLIENT, address: '203.0.113.9' }),
    ).resolves.toBeDefined();
    await expect(grantDownload(deps, other!.token, 'correct horse', CLIENT)).resolves.toBeDefined();
    // Ten minutes later the address may try again.
    const later = publicDeps(fixture, () => new Date(Date.now() + 10 * 60_000 + 1000));
    await expect(grantDownload(later, link!.token, 'correct horse', CLIENT)).resolves.toBeDefined();
  });

  it('allows 50 wrong passwords per link in an hour, from any number of addresses', async () => {
    const fixture = await cleanShare();
    const [link] = await linkTo(fixture, { password: 'correct horse' });
    await cheapen(link!.token, 'correct horse');
    const deps = publicDeps(fixture);
    let refused = 0;
    for (let i = 0; i < 55; i++) {
      const client = { ...CLIENT, address: `192.0.2.${Math.floor(i / 5)}` };
      await grantDownload(deps, link!.token, `guess ${i}`, client).catch((error: unknown) => {
        if (error instanceof PasswordRefusedError) refused++;
        else if (!(error instanceof TooManyAttemptsError)) throw error;
      });
    }
    expect(refused).toBe(50);
    await expect(
      grantDownload(deps, link!.token, 'correct horse', { ...CLIENT, address: '192.0.2.200' }),
    ).rejects.toBeInstanceOf(TooManyAttemptsError);
  });
});

describe('download notices', () => {
  it('tells the owner of the first download only, or of every one', async () => {
    const fixture = await cleanShare();
    const [first, every] = await Promise.all([
      linkTo(fixture, { notify: 'first' }),
      linkTo(fixture, { notify: 'every' }),
    ]);
    notices.length = 0;
    const deps = publicDeps(fixture);
    for (let i = 0; i < 3; i++) await grantDownload(deps, first[0]!.token, undefined, CLIENT);
    expect(notices.filter((n) => n.linkId === first[0]!.id)).toHaveLength(1);
    for (let i = 0; i < 3; i++) await grantDownload(deps, every[0]!.token, undefined, CLIENT);
    expect(notices.filter((n) => n.linkId === every[0]!.id)).toHaveLength(3);
    expect(notices[0]).toMatchObject({
      owner: OWNER,
      clientAddress: CLIENT.address,
      userAgent: 'vitest',
    });
  });
});
