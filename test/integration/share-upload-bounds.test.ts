import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { SHARE_LIMITS } from '@shared/share/limits';
import type { ShareDeps } from '@shared/share/share-deps';
import { sharePartUrls, startShareUpload } from '@shared/share/uploads';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { startLocalWorld, type LocalWorld } from '../support/local-world';

const owner = { address: 'bea@bounds.test', tenantId: 'bounds' };

let world: LocalWorld;
let deps: ShareDeps;

beforeAll(async () => {
  world = await startLocalWorld();
  await world.addTenant(owner.tenantId, ['bounds.test']);
  await world.addMailbox(owner.address, owner.tenantId);
  deps = {
    store: new DynamoShareStore(world.documents, LOCAL_RESOURCE_NAMES.table),
    objects: sharedObjectsFromEnv(world.s3, LOCAL_RESOURCE_NAMES.shareBucket, world.standIns.env),
  };
});

afterAll(async () => {
  await world?.stop();
});

describe('a presigned part URL', () => {
  it('is asked for the exact size of its part, the last part the rest', async () => {
    const signed: { partNumber: number; size: number }[] = [];
    const objects = deps.objects;
    const recording: ShareDeps = {
      ...deps,
      objects: Object.assign(Object.create(objects) as typeof objects, {
        partUrls: (...args: Parameters<typeof objects.partUrls>) => {
          signed.push(...args[2]);
          return objects.partUrls(...args);
        },
      }),
    };
    const partSize = SHARE_LIMITS.defaultPartBytes;
    const size = 2 * partSize + 3;
    const { share, parts } = await startShareUpload(recording, owner, DEFAULT_TIERS.commodity, {
      name: 'three-parts.bin',
      size,
      contentType: 'application/octet-stream',
    });
    expect(parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(signed).toEqual([
      { partNumber: 1, size: partSize },
      { partNumber: 2, size: partSize },
      { partNumber: 3, size: 3 },
    ]);
    // Each URL signs its length (s3rver does not check SigV4; S3 does, and refuses others).
    for (const part of parts) {
      const signedHeaders = new URL(part.url).searchParams.get('X-Amz-SignedHeaders');
      expect(signedHeaders?.split(';')).toContain('content-length');
    }

    signed.length = 0;
    await sharePartUrls(recording, owner, share.id, [3, 1]);
    expect(signed).toEqual([
      { partNumber: 1, size: partSize },
      { partNumber: 3, size: 3 },
    ]);
  });
});

describe('a share’s expiry', () => {
  it('cannot be asked for in the past, where TTL would drop the share before the sweep', async () => {
    const used = async () => (await world.store.getMailbox(owner.address))?.shareBytesUsed ?? 0;
    const before = await used();
    // Eight days ago: the item's TTL (expiry + 7 days) is already due, the sweep's due marker
    // (the upload deadline) only tomorrow, so TTL would take the record and keep the space.
    const past = new Date(Date.now() - 8 * 86_400_000);
    await expect(
      startShareUpload(deps, owner, DEFAULT_TIERS.commodity, {
        name: 'late.bin',
        size: 100,
        contentType: 'application/octet-stream',
        expiresAt: past,
      }),
    ).rejects.toMatchObject({ code: 'InputValidationError' });
    expect(await used()).toBe(before);
    const listed = await deps.store.listOwnerShares(owner.address, 100);
    expect(listed.items.map((s) => s.name)).not.toContain('late.bin');
  });
});
