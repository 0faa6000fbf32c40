import { domainError } from '../errors/domain-error';
import { unzipSync } from 'fflate';

/**
 * The EICAR anti-virus test file and the GTUBE spam test string. Assembled from halves so this
 * source file itself is not flagged by a scanner on a developer's machine.
 */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*' + 'GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/** Zip-bomb bounds: an archive past them is not opened, and is reported as unscannable. */
export const ZIP_LIMITS = {
  maxEntries: 1_000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  /** Zips inside zips, this deep. */
  maxDepth: 3,
} as const;

const EICAR_BYTES = Buffer.from(EICAR, 'latin1');
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function containsEicar(content: Uint8Array): boolean {
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength).includes(EICAR_BYTES);
}

export function containsGtube(text: string): boolean {
  return text.includes(GTUBE);
}

export function looksLikeZip(content: Uint8Array, filename = ''): boolean {
  return ZIP_MAGIC.every((byte, i) => content[i] === byte) || /\.zip$/i.test(filename);
}

export interface ArchiveEntry {
  name: string;
  content: Uint8Array;
}

export class UnscannableArchiveError extends domainError('UnscannableArchive') {}

/**
 * Every file of a zip, nested zips opened to ZIP_LIMITS.maxDepth. Entry sizes come from the
 * central directory and fflate inflates each into a buffer of exactly that size, so a lying
 * header cannot make it allocate more; the totals are checked before anything is inflated.
 */
export function zipEntries(content: Uint8Array, depth = 1): ArchiveEntry[] {
  let entries = 0;
  let total = 0;
  let tooBig: string | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(content, {
      filter: (file) => {
        entries += 1;
        total += file.originalSize;
        if (entries > ZIP_LIMITS.maxEntries) tooBig = `more than ${ZIP_LIMITS.maxEntries} entries`;
        else if (file.originalSize > ZIP_LIMITS.maxEntryBytes) tooBig = `${file.name} is too large`;
        else if (total > ZIP_LIMITS.maxTotalBytes) tooBig = 'it inflates past the limit';
        return tooBig === undefined;
      },
    });
  } catch (error) {
    throw new UnscannableArchiveError(
      `the archive could not be read (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (tooBig) throw new UnscannableArchiveError(`the archive was not opened: ${tooBig}`);
  const out: ArchiveEntry[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    out.push({ name, content: bytes });
    if (looksLikeZip(bytes, name)) {
      if (depth >= ZIP_LIMITS.maxDepth) {
        throw new UnscannableArchiveError(`archives nested deeper than ${ZIP_LIMITS.maxDepth}`);
      }
      for (const inner of zipEntries(bytes, depth + 1)) {
        out.push({ name: `${name}/${inner.name}`, content: inner.content });
      }
    }
  }
  return out;
}
