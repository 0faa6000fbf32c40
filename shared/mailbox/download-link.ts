import type { DownloadLinks } from '../blob/download-links';
import { contentDisposition } from '../mime/display-name';

/** Presigned download URLs live this long: long enough to start a download, no longer. */
export const DOWNLOAD_URL_SECONDS = 300;

/** How a body too large to answer inline is stored and served (shared/inbound/store-parts). */
export const LINKED_BODY_TYPES = {
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
} as const;

/** What a download route answers (303 + this JSON), and what a linked body carries. */
export interface Download {
  url: string;
  expiresAt: string;
  filename: string;
  contentType: string;
  size?: number;
  sha256?: string;
}

export interface DownloadLinkDeps {
  links: DownloadLinks;
  now?: () => Date;
}

/** A short-lived URL for one stored object, served with this file name and type. */
export async function signDownload(
  deps: DownloadLinkDeps,
  location: { bucket: string; key: string },
  meta: Omit<Download, 'url' | 'expiresAt'>,
): Promise<Download> {
  const now = deps.now?.() ?? new Date();
  const url = await deps.links.sign(
    location,
    { contentDisposition: contentDisposition(meta.filename), contentType: meta.contentType },
    DOWNLOAD_URL_SECONDS,
  );
  const expiresAt = new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString();
  return { url, expiresAt, ...meta };
}
