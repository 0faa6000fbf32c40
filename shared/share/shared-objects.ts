import type { Readable } from 'node:stream';

export interface UploadedPart {
  partNumber: number;
  size: number;
  etag: string;
}

/** A part to upload and the exact number of bytes it must have. */
export interface PartSize {
  partNumber: number;
  size: number;
}

export interface PartUrl {
  partNumber: number;
  url: string;
}

/**
 * The share bucket's objects (issue 9): S3 multipart uploads driven by presigned part URLs, so
 * the bytes never pass a Lambda. S3SharedObjects in AWS; locally the same adapter against s3rver,
 * with its gaps (ListParts, AbortMultipartUpload) covered by LocalSharedObjects in infra/local.
 */
export interface SharedObjects {
  readonly bucket: string;
  createUpload(key: string, contentType: string): Promise<string>;
  /**
   * Presigned UploadPart URLs, each valid `expiresInSeconds`. Each URL signs its part's exact
   * size (Content-Length), so no PUT through it stores more than the share reserved.
   */
  partUrls(
    key: string,
    uploadId: string,
    parts: PartSize[],
    expiresInSeconds: number,
  ): Promise<PartUrl[]>;
  /**
   * The parts S3 holds for the upload, by part number (the server's own view); undefined when
   * the upload no longer exists (completed, aborted, or ended by the lifecycle rule).
   */
  listParts(key: string, uploadId: string): Promise<UploadedPart[] | undefined>;
  completeUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>;
  /** Drops the upload and its parts; an upload already gone is not an error. */
  abortUpload(key: string, uploadId: string): Promise<void>;
  /** The stored object's size, undefined if there is none. */
  sizeOf(key: string): Promise<number | undefined>;
  /** The object's bytes as a stream (the scan reads it once, front to back). */
  read(key: string): Promise<Readable>;
  /** `length` bytes from `offset` (a zip's central directory is at the end). */
  readRange(key: string, offset: number, length: number): Promise<Buffer>;
  /** Writes a whole object in one PUT (a file the server holds: sending's too-large attachments). */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Deletes the object; one already gone is not an error. */
  delete(key: string): Promise<void>;
  /**
   * A presigned GET answered with these headers (share-links' grants: an RFC 6266 attachment
   * from shared/mime/display-name's contentDisposition, at most 5 minutes). Only for shareable
   * shares (model.ts isShareable).
   */
  downloadUrl(
    key: string,
    options: { contentDisposition: string; contentType: string; expiresInSeconds: number },
  ): Promise<string>;
}
