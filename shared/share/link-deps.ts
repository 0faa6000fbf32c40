import type { DownloadLinks } from '../blob/download-links';
import type { AttemptLimiter } from './attempt-limits';
import type { ShareLinkStore } from './link-store';
import type { ShareStore } from './share-store';

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

/** The port that puts a system message in the owner's own mailbox. */
export interface DownloadNotices {
  tell(notice: DownloadNotice): Promise<void>;
}

/** What the public side of links needs: no mailbox reads anywhere in it. */
export interface PublicLinkDeps {
  shares: Pick<ShareStore, 'getShare' | 'putEvent'>;
  links: ShareLinkStore;
  limiter: AttemptLimiter;
  downloads: DownloadLinks;
  notices: DownloadNotices;
  now?: () => Date;
}

/** Who is asking, as API Gateway saw them. */
export interface PublicClient {
  /** `requestContext.http.sourceIp`: the address the limits are counted by. */
  address: string;
  userAgent: string;
}
