import * as z from '../validation/zod';
import { domainError } from '../errors/domain-error';

/** Ids one transaction created, updated and destroyed, of one kind (messages or folders). */
export interface IdChanges {
  created?: string[];
  updated?: string[];
  destroyed?: string[];
}

/** What one transaction on a mailbox changed. */
export interface ChangeSet {
  messages?: IdChanges;
  folders?: IdChanges;
}

/** One entry of the change log: the state the transaction moved the mailbox to. */
export interface LoggedChange extends ChangeSet {
  state: number;
  at: string;
}

/** Log entries answered per request at most; the client asks again from the answer's `state`. */
export const CHANGES_PAGE_LIMITS = { default: 100, max: 500 } as const;

export const changesQuerySchema = z.strictObject({
  since: z.coerce.number().check(z.int(), z.minimum(0)),
  limit: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(CHANGES_PAGE_LIMITS.max)),
    CHANGES_PAGE_LIMITS.default,
  ),
});

/** The state is older than the log keeps (or was never issued): resync from the lists. */
export class CannotCalculateChangesError extends domainError(
  'CannotCalculateChanges',
  'The state is too old (or unknown) to answer what changed since; list the folders again.',
) {}

export interface ChangeLogReader {
  readState(address: string): Promise<number | undefined>;
  readChangesAfter(address: string, since: number, limit: number): Promise<LoggedChange[]>;
}

export interface ChangesAnswer {
  since: number;
  /** The state this answer brings the client to: ask again from it. */
  state: number;
  hasMoreChanges: boolean;
  messages: Required<IdChanges>;
  folders: Required<IdChanges>;
}

/**
 * Folds log entries into one answer per id: created then destroyed is left out (the client never
 * saw it), created then updated stays created, anything then destroyed is destroyed.
 */
function fold(entries: (IdChanges | undefined)[]): Required<IdChanges> {
  const first = new Map<string, keyof IdChanges>();
  const last = new Map<string, keyof IdChanges>();
  for (const entry of entries) {
    for (const kind of ['created', 'updated', 'destroyed'] as const) {
      for (const id of entry?.[kind] ?? []) {
        if (!first.has(id)) first.set(id, kind);
        last.set(id, kind);
      }
    }
  }
  const answer: Required<IdChanges> = { created: [], updated: [], destroyed: [] };
  for (const [id, began] of first) {
    const ended = last.get(id) as keyof IdChanges;
    if (ended === 'destroyed') {
      if (began !== 'created') answer.destroyed.push(id);
    } else if (began === 'created') answer.created.push(id);
    else answer.updated.push(id);
  }
  return answer;
}

/** What changed in a mailbox since `since`, a page of log entries at a time. */
export async function changesSince(
  log: ChangeLogReader,
  address: string,
  query: { since: number; limit: number },
): Promise<ChangesAnswer> {
  const current = (await log.readState(address)) ?? 0;
  const { since, limit } = query;
  if (since > current) throw new CannotCalculateChangesError();
  const entries = since === current ? [] : await log.readChangesAfter(address, since, limit);
  // Entries are consecutive: the first must be since + 1, or the ones between have expired.
  if (since < current && entries[0]?.state !== since + 1) throw new CannotCalculateChangesError();
  const state = entries.at(-1)?.state ?? since;
  return {
    since,
    state,
    hasMoreChanges: state < current,
    messages: fold(entries.map((e) => e.messages)),
    folders: fold(entries.map((e) => e.folders)),
  };
}
