/**
 * Checksums only where S3 requires them. The SDK's default adds a CRC32 to every request, and
 * in a presigned PUT that is the checksum of the empty body at signing time, so S3 would refuse
 * every real upload to it; presigned GETs would also carry `x-amz-checksum-mode`.
 */
export const S3_CHECKSUMS = {
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const;
