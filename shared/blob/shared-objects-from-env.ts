import type { S3Client } from '@aws-sdk/client-s3';
import { ENV } from '../config/resource-names';
import type { SharedObjects } from '../share/shared-objects';
import { LocalSharedObjects } from './local-shared-objects';
import { S3SharedObjects } from './s3-shared-objects';

/**
 * The share bucket's adapter: S3's, or on one machine (ENV.localS3Dir set by infra/local) the
 * same with s3rver's missing ListParts and AbortMultipartUpload covered.
 */
export function sharedObjectsFromEnv(
  client: S3Client,
  bucket: string,
  env: NodeJS.ProcessEnv = process.env,
): SharedObjects {
  const localDir = env[ENV.localS3Dir];
  return localDir
    ? new LocalSharedObjects(client, bucket, localDir)
    : new S3SharedObjects(client, bucket);
}
