import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { sweepDueShares } from '@shared/share/expiry-sweep';
import { isShareable } from '@shared/share/model';
import type { ShareDeps } from '@shared/share/share-deps';
import { completeShareUpload, startShareUpload } from '@shared/share/uploads';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { startLocalWorld, type LocalWorld } from '../support/local-world';
import { putPart } from '../support/share-upload';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const owner = { address: 'ann@expiry.test', tenantId: 'expiry' };

let world: LocalWorld;
let deps: ShareDeps;
let clock = new Date('2026-12-01T09:00:00.000Z');

beforeAll(async () => {
  world = await startLocalWorld();
  await world.addTenant(owner.tenantId, ['expiry.test']);
  await world.addMailbox(owner.address, owner.tenantId);
  deps = {
    store: new DynamoShareStore(world.documents, LOCAL_RESOURCE_NAMES.table),
    objects: sharedObjectsFromEnv(world.s3, LOCAL_RESOURCE_NAMES.shareBucket, world.standIns.env),
    now: () => clock,
  };
});

afterAll(async () => {
  await world?.stop();
});

const used = async () => (await world.store.getMailbox(owner.address))?.shareBytesUsed ?? 0;

/** A share of `bytes` with its one part uploaded, completed or left open. */
async function share(bytes: number, complete: boolean) {
  const { share, parts } = await startShareUpload(deps, owner, DEFAULT_TIERS.commodity, {
    name: 'file.bin',
    size: bytes,
    contentType: 'application/octet-stream',
  });
  expect((await putPart(parts[0]!.url, Buffer.alloc(bytes, 1))).status).toBe(200);
  if (complete) await completeShareUpload(deps, owner, share.id);
  return share;
}

describe('the expiry sweep', () => {
  it('aborts abandoned uploads and deletes expired shares, giving their space back', async () => {
    const kept = await share(1000, true);
    const abandoned = await share(500, false);
    expect(await used()).toBe(1500);

    clock = new Date(clock.getTime() + HOUR);
    expect(await sweepDueShares(deps)).toMatchObject({ expired: 0, aborted: 0, freedBytes: 0 });

    // A day later the open upload is past its deadline: aborted, reservation freed.
    clock = new Date(clock.getTime() + DAY);
    expect(await sweepDueShares(deps)).toMatchObject({ expired: 0, aborted: 1, freedBytes: 500 });
    expect(await used()).toBe(1000);
    expect(await deps.objects.listParts(abandoned.key, abandoned.uploadId)).toBeUndefined();
    expect(await deps.store.getShare(abandoned.id)).toBeUndefined();
    expect(await deps.objects.sizeOf(kept.key)).toBe(1000);

    // Past the share's expiry its object goes too, and the trail says why.
    clock = new Date(kept.expiresAt);
    expect(await sweepDueShares(deps)).toMatchObject({ expired: 1, aborted: 0, freedBytes: 1000 });
    expect(await used()).toBe(0);
    expect(await deps.objects.sizeOf(kept.key)).toBeUndefined();
    expect(await deps.store.getShare(kept.id)).toBeUndefined();
    const trail = await deps.store.listEvents(kept.id, 10);
    expect(trail.items.map((e) => e.kind)).toEqual(['created', 'upload-completed', 'expired']);
    const abortTrail = await deps.store.listEvents(abandoned.id, 10);
    expect(abortTrail.items.map((e) => e.kind)).toEqual(['created', 'upload-aborted']);

    // Nothing is removed twice.
    expect(await sweepDueShares(deps)).toMatchObject({ expired: 0, aborted: 0, freedBytes: 0 });
    expect(await used()).toBe(0);
  });
});

describe('an upload past its deadline', () => {
  it('cannot be completed: it is the sweep’s, which aborts it and frees its space', async () => {
    const late = await share(700, false);
    expect(await used()).toBe(700);
    clock = new Date(new Date(late.uploadDeadline).getTime() + 1000);
    // Completing now would race the sweep, which may already be removing it.
    await expect(completeShareUpload(deps, owner, late.id)).rejects.toMatchObject({
      code: 'ShareNotUploading',
    });
    expect((await deps.store.getShare(late.id))?.state).toBe('uploading');
    expect(await sweepDueShares(deps)).toMatchObject({ aborted: 1, freedBytes: 700 });
    expect(await used()).toBe(0);
  });
});

describe('the share store, for the links code', () => {
  it('lists a tenant’s shares newest first and takes one down with an audit event', async () => {
    const first = await share(10, true);
    clock = new Date(clock.getTime() + 1000);
    const second = await share(20, true);
    const listed = await deps.store.listTenantShares(owner.tenantId, 10);
    expect(listed.items.map((s) => s.id)).toEqual([second.id, first.id]);
    expect((await deps.store.listTenantShares('another-tenant', 10)).items).toEqual([]);

    const at = clock.toISOString();
    const taken = await deps.store.takeDown(second, 'admin@expiry.test', at, {
      shareId: second.id,
      at,
      kind: 'taken-down',
      actor: 'admin@expiry.test',
    });
    expect(taken).toBe(true);
    const after = await deps.store.getShare(second.id);
    expect(after).toMatchObject({ takenDown: true, takenDownBy: 'admin@expiry.test' });
    expect(isShareable({ ...after!, state: 'clean' })).toBe(false);
    const trail = await deps.store.listEvents(second.id, 10);
    expect(trail.items.map((e) => e.kind)).toContain('taken-down');
  });
});
