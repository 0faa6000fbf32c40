import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAMD_CHUNK_BYTES,
  ClamavScanner,
  interpretClamdReply,
  parseClamdAddress,
} from '@shared/scan/clamav-scanner';
import { EICAR } from '@shared/scan/content-checks';
import { ScannerUnavailableError } from '@shared/scan/virus-scanner';
import { startClamdPeer, type ClamdPeer } from '@test/support/clamd-peer';
import { freePort } from '../../infra/local/stand-ins';

// The protocol details (chunking, timeouts) are driven against the peer; test/integration/
// clamav-adapter.test.ts runs the adapter against a real clamd when the machine has one.
let peer: ClamdPeer;

beforeAll(async () => {
  peer = await startClamdPeer({ streamMaxLength: 1024 * 1024 });
});
afterAll(async () => {
  await peer?.close();
});

const scanner = () => new ClamavScanner({ host: '127.0.0.1', port: peer.port, timeoutMs: 5_000 });

describe('the ClamAV adapter (clamd INSTREAM over TCP)', () => {
  it('answers clean for clean bytes', async () => {
    expect(await scanner().scan(Buffer.from('Bed 4 is ready.'))).toEqual({ infected: false });
  });

  it('reports the signature clamd names', async () => {
    expect(await scanner().scan(Buffer.from(`prefix ${EICAR} suffix`))).toEqual({
      infected: true,
      signature: 'Eicar-Test-Signature',
    });
  });

  it('streams a large message in chunks that reassemble to the original', async () => {
    const content = Buffer.alloc(CLAMD_CHUNK_BYTES * 3 + 17, 7);

    await scanner().scan(content);

    expect(peer.streams.at(-1)?.equals(content)).toBe(true);
  });

  it('treats clamd over its stream limit as unable to scan, never clean', async () => {
    await expect(scanner().scan(Buffer.alloc(2 * 1024 * 1024))).rejects.toBeInstanceOf(
      ScannerUnavailableError,
    );
  });

  it('treats a refused connection as unable to scan', async () => {
    const closed = new ClamavScanner({ host: '127.0.0.1', port: await freePort() });

    await expect(closed.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ScannerUnavailableError);
  });

  it('gives up on a clamd that never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const slow = new ClamavScanner({ host: '127.0.0.1', port, timeoutMs: 200 });
      await expect(slow.scan(Buffer.from('x'))).rejects.toThrow(/timed out/);
    } finally {
      silent.close();
    }
  });

  it('reads replies and addresses', () => {
    expect(interpretClamdReply('stream: OK\0')).toEqual({ infected: false });
    expect(() => interpretClamdReply('')).toThrow(ScannerUnavailableError);
    expect(parseClamdAddress('clamd.internal:3310')).toEqual({
      host: 'clamd.internal',
      port: 3310,
    });
    expect(() => parseClamdAddress('clamd')).toThrow();
  });
});
