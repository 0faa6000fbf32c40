import { deliverSystemNotice, type SystemNoticeDeps } from '@shared/mailbox/system-notice';
import {
  downloadNoticeText,
  type DownloadNotice,
  type DownloadNotices,
} from '@shared/share/link-deps';

/**
 * DownloadNotices as system messages in the owner's own mailbox. It only writes: nothing here
 * reads a mailbox (the public function that uses it is not allowed to).
 */
export class MailboxDownloadNotices implements DownloadNotices {
  constructor(private readonly deps: SystemNoticeDeps) {}

  async tell(notice: DownloadNotice): Promise<void> {
    await deliverSystemNotice(
      this.deps,
      { address: notice.owner, tenantId: notice.tenantId },
      { kind: 'share-download', ...downloadNoticeText(notice) },
      new Date(notice.at),
    );
  }
}
