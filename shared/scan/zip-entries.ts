import { Inflate } from 'fflate';
import { domainError } from '../errors/domain-error';
import { EICAR } from './content-checks';

const EICAR_BYTES = Buffer.from(EICAR, 'latin1');

/**
 * Zip-bomb bounds. `maxTotalBytes` and `maxEntries` are one budget for a whole message: every
 * level of nesting and every archive attached draws on it, so a 2.5 KB zip of zips cannot
 * inflate 360 MB by staying under a per-archive limit at each level. An archive that would pass
 * a bound is reported as unscannable (shared/scan/scan-message), which the attachment policy
 * quarantines by default.
 */
export const ZIP_LIMITS = {
  maxEntries: 1_000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  /** Zips inside zips, this deep. */
  maxDepth: 3,
  /**
   * Compressed bytes handed to the inflater at a time. Deflate expands at most ~1,032 times, so
   * one step inflates at most ~16 MB: an entry that lies about its size is caught within a
   * step. Smaller steps cost time (4 KB took three times as long on 30 MB of zeros).
   */
  inflateStepBytes: 16 * 1024,
} as const;

export class UnscannableArchiveError extends domainError('UnscannableArchive') {}

export interface ArchiveEntry {
  /** Its path in the archive, nested archives' names first (`outer.zip/inner.zip/file`). */
  name: string;
  /** It holds the EICAR test file (searched while it was inflated; its bytes are not kept). */
  eicar: boolean;
}

/** What a message may still inflate and open; shared by every archive of the message. */
export class InflateBudget {
  entries = 0;
  bytes = 0;

  /** Takes one more entry, or throws without taking it. */
  addEntry(): void {
    if (this.entries + 1 > ZIP_LIMITS.maxEntries) {
      throw new UnscannableArchiveError(`more than ${ZIP_LIMITS.maxEntries} entries`);
    }
    this.entries += 1;
  }

  /** Takes `count` more bytes, or throws without taking them. */
  addBytes(count: number): void {
    if (this.bytes + count > ZIP_LIMITS.maxTotalBytes) {
      throw new UnscannableArchiveError(
        `it inflates past ${ZIP_LIMITS.maxTotalBytes} bytes (nested archives included)`,
      );
    }
    this.bytes += count;
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const END_RECORD_SEARCH = 22 + 0xffff;
const STORED = 0;
const DEFLATED = 8;
const ZIP64_MARKER = 0xffffffff;

export function looksLikeZip(content: Uint8Array, filename = ''): boolean {
  return ZIP_MAGIC.every((byte, i) => content[i] === byte) || /\.zip$/i.test(filename);
}

interface CentralEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  /** What the archive says the entry inflates to; held to it, so it cannot lie. */
  size: number;
  localOffset: number;
}

function unscannable(reason: string): never {
  throw new UnscannableArchiveError(`the archive could not be read (${reason})`);
}

/** The central directory: names, methods and sizes, read before anything is inflated. */
function centralDirectory(zip: Uint8Array): CentralEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number) => (at + 2 <= zip.byteLength ? view.getUint16(at, true) : -1);
  const u32 = (at: number) => (at + 4 <= zip.byteLength ? view.getUint32(at, true) : -1);
  let end = -1;
  for (let at = zip.byteLength - 22; at >= Math.max(0, zip.byteLength - END_RECORD_SEARCH); at--) {
    if (u32(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) unscannable('no end of central directory');
  const count = u16(end + 10);
  let at = u32(end + 16);
  if (count === 0xffff || at === ZIP64_MARKER) unscannable('zip64 archives are not opened');
  const entries: CentralEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (u32(at) !== CENTRAL_FILE_HEADER) unscannable('a broken central directory');
    const nameLength = u16(at + 28);
    const compressedSize = u32(at + 20);
    const size = u32(at + 24);
    const localOffset = u32(at + 42);
    if ([compressedSize, size, localOffset].includes(ZIP64_MARKER)) {
      unscannable('zip64 archives are not opened');
    }
    entries.push({
      name: Buffer.from(zip.subarray(at + 46, at + 46 + nameLength)).toString('utf8'),
      method: u16(at + 10),
      encrypted: (u16(at + 8) & 1) === 1,
      compressedSize,
      size,
      localOffset,
    });
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
  }
  return entries;
}

/** The compressed bytes of one entry, found through its local header. */
function compressedData(zip: Uint8Array, entry: CentralEntry): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const at = entry.localOffset;
  if (at + 30 > zip.byteLength || view.getUint32(at, true) !== LOCAL_FILE_HEADER) {
    unscannable(`no local header for ${entry.name}`);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > zip.byteLength) unscannable(`${entry.name} is cut short`);
  return zip.subarray(start, start + entry.compressedSize);
}

/** Finds a byte string across the chunks of a stream, keeping only its length less one byte. */
export class StreamSearch {
  found = false;
  private tail = Buffer.alloc(0);

  constructor(private readonly needle: Buffer) {}

  push(chunk: Uint8Array): void {
    if (this.found) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const keep = this.needle.byteLength - 1;
    const seam = Buffer.concat([this.tail, bytes.subarray(0, keep)]);
    this.found = seam.includes(this.needle) || bytes.includes(this.needle);
    this.tail = Buffer.from(Buffer.concat([this.tail, bytes.subarray(-keep)]).subarray(-keep));
  }
}

/**
 * Inflates one entry in small steps (ZIP_LIMITS.inflateStepBytes), every step charged to the
 * budget, and searches it for EICAR as it goes. Only an entry that is itself an archive is
 * kept, in a buffer of exactly its declared size charged before it is allocated; any other is
 * dropped step by step. An entry that inflates past what it declared is stopped within a step.
 */
function inflateEntry(
  data: Uint8Array,
  entry: CentralEntry,
  budget: InflateBudget,
): { eicar: boolean; archive?: Uint8Array } {
  const { name, size } = entry;
  if (size > ZIP_LIMITS.maxEntryBytes) {
    throw new UnscannableArchiveError(`${name} inflates past ${ZIP_LIMITS.maxEntryBytes} bytes`);
  }
  const eicar = new StreamSearch(EICAR_BYTES);
  let archive: Uint8Array | undefined;
  let filled = 0;
  const inflater = new Inflate((chunk) => {
    if (filled + chunk.byteLength > size) unscannable(`${name} inflates past its declared size`);
    if (filled === 0 && looksLikeZip(chunk, name)) {
      budget.addBytes(size);
      archive = new Uint8Array(size);
    } else if (!archive) {
      budget.addBytes(chunk.byteLength);
    }
    archive?.set(chunk, filled);
    eicar.push(chunk);
    filled += chunk.byteLength;
  });
  try {
    for (let at = 0; at < data.byteLength; at += ZIP_LIMITS.inflateStepBytes) {
      const end = Math.min(at + ZIP_LIMITS.inflateStepBytes, data.byteLength);
      inflater.push(data.subarray(at, end), end === data.byteLength);
    }
    if (data.byteLength === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof UnscannableArchiveError) throw error;
    unscannable(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (filled !== size) unscannable(`${name} is shorter than its declared size`);
  return { eicar: eicar.found, ...(archive && { archive }) };
}

/**
 * Every file of a zip, nested zips opened to ZIP_LIMITS.maxDepth, one at a time, with whether
 * it holds the EICAR test file. Only archives are held (the ones on the current path of
 * nesting), every inflated byte is charged to the shared `budget`, and an archive is charged
 * before it is allocated: memory stays within the budget plus one inflate step. Throws
 * UnscannableArchiveError past a bound or on an archive it cannot read.
 */
export function* zipEntries(
  zip: Uint8Array,
  budget: InflateBudget = new InflateBudget(),
  depth = 1,
  prefix = '',
): Generator<ArchiveEntry> {
  for (const entry of centralDirectory(zip)) {
    if (entry.name.endsWith('/')) continue; // a folder
    budget.addEntry();
    if (entry.encrypted) unscannable(`${entry.name} is encrypted`);
    const data = compressedData(zip, entry);
    let found: { eicar: boolean; archive?: Uint8Array };
    if (entry.method === STORED) {
      // Already in memory as part of the archive; counted so stored zips of zips are bounded too.
      budget.addBytes(data.byteLength);
      found = {
        eicar: Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(EICAR_BYTES),
        ...(looksLikeZip(data, entry.name) && { archive: data }),
      };
    } else if (entry.method === DEFLATED) {
      found = inflateEntry(data, entry, budget);
    } else {
      unscannable(`${entry.name} uses compression method ${entry.method}`);
    }
    const name = `${prefix}${entry.name}`;
    yield { name, eicar: found.eicar };
    if (found.archive) {
      if (depth >= ZIP_LIMITS.maxDepth) {
        throw new UnscannableArchiveError(`archives nested deeper than ${ZIP_LIMITS.maxDepth}`);
      }
      yield* zipEntries(found.archive, budget, depth + 1, `${name}/`);
    }
  }
}
