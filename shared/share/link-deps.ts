import type { AttemptLimiter } from './attempt-limits';
import type { ShareLinkStore } from './link-store';
import type { ShareStore } from './share-store';
import type { SharedObjects } from './shared-objects';

/** A download the owner is told about, as their `notify` setting asks. */
export interface DownloadNotice {
  owner: string;
  tenantId: string;
  shareId: string;
  fileName: string;
  linkId: string;
  recipient?: string;
  at: string;
  clientAddress: string;
  userAgent: string;
  downloads: number;
  maxDownloads: number;
}

/** The notice a download sends its owner (`notify: first | every`). */
export function downloadNoticeText(notice: DownloadNotice): { subject: string; text: string } {
  const who = notice.recipient ? ` by the link for ${notice.recipient}` : '';
  return {
    subject: `Downloaded: ${notice.fileName}`,
    text:
      `Your shared file "${notice.fileName}" was downloaded${who} at ${notice.at} ` +
      `from ${notice.clientAddress} (${notice.userAgent || 'no user agent'}). ` +
      `That link has been used ${notice.downloads} of ${notice.maxDownloads} times.`,
  };
}

/** The port that puts a system message in the owner's own mailbox. */
export interface DownloadNotices {
  tell(notice: DownloadNotice): Promise<void>;
}

/** What the public side of links needs: no mailbox reads anywhere in it. */
export interface PublicLinkDeps {
  shares: Pick<ShareStore, 'getShare' | 'putEvent'>;
  links: ShareLinkStore;
  limiter: AttemptLimiter;
  objects: Pick<SharedObjects, 'downloadUrl'>;
  notices: DownloadNotices;
  now?: () => Date;
}

/** Who is asking, as API Gateway saw them. */
export interface PublicClient {
  /** `requestContext.http.sourceIp`: the address the limits are counted by. */
  address: string;
  userAgent: string;
}
