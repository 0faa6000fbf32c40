/**
 * The AWS names of the one-machine world, defined once: the region and account the stand-ins
 * pretend to be in, and the credentials they accept (s3rver's defaults; DynamoDB Local takes any).
 */
export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
