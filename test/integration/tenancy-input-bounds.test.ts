import type { Identities } from '@shared/sign-in/identities';
import { describe, expect, it } from 'vitest';
import { S3ImportFiles } from '@shared/blob/s3-import-files';
import { resolveTiers } from '@shared/config/tiers';
import type { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { TENANTS_PARTITION } from '@shared/store/dynamo-tenancy-store';
import { InvalidCursorError } from '@shared/paging/cursor-codec';
import {
  getImport,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  runImport,
  startImport,
  STORED_ADDRESS_CHARS,
  STORED_ERROR_CHARS,
  STORED_ERRORS_PER_ROW,
} from '@shared/tenancy/csv-import';
import { createTenant } from '@shared/tenancy/tenants';
import type { LocalWorld } from '@test/support/local-world';
import { TEST_NOW, useLocalWorld } from '@test/support/tenancy-fixtures';

const tiers = resolveTiers({});
const now = TEST_NOW;
/** DynamoDB's item size limit: a job is one item. */
const DYNAMODB_ITEM_BYTES = 400 * 1024;

let world: LocalWorld;
let store: DynamoTenancyStore;
let identities: Identities;
useLocalWorld((started) => {
  world = started;
  store = started.tenancy;
  identities = started.identities;
});

const cursorOf = (key: Record<string, string>) =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

describe('a page cursor', () => {
  it('naming the right partition but empty keys is refused as InvalidCursor, not sent to DynamoDB', async () => {
    const cursor = cursorOf({ PK: '', SK: '', GSI3PK: TENANTS_PARTITION, GSI3SK: '' });
    await expect(store.listTenants(10, cursor)).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('an import job', () => {
  it('of a wide, all-wrong CSV is stored within DynamoDB’s item limit, every row bounded', async () => {
    const tenant = await createTenant(
      store,
      { name: 'Wide', tier: 'commodity', domains: ['wide.test'], largeMailboxSeats: 0 },
      now,
    );
    const files = new S3ImportFiles(world.s3, world.names.attachmentsBucket);
    const deps = { store, identities, files, tiers };
    const { job } = await startImport(deps, tenant, now);
    // Every unexpected column is named again in every row's error: ~3 KB of errors per row.
    const extra = Array.from(
      { length: 100 },
      (_, i) => `unexpected_column_${String(i).padStart(3, '0')}`,
    );
    const rows = Array.from(
      { length: MAX_IMPORT_ROWS - 1 },
      (_, i) => `bad-${i},Name,${extra.map(() => 'x').join(',')}`,
    );
    const longAddress = `${'a'.repeat(2000)}@wide.test`;
    rows.push(`${longAddress},Name,${extra.map(() => 'x').join(',')}`);
    const csv = [`address,displayName,${extra.join(',')}`, ...rows, ''].join('\n');
    expect(csv.length).toBeLessThan(MAX_IMPORT_BYTES);
    await world.blobs.put(world.names.attachmentsBucket, job.objectKey, csv, 'text/csv');

    const result = await runImport(deps, tenant, job.id, false, now);

    expect(result.status).toBe('invalid');
    expect(result.rows).toHaveLength(MAX_IMPORT_ROWS);
    for (const row of result.rows ?? []) {
      expect(row.outcome).toBe('invalid');
      expect(row.address?.length ?? 0).toBeLessThanOrEqual(STORED_ADDRESS_CHARS);
      expect(row.errors?.length ?? 0).toBeLessThanOrEqual(STORED_ERRORS_PER_ROW);
      for (const error of row.errors ?? []) {
        expect(error.length).toBeLessThanOrEqual(STORED_ERROR_CHARS);
      }
    }
    // The first rows still say why; the long address is cut, not dropped.
    expect(result.rows?.[0]?.errors?.join(' ')).toMatch(/unexpected_column_000/);
    expect(result.rows?.at(-1)?.address).toMatch(/^a{100}/);
    const stored = await getImport(store, tenant, job.id);
    expect(stored).toEqual(result);
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(DYNAMODB_ITEM_BYTES);
  });
});
