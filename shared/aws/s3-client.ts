import { S3Client } from '@aws-sdk/client-s3';
import { S3_CHECKSUMS } from './s3-options';

/**
 * The S3 client, built once per process. Which world it talks to is decided by the SDK's own
 * endpoint setting (AWS_ENDPOINT_URL_S3): infra/local sets it to s3rver, Lambda leaves it unset.
 * An S3 emulator needs path-style addressing.
 *
 * Its own module: the client and its XML protocol are ~150 KB of bundle that a function which
 * never touches S3 (admin, account) would otherwise load on every cold start.
 */
export const s3 = new S3Client({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  ...S3_CHECKSUMS,
});
