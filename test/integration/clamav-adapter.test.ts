import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamavScanner } from '@shared/scan/clamav-scanner';
import { EICAR } from '@shared/scan/content-checks';
import { ScannerUnavailableError } from '@shared/scan/virus-scanner';
import { startClamdPeer } from '@test/support/clamd-peer';
import { clamdBinary, startRealClamd } from '@test/support/real-clamd';

/**
 * The ClamAV adapter against the machine's own clamd when it has one (Debian's clamav-daemon),
 * and against the protocol peer (test/support/clamd-peer) when it has not: the same checks.
 */
const against = clamdBinary()
  ? 'a real clamd'
  : 'the clamd protocol peer (no clamd on this machine)';
let clamd: { port: number; signature: string; close(): Promise<void> };
let scanner: ClamavScanner;

beforeAll(async () => {
  clamd = (await startRealClamd()) ?? {
    ...(await startClamdPeer({ streamMaxLength: 1024 * 1024 })),
    signature: 'Eicar-Test-Signature',
  };
  scanner = new ClamavScanner({ host: '127.0.0.1', port: clamd.port, timeoutMs: 10_000 });
}, 120_000);

afterAll(async () => {
  await clamd?.close();
});

describe(`the ClamAV adapter against ${against}`, () => {
  it('answers clean for a clinic letter', async () => {
    expect(await scanner.scan(Buffer.from('Bed 4 is ready for discharge.'))).toEqual({
      infected: false,
    });
  });

  it('names what it found in the EICAR test file', async () => {
    expect(await scanner.scan(Buffer.from(EICAR))).toEqual({
      infected: true,
      signature: clamd.signature,
    });
  });

  it("treats a stream over clamd's limit as unable to scan, never as clean", async () => {
    await expect(scanner.scan(Buffer.alloc(2 * 1024 * 1024, 65))).rejects.toBeInstanceOf(
      ScannerUnavailableError,
    );
  });
});
