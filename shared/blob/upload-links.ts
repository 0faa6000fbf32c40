/** Presigned uploads: a client PUTs the bytes straight to S3, never through a Lambda. */
export interface UploadLinks {
  /** A PUT URL valid for `expiresInSeconds`, for exactly `size` bytes of `contentType`. */
  signPut(
    location: { bucket: string; key: string },
    object: { size: number; contentType: string },
    expiresInSeconds: number,
  ): Promise<string>;
}
