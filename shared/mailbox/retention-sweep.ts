import type { Page } from '../tenancy/tenancy-store';
import type { Mailbox, Tenant } from '../tenancy/model';
import { deleteMessageForGood, type DeleteMessageDeps } from './delete-message';
import type { MailStore, PagePosition } from './mail-store';
import { expiryPlan, type MessageChangeStore } from './message-state';
import { DAY_MS, retentionOf, type RecoverableStore } from './recoverable';

/** Messages handled per query while sweeping one folder of one mailbox. */
export const SWEEP_PAGE = 40;

export interface SweepDeps extends DeleteMessageDeps {
  messages: MessageChangeStore;
  recoverable: RecoverableStore;
  store: Pick<MailStore, 'listFolderReceivedBefore'>;
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

/** The steps of one mailbox's sweep, in order. */
export const SWEEP_STEPS = ['junk', 'deleted', 'recoverable'] as const;
export type SweepStep = (typeof SWEEP_STEPS)[number];

/** Where one mailbox's sweep stopped: the step, and in a folder the page it got to. */
export interface MailboxPosition {
  step: SweepStep;
  after?: PagePosition;
}

/** Lets a run take one more query (a page of a folder or of recoverable items), or not. */
export interface SweepBudget {
  take(): boolean;
}

const UNBOUNDED: SweepBudget = { take: () => true };

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
  await sweepMailboxFrom(deps, address, tenant, now, report, { step: 'junk' }, UNBOUNDED);
  return report;
}

/**
 * The same, from `from` on and one query per `budget.take()`: where it stopped when the budget
 * ran out, or undefined when the mailbox is done. Every page either changes what is due or moves
 * the position on, so a run of any budget makes progress.
 */
export async function sweepMailboxFrom(
  deps: SweepDeps,
  address: string,
  tenant: Pick<Tenant, 'mailRetention'> | undefined,
  now: Date,
  report: SweepReport,
  from: MailboxPosition,
  budget: SweepBudget,
): Promise<MailboxPosition | undefined> {
  const retention = retentionOf(tenant);
  const kept = { junk: retention.junkDays, deleted: retention.deletedDays };
  for (const step of SWEEP_STEPS.slice(SWEEP_STEPS.indexOf(from.step))) {
    let after = step === from.step ? from.after : undefined;
    if (step === 'recoverable') {
      if (!(await purgeRecoverable(deps, address, retention.recoveryDays, now, report, budget)))
        return { step };
      continue;
    }
    const before = new Date(now.getTime() - kept[step] * DAY_MS).toISOString();
    const plan = expiryPlan(step, before, now);
    // Oldest first, and only what arrived before the cut-off: all of it due in Junk; in Deleted
    // Items a superset (an item is deleted after it arrives), which the plan narrows by deletedAt.
    do {
      if (!budget.take()) return { step, ...(after && { after }) };
      const page = await deps.store.listFolderReceivedBefore(
        address,
        step,
        before,
        SWEEP_PAGE,
        after,
      );
      if (page.items.length) {
        const ids = page.items.map((m) => m.id);
        const { outcomes } = await deps.messages.changeMessages(address, ids, plan, now);
        for (const outcome of outcomes.values()) if (outcome.status === 'changed') report.expired++;
      }
      after = page.next;
    } while (after);
  }
  report.mailboxes++;
  return undefined;
}

/** Recoverable items past the recovery window, purged a page at a time; false: out of budget. */
async function purgeRecoverable(
  deps: SweepDeps,
  address: string,
  recoveryDays: number,
  now: Date,
  report: SweepReport,
  budget: SweepBudget,
): Promise<boolean> {
  const purgeBefore = new Date(now.getTime() - recoveryDays * DAY_MS).toISOString();
  for (;;) {
    if (!budget.take()) return false;
    const ids = await deps.recoverable.listRecoverableBefore(address, purgeBefore, SWEEP_PAGE);
    let purgedNow = 0;
    for (const id of ids) {
      if (await deleteMessageForGood(deps, address, id, now, { recoverableBefore: purgeBefore })) {
        purgedNow++;
      }
    }
    report.purged += purgedNow;
    if (ids.length < SWEEP_PAGE || purgedNow === 0) return true;
  }
}
