/** Short-lived download URLs: presigned S3 GETs in both worlds (s3rver signs them locally too). */
export interface DownloadLinks {
  /** A URL valid for `expiresInSeconds`, answering with this disposition and type. */
  sign(
    location: { bucket: string; key: string },
    response: { contentDisposition: string; contentType: string },
    expiresInSeconds: number,
  ): Promise<string>;
}
