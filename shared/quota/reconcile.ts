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
  /** Recoverable items' totals (outside usedBytes / messageCount); absent means none. */
  recoverableBytes?: number;
  recoverableCount?: number;
}

/** What the recoverable items of a mailbox add up to. */
export interface RecoverableTotals {
  recoverableBytes: number;
  recoverableCount: number;
}

/** One folder's counters: messages, and unread messages, in it (recoverable items not counted). */
export interface FolderCounters {
  total: number;
  unread: number;
}

/** What the messages of a mailbox add up to: live totals, per folder, and recoverable items. */
export interface MessageSums extends UsageTotals {
  sesMessageIds: string[];
  folders: Record<string, FolderCounters>;
  recoverable: RecoverableTotals;
}

export interface FolderDrift {
  address: string;
  folder: string;
  /** Undefined: the folder's item is missing (a system folder of a mailbox from before it). */
  recorded?: FolderCounters;
  actual: FolderCounters;
  result: Drift['result'];
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
  sumMessages(address: string): Promise<MessageSums>;
  /** The counters of every folder item, read consistently. */
  readFolders(address: string): Promise<Record<string, FolderCounters>>;
  /**
   * Sets folder counters (creating missing system folder items) if the mailbox's change counter
   * is still `expected.changes`; false if anything changed meanwhile.
   */
  setFolders(
    address: string,
    expected: RecordedUsage,
    counters: Record<string, FolderCounters>,
  ): Promise<boolean>;
  /** Sets the recoverable totals if the mailbox's state is still `expected.changes`. */
  setRecoverable(
    address: string,
    expected: RecordedUsage,
    actual: RecoverableTotals,
  ): Promise<boolean>;
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
  /** Folder counters that differ from the messages in them (issue 11: they must be exact). */
  folderDrifts: FolderDrift[];
  /** Recoverable totals that differ from the recoverable items. */
  recoverableDrifts: {
    address: string;
    recorded: RecoverableTotals;
    actual: RecoverableTotals;
    result: Drift['result'];
  }[];
}

/** Folders whose counters differ from the messages, system folders always among them. */
function driftedFolders(
  recorded: Record<string, FolderCounters>,
  actual: Record<string, FolderCounters>,
  systemFolders: readonly string[],
) {
  const ids = new Set([...Object.keys(recorded), ...Object.keys(actual), ...systemFolders]);
  const drifts: { folder: string; recorded?: FolderCounters; actual: FolderCounters }[] = [];
  for (const folder of ids) {
    const want = actual[folder] ?? { total: 0, unread: 0 };
    const have = recorded[folder];
    if (have && have.total === want.total && have.unread === want.unread) continue;
    drifts.push({ folder, ...(have && { recorded: have }), actual: want });
  }
  return drifts;
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
    /** Folders every mailbox has (shared/mailbox/model FOLDERS): a missing item is drift. */
    systemFolders?: readonly string[];
  },
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    mailboxes: 0,
    drifted: [],
    folderDrifts: [],
    recoverableDrifts: [],
  };
  let cursor: string | undefined;
  do {
    const page = await store.listMailboxes(cursor);
    for (const address of page.items) {
      const recorded = await store.readUsage(address);
      if (!recorded) continue;
      report.mailboxes++;
      const recordedFolders = await store.readFolders(address);
      const { sesMessageIds, folders, recoverable, ...actual } = await store.sumMessages(address);
      for (const id of sesMessageIds) options.references?.add(id);
      const folderDrifts = driftedFolders(recordedFolders, folders, options.systemFolders ?? []);
      if (folderDrifts.length) {
        let result: Drift['result'] = 'reported';
        if (options.repair) {
          const counters = Object.fromEntries(folderDrifts.map((d) => [d.folder, d.actual]));
          const set = await store.setFolders(address, recorded, counters);
          result = set ? 'repaired' : 'changed-meanwhile';
        }
        report.folderDrifts.push(...folderDrifts.map((d) => ({ address, ...d, result })));
        // The repair moved the change counter: the repairs below must expect it.
        if (result === 'repaired') recorded.changes = (recorded.changes ?? 0) + 1;
      }
      const recordedRecoverable = {
        recoverableBytes: recorded.recoverableBytes ?? 0,
        recoverableCount: recorded.recoverableCount ?? 0,
      };
      if (
        recoverable.recoverableBytes !== recordedRecoverable.recoverableBytes ||
        recoverable.recoverableCount !== recordedRecoverable.recoverableCount
      ) {
        let result: Drift['result'] = 'reported';
        if (options.repair) {
          const set = await store.setRecoverable(address, recorded, recoverable);
          result = set ? 'repaired' : 'changed-meanwhile';
        }
        if (result === 'repaired') recorded.changes = (recorded.changes ?? 0) + 1;
        report.recoverableDrifts.push({
          address,
          recorded: recordedRecoverable,
          actual: recoverable,
          result,
        });
      }
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
