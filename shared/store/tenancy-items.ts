import type { DirectoryEntry } from '../tenancy/directory-terms';
import { DIRECTORY_SCOPES, DIRECTORY_SLOTS } from '../tenancy/directory-terms';
import { keys } from './keys';
import type { TransactItems } from './transact-write';

/** GSI3 partitions other than the directory's: every tenant, and each tenant's members. */
export const TENANTS_PARTITION = 'TENANTS';
export const membersPartition = (tenantId: string) => `TENANT#${tenantId}#MEMBERS`;

export const ACTIVE_IN_TENANT = 'tenantId = :tenant AND #status = :active';

/** Every slot of every scope: the new entries put, the slots they no longer fill deleted. */
export function directoryWrites(
  tableName: string,
  address: string,
  entries: DirectoryEntry[],
): TransactItems {
  return DIRECTORY_SCOPES.flatMap((scope) =>
    Array.from({ length: DIRECTORY_SLOTS }, (_, slot) => {
      const key = keys.directoryEntry(address, scope, slot);
      const entry = entries.find((e) => e.scope === scope && e.slot === slot);
      if (!entry) return { Delete: { TableName: tableName, Key: key } };
      return putItem(tableName, {
        ...key,
        type: 'directory',
        GSI3PK: entry.partition,
        GSI3SK: entry.sort,
        view: entry.view,
      });
    }),
  );
}

/** The tenant half of taking a seat: premium, and a seat left. */
export function seatTake(tableName: string, tenantId: string): TransactItems[number] {
  return {
    Update: {
      TableName: tableName,
      Key: keys.tenant(tenantId),
      UpdateExpression:
        'SET largeMailboxSeatsUsed = if_not_exists(largeMailboxSeatsUsed, :zero) + :one',
      ConditionExpression:
        'tier = :premium AND (largeMailboxSeatsUsed < largeMailboxSeats OR ' +
        '(attribute_not_exists(largeMailboxSeatsUsed) AND largeMailboxSeats > :zero))',
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':premium': 'premium' },
    },
  };
}

/** The tenant half of giving a seat back. */
export function seatReturn(tableName: string, tenantId: string): TransactItems[number] {
  return {
    Update: {
      TableName: tableName,
      Key: keys.tenant(tenantId),
      UpdateExpression: 'ADD largeMailboxSeatsUsed :minusOne',
      ConditionExpression: 'largeMailboxSeatsUsed > :zero',
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    },
  };
}

export function putItem(
  tableName: string,
  item: Record<string, unknown>,
  condition?: string,
): TransactItems[number] {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ...(condition && { ConditionExpression: condition }),
    },
  };
}
