import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { UploadedPart } from '../share/shared-objects';
import { S3SharedObjects } from './s3-shared-objects';

/** s3rver keeps an open upload's parts in `<dir>/<bucket>/._S3rver_uploads/<uploadId>/<n>`. */
const UPLOADS_FOLDER = '._S3rver_uploads';
const UPLOAD_ID = /^[0-9a-f]{1,64}$/;
const PART_FILE = /^[1-9][0-9]{0,4}$/;

/**
 * SharedObjects on s3rver, the local S3 (one machine only). s3rver serves presigned part
 * uploads (their expiry checked, not their SigV4 signature, so not the signed part length) and
 * completes uploads, but answers ListParts and AbortMultipartUpload with MethodNotAllowed:
 * those two read and remove its upload folder instead. Everything else is the S3 adapter.
 */
export class LocalSharedObjects extends S3SharedObjects {
  constructor(
    client: S3Client,
    bucket: string,
    private readonly s3rverDir: string,
  ) {
    super(client, bucket);
  }

  private uploadDir(uploadId: string): string {
    // The id comes from our own record, but a path is built from it: hex only.
    if (!UPLOAD_ID.test(uploadId)) throw new Error(`not an s3rver upload id: ${uploadId}`);
    return join(this.s3rverDir, this.bucket, UPLOADS_FOLDER, uploadId);
  }

  override async listParts(_key: string, uploadId: string): Promise<UploadedPart[] | undefined> {
    const dir = this.uploadDir(uploadId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const parts: UploadedPart[] = [];
    for (const name of names.filter((n) => PART_FILE.test(n))) {
      // s3rver writes the .md5 after the part's last byte: a part without one is still arriving.
      const etag = await readFile(join(dir, `${name}.md5`), 'utf8').catch(() => undefined);
      if (!etag) continue;
      const { size } = await stat(join(dir, name));
      parts.push({ partNumber: Number(name), size, etag: `"${etag.trim()}"` });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  override async abortUpload(_key: string, uploadId: string): Promise<void> {
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }
}
