/**
 * Drift between a mailbox's `usedBytes`/`messageCount` and the messages it holds. The ingest
 * transaction keeps them equal; this finds (and with `repair`, fixes) anything that did not,
 * e.g. items edited by hand or a bug since fixed.
 */
export interface UsageTotals {
  usedBytes: number;
  messageCount: number;
}

/** A mailbox's totals as read, with its change counter (moved by every transaction on it). */
export interface RecordedUsage extends UsageTotals {
  changes?: number;
}

export interface ReconcileStore {
  /** Every mailbox's address, a page at a time. */
  listMailboxes(cursor?: string): Promise<{ items: string[]; next?: string }>;
  /** A mailbox's recorded totals and change counter, read consistently; undefined when gone. */
  readUsage(address: string): Promise<RecordedUsage | undefined>;
  /**
   * The sum of the sizes and the count of the messages stored in a mailbox, read consistently,
   * and the SES message each of them refers to.
   */
  sumMessages(address: string): Promise<UsageTotals & { sesMessageIds: string[] }>;
  /**
   * Sets the totals if the mailbox is still as `expected` (totals and change counter); false
   * if a delivery, delete or move changed it meanwhile.
   */
  setUsage(address: string, expected: RecordedUsage, actual: UsageTotals): Promise<boolean>;
}

export interface Drift {
  address: string;
  recorded: UsageTotals;
  actual: UsageTotals;
  /** repaired, or changed under us (run again), or not asked to repair. */
  result: 'repaired' | 'changed-meanwhile' | 'reported';
}

export interface ReconcileReport {
  mailboxes: number;
  drifted: Drift[];
}

/**
 * Compares each mailbox's totals with its messages. The totals are read first and consistently,
 * then the messages (consistently too, from the base table: an index cannot be), and a repair is
 * conditioned on the totals and the change counter still being what was read: every
 * transaction that changes the messages moves the counter, so a delivery, delete or move between
 * the read and the write makes the repair fail ('changed-meanwhile') instead of writing totals
 * computed from a mailbox that no longer exists. `references`, when given, collects the SES
 * message id of every message seen (for the orphan sweep, shared/quota/reconcile-objects).
 */
export async function reconcileUsage(
  store: ReconcileStore,
  options: {
    repair: boolean;
    onProgress?: (checked: number, drifted: number) => void;
    references?: Set<string>;
  },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { mailboxes: 0, drifted: [] };
  let cursor: string | undefined;
  do {
    const page = await store.listMailboxes(cursor);
    for (const address of page.items) {
      const recorded = await store.readUsage(address);
      if (!recorded) continue;
      report.mailboxes++;
      const { sesMessageIds, ...actual } = await store.sumMessages(address);
      for (const id of sesMessageIds) options.references?.add(id);
      if (
        actual.usedBytes === recorded.usedBytes &&
        actual.messageCount === recorded.messageCount
      ) {
        continue;
      }
      let result: Drift['result'] = 'reported';
      if (options.repair) {
        result = (await store.setUsage(address, recorded, actual))
          ? 'repaired'
          : 'changed-meanwhile';
      }
      const { usedBytes, messageCount } = recorded;
      report.drifted.push({ address, recorded: { usedBytes, messageCount }, actual, result });
    }
    options.onProgress?.(report.mailboxes, report.drifted.length);
    cursor = page.next;
  } while (cursor);
  return report;
}
