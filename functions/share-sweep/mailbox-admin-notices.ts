import { deliverSystemNotice, type SystemNoticeDeps } from '@shared/mailbox/system-notice';
import type { AdminNotice, AdminNotices } from '@shared/share/report-notices';

/** AdminNotices as system messages in each tenant admin's own inbox (report notices). */
export class MailboxAdminNotices implements AdminNotices {
  constructor(private readonly deps: SystemNoticeDeps) {}

  async tell(admin: { address: string; tenantId: string }, notice: AdminNotice, at: Date) {
    await deliverSystemNotice(this.deps, admin, notice, at);
  }
}
