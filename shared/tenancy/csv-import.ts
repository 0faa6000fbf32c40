import { createHash, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import * as z from '../validation/zod';
import { IMPORT_PREFIX } from '../config/resource-names';
import type { TierTable } from '../config/tiers';
import { AlreadyExistsError } from '../errors/common-errors';
import { domainOf, normaliseAddress } from '../address/address';
import type { Tenant } from './model';
import type { Identities } from '../sign-in/identities';
import {
  ImportInvalidError,
  ImportNotUploadedError,
  ImportTooLargeError,
  NoSuchImportError,
} from './errors';
import type { ImportJob, ImportRowResult, TenancyStore } from './tenancy-store';
import { createUser, type NewUser } from './users';

/** A job is run inside one API request (30 s): these bounds keep it well inside that. */
export const MAX_IMPORT_BYTES = 256 * 1024;
export const MAX_IMPORT_ROWS = 1000;
/** Mailboxes created at once while applying; each is its own small transaction. */
const APPLY_CONCURRENCY = 8;
/** How long the presigned upload URL works. */
export const UPLOAD_URL_SECONDS = 15 * 60;

/**
 * What a job keeps of each row echoes the file, and the job is one DynamoDB item (400 KB at
 * most). Addresses are bounded by the file itself (256 KiB); error texts are not (one bad cell
 * can name every column of a wide header, on every row), so they are capped per message, per
 * row and per job. Rows past the job's budget keep their line and outcome only.
 */
export const STORED_ADDRESS_CHARS = 320;
export const STORED_ERROR_CHARS = 200;
export const STORED_ERRORS_PER_ROW = 5;
export const STORED_ERROR_CHARS_PER_JOB = 48 * 1024;

/** Where uploads go: S3 (attachments bucket, `imports/` prefix) through presigned PUT URLs. */
export interface ImportFiles {
  uploadUrl(key: string, expiresInSeconds: number): Promise<string>;
  /** The object's bytes; undefined if nothing was uploaded; ImportTooLargeError past `maxBytes`. */
  read(key: string, maxBytes: number): Promise<Uint8Array | undefined>;
}

export interface ImportDeps {
  store: TenancyStore;
  /** Each created user's sign-in account, made as createUser makes it. */
  identities: Identities;
  files: ImportFiles;
  tiers: TierTable;
}

const rowSchema = z.strictObject({
  address: z.email().check(z.maxLength(254)),
  displayName: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
  jobTitle: z.optional(z.string().check(z.trim(), z.maxLength(128))),
  role: z.optional(z.enum(['user', 'tenant-admin'])),
});

export const importObjectKey = (tenantId: string, jobId: string) =>
  `${IMPORT_PREFIX}${tenantId}/${jobId}.csv`;

/** Opens a job and hands back where to PUT the CSV. */
export async function startImport(
  deps: ImportDeps,
  tenant: Tenant,
  now: Date,
  id: string = randomUUID(),
) {
  const job: ImportJob = {
    id,
    tenantId: tenant.id,
    objectKey: importObjectKey(tenant.id, id),
    status: 'awaiting-upload',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.store.putImportJob(job);
  const uploadUrl = await deps.files.uploadUrl(job.objectKey, UPLOAD_URL_SECONDS);
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return { job, upload: { url: uploadUrl, method: 'PUT' as const, expiresAt } };
}

export async function getImport(
  store: Pick<TenancyStore, 'getImportJob'>,
  tenant: Tenant,
  jobId: string,
) {
  const job = await store.getImportJob(tenant.id, jobId);
  if (!job) throw new NoSuchImportError();
  return job;
}

const clip = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** The rows as the job keeps them: within the bounds above, whatever the file held. */
function storedRows(rows: ImportRowResult[]): ImportRowResult[] {
  let budget = STORED_ERROR_CHARS_PER_JOB;
  return rows.map(({ errors, ...row }) => {
    const stored: ImportRowResult = {
      ...row,
      ...(row.address !== undefined && { address: clip(row.address, STORED_ADDRESS_CHARS) }),
    };
    if (!errors || errors.length === 0) return stored;
    const kept = errors
      .slice(0, STORED_ERRORS_PER_ROW)
      .map((error) => clip(error, STORED_ERROR_CHARS));
    if (errors.length > STORED_ERRORS_PER_ROW) {
      kept[STORED_ERRORS_PER_ROW - 1] = `… and ${errors.length - STORED_ERRORS_PER_ROW + 1} more`;
    }
    const size = kept.reduce((sum, error) => sum + error.length, 0);
    if (size > budget) return stored;
    budget -= size;
    return { ...stored, errors: kept };
  });
}

/** Empty cells are "not given"; csv-parse hands them over as empty strings. */
function given(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value.trim() !== ''));
}

function parseRows(bytes: Uint8Array): Record<string, string>[] {
  try {
    return parse(Buffer.from(bytes), {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    throw new ImportInvalidError(`The file is not valid CSV: ${(error as Error).message}`);
  }
}

/**
 * Validates every row first (schema, the tenant's domains, duplicates in the file, addresses
 * held by another tenant); if any row is bad, nothing is applied. Otherwise, unless `dryRun`,
 * creates the users that do not exist yet. Idempotent by address: running the same file again,
 * in this job or a new one, creates nobody twice (those rows say `unchanged`).
 */
export async function runImport(
  deps: ImportDeps,
  tenant: Tenant,
  jobId: string,
  dryRun: boolean,
  now: Date,
): Promise<ImportJob> {
  const job = await getImport(deps.store, tenant, jobId);
  const bytes = await deps.files.read(job.objectKey, MAX_IMPORT_BYTES);
  if (!bytes) throw new ImportNotUploadedError();
  const records = parseRows(bytes);
  if (records.length > MAX_IMPORT_ROWS) {
    throw new ImportTooLargeError(
      `At most ${MAX_IMPORT_ROWS} rows per file; this one has ${records.length}.`,
    );
  }

  const seen = new Set<string>();
  const rows: (ImportRowResult & { user?: NewUser })[] = [];
  for (const [i, record] of records.entries()) {
    const line = i + 2; // the header is line 1
    const parsed = rowSchema.safeParse(given(record));
    if (!parsed.success) {
      const errors = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`,
      );
      rows.push({
        line,
        ...(record.address && { address: record.address }),
        outcome: 'invalid',
        errors,
      });
      continue;
    }
    const user = { ...parsed.data, address: normaliseAddress(parsed.data.address) };
    const errors: string[] = [];
    if (!tenant.domains.includes(domainOf(user.address)))
      errors.push('address: not on a domain of this tenant');
    if (seen.has(user.address)) errors.push('address: appears more than once in the file');
    seen.add(user.address);
    const existing = errors.length === 0 ? await deps.store.getMailbox(user.address) : undefined;
    if (existing && existing.tenantId !== tenant.id) errors.push('address: taken');
    if (errors.length > 0) rows.push({ line, address: user.address, outcome: 'invalid', errors });
    else
      rows.push({
        line,
        address: user.address,
        outcome: existing ? 'would-keep' : 'would-create',
        user,
      });
  }

  const valid = rows.every((row) => row.outcome !== 'invalid');
  if (valid && !dryRun) {
    for (let start = 0; start < rows.length; start += APPLY_CONCURRENCY) {
      await Promise.all(
        rows.slice(start, start + APPLY_CONCURRENCY).map(async (row) => {
          if (row.outcome === 'would-keep' || !row.user) return void (row.outcome = 'unchanged');
          try {
            await createUser(deps.store, deps.identities, deps.tiers, tenant, row.user, now);
            row.outcome = 'created';
          } catch (error) {
            // Created meanwhile by someone else (another run of the same file): nothing to do.
            if (!(error instanceof AlreadyExistsError)) throw error;
            row.outcome = 'unchanged';
          }
        }),
      );
    }
  }
  const updated: ImportJob = {
    ...job,
    status: !valid ? 'invalid' : dryRun ? 'validated' : 'applied',
    dryRun,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    updatedAt: now.toISOString(),
    rows: storedRows(rows.map(({ user: _user, ...row }) => row)),
  };
  await deps.store.putImportJob(updated);
  return updated;
}
