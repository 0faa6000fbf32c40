import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { EICAR } from '@shared/scan/content-checks';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { readRuntimeInfo } from '../../infra/local/runtime-file';
import { localS3Client } from '../../infra/local/stand-ins';
import { emulatorToken } from '../support/emulator-token';
import { httpClient } from '../support/http-client';
import { startTestSesame, stopTestSesame } from '../support/local-sesame';
import {
  fileSha256,
  partBytes,
  putPart,
  uploadSmallFile,
  type StartedShare,
} from '../support/share-upload';

const MiB = 1024 ** 2;
const BIG = 200 * MiB;
/** How long a scan may take on a loaded machine before the test gives up waiting. */
const SCAN_WAIT_MS = 120_000;
/** Small tiers, so that share space runs out within a test. */
const TIERS = {
  ...DEFAULT_TIERS,
  commodity: { ...DEFAULT_TIERS.commodity, shareBytes: 256 * MiB, maxShareFileBytes: 220 * MiB },
};

let sesame: LocalRuntime;
let dataDir = '';
let api: ReturnType<typeof httpClient>;
let s3: S3Client;
let alice = '';
let bob = '';
let outsider = '';

beforeAll(async () => {
  ({ sesame, dataDir } = await startTestSesame('share', { tiers: TIERS }));
  api = httpClient(sesame.api.url);
  s3 = localS3Client(readRuntimeInfo(dataDir)?.s3Endpoint ?? '');
  alice = await emulatorToken(sesame, { address: 'alice@demo.test', tenantId: 'demo' });
  bob = await emulatorToken(sesame, { address: 'bob@demo.test', tenantId: 'demo' });
  const platform = await emulatorToken(sesame, {
    address: 'ops@demo.test',
    tenantId: 'demo',
    groups: ['platform-admin'],
  });
  const other = await api<{ id: string }>('POST', '/admin/tenants', platform, {
    name: 'Other',
    tier: 'commodity',
    domains: ['other.test'],
  });
  await api('POST', `/tenants/${other.body.id}/users`, platform, {
    address: 'eve@other.test',
    displayName: 'Eve',
  });
  outsider = await emulatorToken(sesame, { address: 'eve@other.test', tenantId: other.body.id });
});

afterAll(async () => {
  s3?.destroy();
  await stopTestSesame(sesame, dataDir);
});

/**
 * Waits for the scan function to record a verdict: the object-created event may still be on its
 * way into the queue (s3rver raises it while it answers the completion), or back in it after a
 * delivery that came before the completion was committed.
 */
async function scanned(token: string, id: string) {
  const deadline = Date.now() + SCAN_WAIT_MS;
  for (;;) {
    await sesame.shareScanQueue.idle();
    const share = (
      await api<{ state: string; shareable: boolean; findings: { check: string }[] }>(
        'GET',
        `/shares/${id}`,
        token,
      )
    ).body;
    if (share.state !== 'scanning' || Date.now() > deadline) return share;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function shareBytesUsed(token: string): Promise<number> {
  return (await api<{ shareBytesUsed: number }>('GET', '/me', token)).body.shareBytesUsed;
}

async function storedSha256(key: string): Promise<string> {
  const object = await s3.send(
    new GetObjectCommand({ Bucket: LOCAL_RESOURCE_NAMES.shareBucket, Key: key }),
  );
  const hash = createHash('sha256');
  for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

describe('a 200 MiB file uploaded in parts straight to the local S3', () => {
  it('is interrupted, resumed with only the missing parts, and arrives byte-identical and clean', async () => {
    const sha256 = fileSha256(BIG, 8 * MiB);
    const started = await api<StartedShare>('POST', '/shares', alice, {
      name: 'ward-7-scans.bin',
      size: BIG,
      contentType: 'application/octet-stream',
      sha256,
    });
    expect(started.status).toBe(201);
    const { id, partSize, partCount, parts } = started.body;
    expect(partSize).toBe(8 * MiB);
    expect(partCount).toBe(25);
    expect(parts.map((p) => p.partNumber)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await shareBytesUsed(alice)).toBe(BIG);

    // The first session sends parts 1–12, then the tab closes in the middle of part 13.
    for (const part of parts.slice(0, 12)) {
      expect((await putPart(part.url, partBytes(BIG, partSize, part.partNumber))).status).toBe(200);
    }
    const cut = new AbortController();
    const half = partBytes(BIG, partSize, 13);
    const interrupted = putPart(parts[12]!.url, half, cut.signal);
    setTimeout(() => cut.abort(), 5);
    await expect(interrupted).rejects.toThrow();

    // The second session asks what the server has and sends only what is missing.
    const progress = await api<{ parts: { partNumber: number }[]; missing: number[] }>(
      'GET',
      `/shares/${id}/upload`,
      alice,
    );
    expect(progress.status).toBe(200);
    expect(progress.body.parts.map((p) => p.partNumber)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(progress.body.missing).toEqual(Array.from({ length: 13 }, (_, i) => i + 13));
    const early = await api('POST', `/shares/${id}/complete`, alice);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'ShareIncomplete' });

    const fresh = await api<{ parts: { partNumber: number; url: string }[] }>(
      'POST',
      `/shares/${id}/parts`,
      alice,
      { partNumbers: progress.body.missing },
    );
    expect(fresh.status).toBe(200);
    for (const part of fresh.body.parts) {
      expect((await putPart(part.url, partBytes(BIG, partSize, part.partNumber))).status).toBe(200);
    }
    const completed = await api<{ state: string }>('POST', `/shares/${id}/complete`, alice);
    expect(completed.status).toBe(202);
    expect(completed.body.state).toBe('scanning');

    const share = await scanned(alice, id);
    expect(share).toMatchObject({ state: 'clean', shareable: true, findings: [] });
    expect(await storedSha256(`shares/demo/${id}`)).toBe(sha256);
    const events = await api<{ items: { kind: string }[] }>('GET', `/shares/${id}/events`, alice);
    expect(events.body.items.map((e) => e.kind)).toEqual([
      'created',
      'upload-completed',
      'scanned',
    ]);

    // Deleting it gives the space and the bytes back.
    expect((await api('DELETE', `/shares/${id}`, alice)).status).toBe(204);
    expect(await shareBytesUsed(alice)).toBe(0);
    expect((await api('GET', `/shares/${id}`, alice)).status).toBe(404);
    await expect(storedSha256(`shares/demo/${id}`)).rejects.toThrow();
  });
});

describe('the scan gate', () => {
  it('ends an EICAR file infected, never shareable', async () => {
    const id = await uploadSmallFile(api, alice, {
      name: 'notes.txt',
      contentType: 'text/plain',
      bytes: Buffer.from(`harmless start ${EICAR} harmless end`, 'latin1'),
    });
    expect(await scanned(alice, id)).toMatchObject({
      state: 'infected',
      shareable: false,
      findings: [{ check: 'eicar' }],
    });
  });

  it('ends a zip holding EICAR infected', async () => {
    const id = await uploadSmallFile(api, alice, {
      name: 'reports.zip',
      contentType: 'application/zip',
      bytes: zipSync({
        'q3/summary.txt': Buffer.from('fine'),
        'q3/eicar.txt': Buffer.from(EICAR, 'latin1'),
      }),
    });
    const share = await scanned(alice, id);
    expect(share).toMatchObject({ state: 'infected', shareable: false });
    expect(share.findings.map((f) => f.check)).toContain('eicar');
  });

  it('blocks an executable by the tenant’s attachment policy', async () => {
    const id = await uploadSmallFile(api, alice, {
      name: 'setup.exe',
      contentType: 'application/octet-stream',
      bytes: Buffer.from('MZ not really'),
    });
    expect(await scanned(alice, id)).toMatchObject({
      state: 'infected',
      findings: [{ check: 'blocked-extension' }],
    });
  });
});

describe('share space', () => {
  it('cannot be overrun by concurrent uploads, and an abort frees its reservation', async () => {
    const size = 30 * MiB;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api<{ id: string; code?: string }>('POST', '/shares', bob, {
          name: `scan-${i}.bin`,
          size,
          contentType: 'application/octet-stream',
        }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(Math.floor((256 * MiB) / size));
    expect(refused.map((a) => a.body.code)).toEqual(
      Array(12 - created.length).fill('ShareSpaceExceeded'),
    );
    expect(await shareBytesUsed(bob)).toBe(created.length * size);

    const aborted = created[0]!.body.id;
    expect((await api('DELETE', `/shares/${aborted}`, bob)).status).toBe(204);
    expect(await shareBytesUsed(bob)).toBe((created.length - 1) * size);
    const uploads = join(dataDir, 's3', LOCAL_RESOURCE_NAMES.shareBucket, '._S3rver_uploads');
    expect((await readdir(uploads)).length).toBe(created.length - 1);
  });

  it('refuses a file past the tier’s largest, and bad input, changing nothing', async () => {
    expect((await api('GET', '/me', alice)).body).toMatchObject({
      shareBytesAllowed: 256 * MiB,
      maxShareFileBytes: 220 * MiB,
    });
    const before = await shareBytesUsed(alice);
    const tooBig = await api('POST', '/shares', alice, {
      name: 'huge.bin',
      size: 221 * MiB,
      contentType: 'application/octet-stream',
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'ShareFileTooLarge' });
    for (const body of [
      {},
      { name: 'a.bin', size: -1, contentType: 'application/octet-stream' },
      { name: 'a.bin', size: 10, contentType: 'not a type' },
      { name: 'a.bin', size: 10, contentType: 'text/plain', sha256: 'xyz' },
      { name: 'a.bin', size: 10, contentType: 'text/plain', owner: 'bob@demo.test' },
    ]) {
      const answer = await api('POST', '/shares', alice, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: 'InputValidationError' });
    }
    expect((await api('GET', '/shares/not-an-id', alice)).status).toBe(400);
    expect(await shareBytesUsed(alice)).toBe(before);
  });
});

describe('another user’s or tenant’s token', () => {
  it('sees nothing of a share and changes nothing', async () => {
    const id = await uploadSmallFile(api, alice, {
      name: 'minutes.txt',
      contentType: 'text/plain',
      bytes: Buffer.from('board minutes'),
    });
    await scanned(alice, id);
    for (const token of [bob, outsider]) {
      for (const [method, path, body] of [
        ['GET', `/shares/${id}`],
        ['GET', `/shares/${id}/events`],
        ['GET', `/shares/${id}/upload`],
        ['POST', `/shares/${id}/parts`, { partNumbers: [1] }],
        ['POST', `/shares/${id}/parts`, { partNumbers: 'all' }],
        ['POST', `/shares/${id}/complete`],
        ['DELETE', `/shares/${id}`],
      ] as const) {
        const answer = await api(method, path, token, body);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body).toMatchObject({ code: 'NoSuchShare' });
      }
      const listed = await api<{ items: { id: string }[] }>('GET', '/shares', token);
      expect(listed.body.items.map((s) => s.id)).not.toContain(id);
    }
    expect((await scanned(alice, id)).state).toBe('clean');
    const mine = await api<{ items: { id: string }[] }>('GET', '/shares', alice);
    expect(mine.body.items.map((s) => s.id)).toContain(id);
  });
});
