import {
  sweepMailboxFrom,
  type MailboxPosition,
  type SweepBudget,
  type SweepDeps,
  type SweepReport,
} from './retention-sweep';

/** Mailboxes and tenants read per page while walking the whole table. */
const WALK_PAGE = 100;

/**
 * Where a pass over every mailbox stopped. Tenants are listed by id and members by address
 * (GSI3), so a run goes on from the page it stopped in and skips what sorts before the position;
 * a tenant or mailbox removed meanwhile only means the next one in that order comes first.
 */
export interface SweepPosition extends MailboxPosition {
  /** The cursor of the tenant page holding `tenant` (none: the first page). */
  tenants?: string;
  /** The tenant being swept; '' before the first tenant of the page. */
  tenant: string;
  /** The cursor of `tenant`'s member page holding `address`. */
  members?: string;
  /** The mailbox being swept; '' before the first mailbox of the page. */
  address: string;
}

/** The sweep's resume point: one item in the table (shared/store/dynamo-sweep-cursor). */
export interface SweepCursorStore {
  load(): Promise<SweepPosition | undefined>;
  /** `undefined`: the pass is done; the next run begins a new one. */
  save(position: SweepPosition | undefined, now: Date): Promise<void>;
}

export interface SweepRunDeps extends SweepDeps {
  cursor: SweepCursorStore;
}

/** What one run did, and whether it finished the pass (false: the next run goes on). */
export interface SweepRunReport extends SweepReport {
  pages: number;
  passDone: boolean;
  /** Mailboxes whose sweep failed this run (logged by the caller; the next pass retries them). */
  failed: { address: string; reason: string }[];
}

/** Time a run keeps in hand after its last page: one page of purges, and the cursor's write. */
export const SWEEP_TIME_RESERVE_MS = 60_000;

/**
 * At most `pages` queries, and none started once less than SWEEP_TIME_RESERVE_MS is left
 * (`remainingMs`: the Lambda context's getRemainingTimeInMillis).
 */
export function runBudget(
  pages: number,
  remainingMs?: () => number,
): SweepBudget & { used: number } {
  return {
    used: 0,
    take() {
      if (this.used >= pages) return false;
      if (remainingMs && remainingMs() < SWEEP_TIME_RESERVE_MS) return false;
      this.used++;
      return true;
    },
  };
}

/**
 * One run of the schedule (EventBridge in AWS, a timer locally): every tenant's mailboxes in
 * turn, from where the last run stopped, until the pass ends or the budget does. Re-reading the
 * pages the position points into costs no budget, so every run moves the pass on.
 */
export async function sweepRun(
  deps: SweepRunDeps,
  now: Date,
  budget: SweepBudget & { used: number },
): Promise<SweepRunReport> {
  const report: SweepReport = { mailboxes: 0, expired: 0, purged: 0 };
  const failed: SweepRunReport['failed'] = [];
  const done = (passDone: boolean) => ({ ...report, pages: budget.used, passDone, failed });
  const stop = async (position: SweepPosition) => {
    await deps.cursor.save(position, now);
    return done(false);
  };
  let resume = await deps.cursor.load();
  let tenants = resume?.tenants;
  let resumingPage = resume !== undefined;
  do {
    if (!resumingPage && !budget.take())
      return stop({ tenants, tenant: '', address: '', step: 'junk' });
    resumingPage = false;
    const page = await deps.tenants.listTenants(WALK_PAGE, tenants);
    for (const tenant of page.items) {
      if (resume && tenant.id < resume.tenant) continue;
      const here = resume?.tenant === tenant.id ? resume : undefined;
      resume = undefined;
      let members = here?.members;
      let resumingMembers = here !== undefined;
      do {
        const position = {
          tenants,
          tenant: tenant.id,
          members,
          address: '',
          step: 'junk',
        } as const;
        if (!resumingMembers && !budget.take()) return stop(position);
        resumingMembers = false;
        const mailboxes = await deps.tenants.listMembers(tenant.id, WALK_PAGE, members);
        for (const mailbox of mailboxes.items) {
          if (here && mailbox.address < here.address) continue;
          const from = here?.address === mailbox.address ? here : { step: 'junk' as const };
          let at;
          try {
            at = await sweepMailboxFrom(deps, mailbox.address, tenant, now, report, from, budget);
          } catch (error) {
            // One mailbox that fails must not hold up the ones after it: the next pass retries it.
            failed.push({ address: mailbox.address, reason: String(error) });
            continue;
          }
          if (at) return stop({ ...position, address: mailbox.address, ...at });
        }
        members = mailboxes.next;
      } while (members);
    }
    tenants = page.next;
  } while (tenants);
  await deps.cursor.save(undefined, now);
  return done(true);
}
