import type { Page } from '../tenancy/tenancy-store';
import type { Mailbox, Tenant } from '../tenancy/model';
import { deleteMessageForGood, type DeleteMessageDeps } from './delete-message';
import type { MailStore } from './mail-store';
import { expiryPlan, type MessageChangeStore } from './message-state';
import { DAY_MS, retentionOf, type RecoverableStore } from './recoverable';

/** Messages handled per query while sweeping one folder of one mailbox. */
export const SWEEP_PAGE = 40;
/** Mailboxes and tenants read per page while walking the whole table. */
const WALK_PAGE = 100;

export interface SweepDeps extends DeleteMessageDeps {
  messages: MessageChangeStore;
  recoverable: RecoverableStore;
  store: Pick<MailStore, 'listFolder'>;
  tenants: {
    listTenants(limit: number, cursor?: string): Promise<Page<Tenant>>;
    listMembers(tenantId: string, limit: number, cursor?: string): Promise<Page<Mailbox>>;
  };
}

export interface SweepReport {
  mailboxes: number;
  /** Junk and Deleted Items older than the tenant's retention, made recoverable. */
  expired: number;
  /** Recoverable items past the recovery window, deleted for good (bytes included). */
  purged: number;
}

/**
 * One mailbox's retention, as of `now` (the clock is a parameter, so tests move it): Junk and
 * Deleted Items past their retention become recoverable items (through the same transactions as
 * a user's delete), and recoverable items past the recovery window are deleted for good through
 * the one purge path (shared/mailbox/delete-message), which also drops what refers to them.
 */
export async function sweepMailbox(
  deps: SweepDeps,
  address: string,
  tenant: Pick<Tenant, 'mailRetention'> | undefined,
  now: Date,
  report: SweepReport = { mailboxes: 0, expired: 0, purged: 0 },
): Promise<SweepReport> {
  report.mailboxes++;
  const retention = retentionOf(tenant);
  for (const [folder, keptDays] of [
    ['junk', retention.junkDays],
    ['deleted', retention.deletedDays],
  ] as const) {
    const before = new Date(now.getTime() - keptDays * DAY_MS).toISOString();
    const plan = expiryPlan(folder, before, now);
    // Junk by arrival (oldest last on the newest-first index); Deleted Items by when deleted,
    // which only the item holds, so the folder is read whole (retention keeps it short).
    let after;
    do {
      const page = await deps.store.listFolder(address, folder, SWEEP_PAGE, after);
      const due = page.items.filter((m) => folder === 'deleted' || m.receivedAt < before);
      if (due.length) {
        const { outcomes } = await deps.messages.changeMessages(
          address,
          due.map((m) => m.id),
          plan,
          now,
        );
        for (const outcome of outcomes.values()) if (outcome.status === 'changed') report.expired++;
      }
      after = page.next;
    } while (after);
  }
  const purgeBefore = new Date(now.getTime() - retention.recoveryDays * DAY_MS).toISOString();
  for (;;) {
    const ids = await deps.recoverable.listRecoverableBefore(address, purgeBefore, SWEEP_PAGE);
    let purgedNow = 0;
    for (const id of ids) {
      if (await deleteMessageForGood(deps, address, id, now, { recoverableBefore: purgeBefore })) {
        purgedNow++;
      }
    }
    report.purged += purgedNow;
    if (ids.length < SWEEP_PAGE || purgedNow === 0) break;
  }
  return report;
}

/** Every tenant's mailboxes: what the schedule (EventBridge in AWS, a timer locally) runs. */
export async function sweepAll(deps: SweepDeps, now: Date): Promise<SweepReport> {
  const report: SweepReport = { mailboxes: 0, expired: 0, purged: 0 };
  let tenants: string | undefined;
  do {
    const page = await deps.tenants.listTenants(WALK_PAGE, tenants);
    for (const tenant of page.items) {
      let members: string | undefined;
      do {
        const mailboxes = await deps.tenants.listMembers(tenant.id, WALK_PAGE, members);
        for (const mailbox of mailboxes.items)
          await sweepMailbox(deps, mailbox.address, tenant, now, report);
        members = mailboxes.next;
      } while (members);
    }
    tenants = page.next;
  } while (tenants);
  return report;
}
