import type { DownloadLinks } from '../blob/download-links';
import { contentDisposition } from '../mime/display-name';
import { servedContentType } from '../mime/served-content-type';

/** Presigned download URLs live this long: long enough to start a download, no longer. */
export const DOWNLOAD_URL_SECONDS = 300;

/**
 * How a body too large to answer inline is stored and served (shared/inbound/store-parts). The
 * HTML body was sanitised at ingest, and is still never served as `text/html`: it is the
 * client's to render, in its own sandbox, never a page on the storage origin.
 */
export const LINKED_BODY_TYPES = {
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
  html: { contentType: 'text/plain; charset=utf-8', extension: 'html' },
} as const;

/** What a download route answers (303 + this JSON), and what a linked body carries. */
export interface Download {
  url: string;
  expiresAt: string;
  filename: string;
  /** The type the URL is served with (servedContentType), not necessarily the declared one. */
  contentType: string;
  size?: number;
  sha256?: string;
}

export interface DownloadLinkDeps {
  links: DownloadLinks;
  now?: () => Date;
}

/**
 * A short-lived URL for one stored object, served as an attachment with this file name, and
 * with the declared type only when it is on the allow-list (shared/mime/served-content-type).
 */
export async function signDownload(
  deps: DownloadLinkDeps,
  location: { bucket: string; key: string },
  meta: Omit<Download, 'url' | 'expiresAt'>,
): Promise<Download> {
  const now = deps.now?.() ?? new Date();
  const contentType = servedContentType(meta.contentType);
  const url = await deps.links.sign(
    location,
    { contentDisposition: contentDisposition(meta.filename, 'attachment'), contentType },
    DOWNLOAD_URL_SECONDS,
  );
  const expiresAt = new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString();
  return { url, expiresAt, ...meta, contentType };
}
