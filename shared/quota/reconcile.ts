/**
 * Drift between a mailbox's `usedBytes`/`messageCount` and the messages it holds. The ingest
 * transaction keeps them equal; this finds (and with `repair`, fixes) anything that did not,
 * e.g. items edited by hand or a bug since fixed.
 */
export interface UsageTotals {
  usedBytes: number;
  messageCount: number;
}

export interface ReconcileStore {
  /** Every mailbox's address and recorded totals, a page at a time. */
  listMailboxUsage(
    cursor?: string,
  ): Promise<{ items: ({ address: string } & UsageTotals)[]; next?: string }>;
  /** The sum of the sizes and the count of the messages stored in a mailbox. */
  sumMessages(address: string): Promise<UsageTotals>;
  /** Sets the totals if they are still `expected`; false if a delivery changed them meanwhile. */
  setUsage(address: string, expected: UsageTotals, actual: UsageTotals): Promise<boolean>;
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

export async function reconcileUsage(
  store: ReconcileStore,
  options: { repair: boolean; onProgress?: (checked: number, drifted: number) => void },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { mailboxes: 0, drifted: [] };
  let cursor: string | undefined;
  do {
    const page = await store.listMailboxUsage(cursor);
    for (const { address, usedBytes, messageCount } of page.items) {
      report.mailboxes++;
      const recorded = { usedBytes, messageCount };
      const actual = await store.sumMessages(address);
      if (actual.usedBytes === usedBytes && actual.messageCount === messageCount) continue;
      let result: Drift['result'] = 'reported';
      if (options.repair) {
        result = (await store.setUsage(address, recorded, actual))
          ? 'repaired'
          : 'changed-meanwhile';
      }
      report.drifted.push({ address, recorded, actual, result });
    }
    options.onProgress?.(report.mailboxes, report.drifted.length);
    cursor = page.next;
  } while (cursor);
  return report;
}
