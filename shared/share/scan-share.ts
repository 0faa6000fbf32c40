import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { EICAR } from '../scan/content-checks';
import { policyViolation, type AttachmentPolicy } from '../scan/attachment-policy';
import type { Finding } from '../scan/verdict';
import { ScannerUnavailableError, type VirusScanner } from '../scan/virus-scanner';
import {
  InflateBudget,
  looksLikeZip,
  StreamSearch,
  UnscannableArchiveError,
  zipEntries,
  ZIP_LIMITS,
} from '../scan/zip-entries';
import type { Share, ShareVerdictState } from './model';

const MiB = 1024 ** 2;

/**
 * What the share scan holds in memory at most. The file itself is streamed once (EICAR and the
 * SHA-256 see every byte); only a zip up to `maxArchiveBytes` (its entries are found through the
 * central directory at its end) and a file up to `maxVirusScanBytes` for ClamAV (clamd's own
 * default StreamMaxLength is 25 MiB) are collected. A file past a check's bound is
 * `unscannable` for that check, never guessed clean.
 */
export const SHARE_SCAN_LIMITS = {
  maxArchiveBytes: ZIP_LIMITS.maxTotalBytes,
  maxVirusScanBytes: 25 * MiB,
} as const;

const EICAR_BYTES = Buffer.from(EICAR, 'latin1');

export interface ShareScanResult {
  state: ShareVerdictState;
  findings: Finding[];
  /** SHA-256 of the bytes read, lower-case hex. */
  sha256: string;
  /** Bytes read: must equal the share's size, or the object is not the one completed. */
  bytes: number;
}

function unscannable(check: string, detail: string): Finding {
  return { source: 'content', verdict: 'suspicious', check, detail, quarantine: true };
}

/** The state a share's findings put it in: malware or a blocked type is `infected`. */
export function shareStateOf(findings: readonly Finding[]): ShareVerdictState {
  if (findings.some((f) => f.verdict === 'virus' || f.verdict === 'blocked')) return 'infected';
  if (findings.length > 0) return 'unscannable';
  return 'clean';
}

/** Collects the chunks of a file up to a bound; past it, drops them and remembers it overflowed. */
class BoundedCollector {
  private chunks: Buffer[] = [];
  private size = 0;
  overflowed = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    if (this.overflowed) return;
    if (this.size + chunk.byteLength > this.limit) {
      this.overflowed = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  take(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    return all;
  }
}

/**
 * Scans a shared file as it streams past (issue 9): EICAR anywhere in it, the tenant's
 * attachment policy on its name and type, EICAR in any zip entry (with the one inflate budget),
 * ClamAV when a scanner is configured, and the checksum the client declared. Memory stays
 * within SHARE_SCAN_LIMITS whatever the file's size.
 */
export async function scanSharedFile(
  share: Pick<Share, 'name' | 'contentType' | 'size' | 'sha256'>,
  body: Readable,
  options: { policy: AttachmentPolicy; scanner?: VirusScanner },
): Promise<ShareScanResult> {
  const findings: Finding[] = [];
  const violation = policyViolation(options.policy, share.name, share.contentType);
  if (violation) findings.push({ source: 'policy', verdict: 'blocked', ...violation });

  const hash = createHash('sha256');
  const eicar = new StreamSearch(EICAR_BYTES);
  const virusScanBytes = options.scanner ? SHARE_SCAN_LIMITS.maxVirusScanBytes : 0;
  let zip: boolean | undefined;
  let archive: BoundedCollector | undefined;
  const forScanner = new BoundedCollector(virusScanBytes);
  let bytes = 0;
  for await (const piece of body) {
    const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    if (zip === undefined) {
      zip = looksLikeZip(chunk, share.name);
      if (zip) archive = new BoundedCollector(SHARE_SCAN_LIMITS.maxArchiveBytes);
    }
    hash.update(chunk);
    eicar.push(chunk);
    archive?.push(chunk);
    if (options.scanner) forScanner.push(chunk);
    bytes += chunk.byteLength;
  }
  const sha256 = hash.digest('hex');

  if (eicar.found) {
    findings.push({
      source: 'content',
      verdict: 'virus',
      check: 'eicar',
      detail: `${share.name}: EICAR test file`,
    });
  }
  if (archive?.overflowed) {
    findings.push(
      unscannable(
        'archive-too-large',
        `${share.name}: archives over ${SHARE_SCAN_LIMITS.maxArchiveBytes} bytes are not opened`,
      ),
    );
  } else if (archive) {
    try {
      for (const entry of zipEntries(archive.take(), new InflateBudget())) {
        if (entry.eicar) {
          findings.push({
            source: 'content',
            verdict: 'virus',
            check: 'eicar',
            detail: `${share.name}/${entry.name}: EICAR test file`,
          });
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof UnscannableArchiveError)) throw error;
      findings.push(unscannable('unscannable-archive', `${share.name}: ${error.message}`));
    }
  }
  if (options.scanner) {
    if (forScanner.overflowed) {
      findings.push(
        unscannable(
          'too-large-for-scanner',
          `${share.name}: ${options.scanner.name} scans files up to ${virusScanBytes} bytes`,
        ),
      );
    } else {
      try {
        const result = await options.scanner.scan(forScanner.take());
        if (result.infected) {
          findings.push({
            source: 'scanner',
            verdict: 'virus',
            check: options.scanner.name,
            detail: `${share.name}: ${result.signature}`,
          });
        }
      } catch (error) {
        if (!(error instanceof ScannerUnavailableError)) throw error;
        findings.push(unscannable('scanner-unavailable', error.message));
      }
    }
  }
  if (share.sha256 && share.sha256 !== sha256) {
    findings.push(
      unscannable(
        'checksum-mismatch',
        `the file's SHA-256 is ${sha256}, not the ${share.sha256} declared`,
      ),
    );
  }
  return { state: shareStateOf(findings), findings, sha256, bytes };
}
