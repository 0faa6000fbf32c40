import { domainError } from '../errors/domain-error';
/** The object store port: S3 in AWS, s3rver on one machine. */
export interface BlobStore {
  get(bucket: string, key: string): Promise<Uint8Array>;
  put(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void>;
}

export class NoSuchObjectError extends domainError('NoSuchObject') {}
