import { connect } from 'node:net';
import { ScannerUnavailableError, type ScanResult, type VirusScanner } from './virus-scanner';

/** clamd's default StreamMaxLength is 25 MB; chunks well under its 64 KiB read buffer are safe. */
export const CLAMD_CHUNK_BYTES = 64 * 1024;
export const CLAMD_TIMEOUT_MS = 30_000;
/** A reply longer than this is not clamd talking. */
const MAX_REPLY_BYTES = 4096;

export interface ClamdAddress {
  host: string;
  port: number;
  timeoutMs?: number;
}

/** `host:port` (SESAME_CLAMD), e.g. `127.0.0.1:3310`. */
export function parseClamdAddress(value: string): ClamdAddress {
  const match = /^(.+):(\d{1,5})$/.exec(value.trim());
  if (!match?.[1] || !match[2]) throw new Error(`not a host:port clamd address: ${value}`);
  return { host: match[1], port: Number(match[2]) };
}

/** The INSTREAM frame: 4-byte big-endian length, then the bytes; length 0 ends the stream. */
function frame(chunk: Uint8Array): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(chunk.byteLength, 0);
  return Buffer.concat([header, chunk]);
}

/** Reads clamd's reply: `stream: OK`, `stream: <Signature> FOUND`, or `<text> ERROR`. */
export function interpretClamdReply(reply: string): ScanResult {
  const text = reply.replace(/\0/g, '').trim();
  if (/^stream: OK$/.test(text)) return { infected: false };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found?.[1]) return { infected: true, signature: found[1] };
  throw new ScannerUnavailableError(`clamd answered: ${text || '(nothing)'}`);
}

/**
 * The ClamAV adapter: one TCP connection per scan, `zINSTREAM` with null-terminated replies
 * (clamd's documented protocol). Any failure to get a clear answer is an error, never "clean".
 */
export class ClamavScanner implements VirusScanner {
  readonly name = 'clamav';

  constructor(private readonly address: ClamdAddress) {}

  scan(content: Uint8Array): Promise<ScanResult> {
    const { host, port } = this.address;
    const timeoutMs = this.address.timeoutMs ?? CLAMD_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new ScannerUnavailableError(`clamd at ${host}:${port}: ${message}`));
      };
      socket.setTimeout(timeoutMs, () => fail('timed out'));
      // After a clear answer, a late EPIPE from unsent chunks changes nothing.
      socket.on('error', (error) => fail(error.message));
      socket.on('data', (data: Buffer) => {
        chunks.push(data);
        received += data.length;
        if (received > MAX_REPLY_BYTES) fail('reply too long');
        else if (data.includes(0)) finish();
      });
      socket.once('end', () => finish());
      function finish() {
        if (settled) return;
        try {
          const result = interpretClamdReply(Buffer.concat(chunks).toString('utf8'));
          settled = true;
          socket.end();
          resolve(result);
        } catch (error) {
          fail((error as Error).message);
        }
      }
      socket.once('connect', () => {
        socket.write('zINSTREAM\0');
        for (let offset = 0; offset < content.byteLength; offset += CLAMD_CHUNK_BYTES) {
          socket.write(frame(content.subarray(offset, offset + CLAMD_CHUNK_BYTES)));
        }
        socket.write(frame(new Uint8Array(0)));
      });
    });
  }
}
