/**
 * CORS of the share bucket (issue 9): browsers PUT parts straight to S3 with presigned URLs and
 * read each part's ETag. One rule for both worlds; only the allowed origins differ (cdk.json
 * context `shareUploadOrigins` in AWS, loopback on one machine).
 */
export const SHARE_UPLOAD_CORS = {
  allowedMethods: ['PUT', 'GET', 'HEAD'],
  allowedHeaders: ['*'],
  exposedHeaders: ['ETag'],
  maxAgeSeconds: 3000,
} as const;

/** Any port of the local API and public pages, on loopback only. */
export const LOCAL_SHARE_UPLOAD_ORIGINS = ['http://127.0.0.1:*', 'http://localhost:*'] as const;
