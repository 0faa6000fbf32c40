import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  NoSuchUpload,
  NotFound,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PartSize, PartUrl, SharedObjects, UploadedPart } from '../share/shared-objects';

/** ListParts answers at most this many parts a page (S3's default and ceiling). */
const LIST_PARTS_PAGE = 1000;

/** SharedObjects on S3: multipart uploads with presigned part URLs, in one bucket. */
export class S3SharedObjects implements SharedObjects {
  constructor(
    protected readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async createUpload(key: string, contentType: string): Promise<string> {
    const result = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!result.UploadId) throw new Error(`S3 gave no upload id for ${key}`);
    return result.UploadId;
  }

  partUrls(
    key: string,
    uploadId: string,
    parts: PartSize[],
    expiresInSeconds: number,
  ): Promise<PartUrl[]> {
    return Promise.all(
      parts.map(async ({ partNumber, size }) => ({
        partNumber,
        url: await getSignedUrl(
          this.client,
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            // Signed as a header: S3 refuses a PUT of any other length (403), so a part URL
            // cannot park more bytes in the bucket than the share reserved.
            ContentLength: size,
          }),
          { expiresIn: expiresInSeconds },
        ),
      })),
    );
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[] | undefined> {
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.listPartsPage(key, uploadId, marker);
      if (!page) return undefined;
      for (const part of page.Parts ?? []) {
        if (part.PartNumber && part.ETag && part.Size !== undefined) {
          parts.push({ partNumber: part.PartNumber, size: part.Size, etag: part.ETag });
        }
      }
      if (!page.IsTruncated || !page.NextPartNumberMarker) return parts;
      marker = page.NextPartNumberMarker;
    }
  }

  private async listPartsPage(key: string, uploadId: string, marker: string | undefined) {
    try {
      return await this.client.send(
        new ListPartsCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MaxParts: LIST_PARTS_PAGE,
          ...(marker && { PartNumberMarker: marker }),
        }),
      );
    } catch (error) {
      if (error instanceof NoSuchUpload) return undefined;
      throw error;
    }
  }

  async completeUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })),
        },
      }),
    );
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (!(error instanceof NoSuchUpload)) throw error;
    }
  }

  async sizeOf(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength;
    } catch (error) {
      if (error instanceof NotFound || (error as Error).name === 'NotFound') return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<Readable> {
    const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!result.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return result.Body as Readable;
  }

  async readRange(key: string, offset: number, length: number): Promise<Buffer> {
    if (length <= 0) return Buffer.alloc(0);
    const result = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Range: `bytes=${offset}-${offset + length - 1}`,
      }),
    );
    if (!result.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return Buffer.from(await result.Body.transformToByteArray());
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  downloadUrl(
    key: string,
    options: { contentDisposition: string; contentType: string; expiresInSeconds: number },
  ): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: options.contentDisposition,
        ResponseContentType: options.contentType,
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }
}
