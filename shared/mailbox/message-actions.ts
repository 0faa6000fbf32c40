import * as z from '../validation/zod';
import { domainError } from '../errors/domain-error';
import { folderIdSchema, NoSuchFolderError } from './folders';
import {
  deletePlan,
  updatePlan,
  type ChangeOutcome,
  type MessageChangeStore,
  type MessageState,
} from './message-state';
import { MESSAGE_ID_PATTERN } from './message-id';
import { isWithheld } from './model';
import { NoSuchMessageError } from './read-message';

/** Ids one bulk request may name, and hits of a search one bulk request acts on. */
export const BULK_LIMITS = { maxIds: 500 } as const;

export const messageIdSchema = z
  .string()
  .check(z.regex(MESSAGE_ID_PATTERN, 'a message id is 32 lowercase hex characters'));

export const messageChangeSchema = z.strictObject({
  seen: z.optional(z.boolean()),
  flagged: z.optional(z.boolean()),
  folderId: z.optional(folderIdSchema),
});
export type MessageChange = z.infer<typeof messageChangeSchema>;

/** One action on many messages: `update` or `delete` (the edge checks exactly one). */
export interface BulkAction {
  update?: MessageChange;
  delete?: true;
}

/** A bulk action on named messages (its edge schema: functions/mailbox/bulk-request). */
export interface BulkRequest extends BulkAction {
  ids: string[];
}

export class OverQuotaError extends domainError(
  'OverQuota',
  'The mailbox is too full to take the message back; delete something first.',
) {}

/** The message an outcome names, or the error it stands for. */
export function settled(outcome: ChangeOutcome | undefined): MessageState {
  if (outcome?.status === 'changed' || outcome?.status === 'unchanged') return outcome.message;
  if (outcome?.status === 'refused') throw outcome.error;
  if (outcome?.status === 'over-quota') throw new OverQuotaError();
  if (outcome?.status === 'no-folder') throw new NoSuchFolderError();
  throw new NoSuchMessageError();
}

/** What the API answers about a message after a change. */
export function messageView(message: MessageState) {
  return {
    id: message.id,
    folder: message.folder,
    seen: !message.unread,
    flagged: message.flagged ?? false,
    quarantined: isWithheld(message),
    ...(message.recoverable && { recoverable: true, deletedAt: message.recoverable.since }),
  };
}

export async function updateMessage(
  messages: MessageChangeStore,
  address: string,
  id: string,
  change: MessageChange,
  now: Date = new Date(),
) {
  const result = await messages.changeMessages(address, [id], updatePlan(change, now), now);
  return { ...messageView(settled(result.outcomes.get(id))), state: result.state };
}

/** DELETE: to Deleted Items, or from there to the recoverable items. */
export async function deleteMessage(
  messages: MessageChangeStore,
  address: string,
  id: string,
  now: Date = new Date(),
) {
  const result = await messages.changeMessages(address, [id], deletePlan(now), now);
  return { ...messageView(settled(result.outcomes.get(id))), state: result.state };
}

/** One result per id: 200 with the message, or the problem's status and code. */
export interface BulkResult {
  id: string;
  status: number;
  code?: string;
  message?: ReturnType<typeof messageView>;
}

/**
 * One action on many messages, a group per transaction (shared/store/message-changes), each id
 * reported. `statusOf` gives an error's HTTP status (the caller's edge knows them).
 */
export async function bulkChange(
  messages: MessageChangeStore,
  address: string,
  request: BulkRequest,
  statusOf: (error: unknown) => { status: number; code: string },
  now: Date = new Date(),
) {
  const plan = request.update ? updatePlan(request.update, now) : deletePlan(now);
  const result = await messages.changeMessages(address, request.ids, plan, now);
  const results: BulkResult[] = [...new Set(request.ids)].map((id) => {
    try {
      return { id, status: 200, message: messageView(settled(result.outcomes.get(id))) };
    } catch (error) {
      return { id, ...statusOf(error) };
    }
  });
  return { results, state: result.state };
}
