import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type TransactItems = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>;

/**
 * Seat grants on one tenant item collide often (twenty admins clicking at once): DynamoDB
 * cancels all but one with TransactionConflict, and each loser tries again after a jittered,
 * capped backoff. Enough attempts that a burst of that size settles without a 500.
 */
const MAX_ATTEMPTS = 25;
const BASE_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The per-item reasons of a cancelled transaction, in item order ('None' where it was fine). */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/**
 * The one transaction-retry loop: runs one transaction, retrying conflicts. A failed condition
 * is returned (the index of the first item whose condition failed, and every item's reason in
 * item order), never thrown, so the caller maps it to its domain outcome.
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  items: TransactItems,
): Promise<{ failedItem?: number; reasons?: string[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return {};
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const failed = codes.indexOf('ConditionalCheckFailed');
      if (failed >= 0) return { failedItem: failed, reasons: codes };
      if (!codes.includes('TransactionConflict') || attempt >= MAX_ATTEMPTS) throw error;
      const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
      await sleep(Math.random() * ceiling);
    }
  }
}
