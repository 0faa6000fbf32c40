/** Named limits of the share (issue 9); tier numbers live in shared/config/tiers. */

const MiB = 1024 ** 2;

/** S3's floor for every part but the last, and its ceiling on parts per upload. */
export const S3_MIN_PART_BYTES = 5 * MiB;
export const S3_MAX_PARTS = 10_000;

export const SHARE_LIMITS = {
  /** The part size unless the file needs larger parts to stay within S3_MAX_PARTS. */
  defaultPartBytes: 8 * MiB,
  /** Part URLs one response hands out; the client asks for more (`POST /shares/{id}/parts`). */
  maxPartUrlsPerRequest: 100,
  /** A presigned part URL lives this long; a resumed upload asks for fresh ones. */
  partUrlSeconds: 3600,
  /** An upload not completed within this is abandoned: aborted, its reservation freed. Matches
   * the bucket's lifecycle rule for incomplete multipart uploads (1 day). */
  uploadWindowSeconds: 24 * 3600,
  /** Default and longest life of a share; links never outlive it. */
  shareLifetimeDays: 30,
  /** Items the audit trail keeps after the share's expiry (DynamoDB TTL). */
  auditRetentionDays: 90,
  /** A shared file's name, in UTF-8 bytes, after cleaning. */
  maxNameBytes: 255,
  maxContentTypeChars: 127,
  /** Days the expiry sweep looks back for due shares it has not handled yet. */
  sweepLookbackDays: 30,
  /** Shares one sweep run handles at most (the next run takes the rest). */
  sweepBatch: 200,
} as const;

/** The part size for a file: the default, or larger so the file fits S3_MAX_PARTS parts. */
export function partSizeFor(size: number): number {
  const needed = Math.ceil(size / S3_MAX_PARTS);
  if (needed <= SHARE_LIMITS.defaultPartBytes) return SHARE_LIMITS.defaultPartBytes;
  return Math.ceil(needed / MiB) * MiB;
}

export function partCountFor(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}
