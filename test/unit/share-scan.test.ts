import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTACHMENT_POLICY } from '@shared/scan/attachment-policy';
import { EICAR } from '@shared/scan/content-checks';
import { ScannerUnavailableError, type VirusScanner } from '@shared/scan/virus-scanner';
import { isShareable, type Share } from '@shared/share/model';
import { SHARE_SCAN_LIMITS, scanSharedFile } from '@shared/share/scan-share';

const policy = DEFAULT_ATTACHMENT_POLICY;
const file = (name: string, size: number, sha256?: string) => ({
  name,
  contentType: 'application/octet-stream',
  size,
  ...(sha256 && { sha256 }),
});

/** A stream of `total` bytes in chunks of `chunk`, the same buffer each time: nothing piles up. */
function zeros(total: number, chunk = 1024 * 1024): Readable {
  const block = Buffer.alloc(chunk);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += chunk)
        yield block.subarray(0, Math.min(chunk, total - sent));
    })(),
  );
}

const scanner = (
  answer: () => Promise<Awaited<ReturnType<VirusScanner['scan']>>>,
): VirusScanner => ({
  name: 'clamav',
  scan: answer,
});

describe('scanning a shared file as it streams', () => {
  it('finds EICAR split across two chunks', async () => {
    const bytes = Buffer.from(`padding ${EICAR} padding`, 'latin1');
    const body = Readable.from([bytes.subarray(0, 20), bytes.subarray(20)]);
    const result = await scanSharedFile(file('notes.txt', bytes.length), body, { policy });
    expect(result.state).toBe('infected');
    expect(result.findings.map((f) => f.check)).toEqual(['eicar']);
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('finds EICAR inside a zip', async () => {
    const zip = zipSync({ 'inner/eicar.txt': Buffer.from(EICAR, 'latin1') });
    const result = await scanSharedFile(
      file('a.zip', zip.length),
      Readable.from([Buffer.from(zip)]),
      { policy },
    );
    expect(result.state).toBe('infected');
    expect(result.findings[0]?.detail).toContain('inner/eicar.txt');
  });

  it('calls an archive it cannot open unscannable, which is not shareable by default', async () => {
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 9)]);
    const result = await scanSharedFile(file('b.zip', broken.length), Readable.from([broken]), {
      policy,
    });
    expect(result).toMatchObject({
      state: 'unscannable',
      findings: [{ check: 'unscannable-archive' }],
    });
    const share = { state: result.state } as Share;
    expect(isShareable(share)).toBe(false);
    expect(isShareable(share, true)).toBe(true);
  });

  it('does not open an archive past its bound, and calls it unscannable', async () => {
    const size = SHARE_SCAN_LIMITS.maxArchiveBytes + 1;
    const result = await scanSharedFile(file('big.zip', size), zeros(size), { policy });
    expect(result).toMatchObject({ state: 'unscannable', bytes: size });
    expect(result.findings.map((f) => f.check)).toEqual(['archive-too-large']);
  });

  it('hands ClamAV files within its bound and calls larger ones unscannable', async () => {
    const infected = scanner(async () => ({ infected: true, signature: 'Win.Test.EICAR_HDB-1' }));
    const small = await scanSharedFile(file('x.bin', 10), zeros(10), { policy, scanner: infected });
    expect(small).toMatchObject({ state: 'infected', findings: [{ check: 'clamav' }] });
    const size = SHARE_SCAN_LIMITS.maxVirusScanBytes + 1;
    const large = await scanSharedFile(file('y.bin', size), zeros(size), {
      policy,
      scanner: infected,
    });
    expect(large.findings.map((f) => f.check)).toEqual(['too-large-for-scanner']);
    expect(large.state).toBe('unscannable');
  });

  it('calls a file unscannable when the scanner is down, never clean', async () => {
    const down = scanner(async () => {
      throw new ScannerUnavailableError('clamd at 127.0.0.1:3310: connection refused');
    });
    const result = await scanSharedFile(file('x.bin', 10), zeros(10), { policy, scanner: down });
    expect(result).toMatchObject({
      state: 'unscannable',
      findings: [{ check: 'scanner-unavailable' }],
    });
  });

  it('refuses to share a file whose checksum is not the one declared, whatever the policy', async () => {
    const declared = 'a'.repeat(64);
    const result = await scanSharedFile(file('x.bin', 10, declared), zeros(10), { policy });
    expect(result.findings.map((f) => f.check)).toEqual(['checksum-mismatch']);
    const share = { state: 'unscannable', sha256: declared, scannedSha256: result.sha256 } as Share;
    expect(isShareable(share, true)).toBe(false);
  });

  it('passes a clean file with the checksum declared', async () => {
    const sha256 = createHash('sha256').update(Buffer.alloc(10)).digest('hex');
    const result = await scanSharedFile(file('x.bin', 10, sha256), zeros(10), { policy });
    expect(result).toMatchObject({ state: 'clean', findings: [], sha256, bytes: 10 });
  });
});
