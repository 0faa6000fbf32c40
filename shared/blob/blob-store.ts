import { domainError } from '../errors/domain-error';
/** The object store port: S3 in AWS, s3rver on one machine. */
export interface BlobStore {
  get(bucket: string, key: string): Promise<Uint8Array>;
  put(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  /** Deletes the objects (at most DELETE_BATCH_KEYS per request); missing keys are no error. */
  delete(bucket: string, keys: string[]): Promise<void>;
}

export class NoSuchObjectError extends domainError('NoSuchObject') {}

/** An object as a listing shows it. */
export interface ListedObject {
  key: string;
  lastModified: Date;
}

/** Listing a prefix: only operator tools (reconcile) need it, so it is a port of its own. */
export interface BlobLister {
  list(bucket: string, prefix: string): AsyncIterable<ListedObject>;
}
