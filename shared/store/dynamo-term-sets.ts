import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TermSet } from '../search/run-builder';
import { conditionalUpdate } from './conditional-update';
import { keys } from './keys';

/** A term set as stored: hashes big-endian, 4 bytes each (binary: counted by its bytes). */
export function termSetItem(address: string, key: string, set: Omit<TermSet, 'key'>) {
  const bytes = new Uint8Array(set.terms.length * 4);
  const view = new DataView(bytes.buffer);
  set.terms.forEach((term, i) => view.setUint32(i * 4, term));
  return {
    ...keys.searchTerms(address, key),
    type: 'search-terms',
    id: set.id,
    t: set.timeline,
    terms: bytes,
  };
}

export function termsOf(bytes: Uint8Array | undefined): Uint32Array {
  if (!bytes) return new Uint32Array(0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const terms = new Uint32Array(bytes.byteLength / 4);
  for (let i = 0; i < terms.length; i++) terms[i] = view.getUint32(i * 4);
  return terms;
}

/** Writes a message's term set. */
export async function putTermSet(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
  key: string,
  set: Omit<TermSet, 'key'>,
): Promise<void> {
  await client.send(new PutCommand({ TableName: tableName, Item: termSetItem(address, key, set) }));
}

/**
 * A redelivered message's term set: when the message is indexed but its term set is missing
 * (the first delivery stopped between the two writes), it is written under a fresh key, which
 * the message then records. Answers the key the message's term set is under (to settle it:
 * shared/search/index-terms), undefined when the message is not indexed.
 */
export async function ensureTermSet(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
  fresh: string,
  set: Omit<TermSet, 'key'>,
): Promise<string | undefined> {
  const { Item: message } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: keys.message(address, set.id),
      ProjectionExpression: 'searchKey',
      ConsistentRead: true,
    }),
  );
  const searchKey = message?.searchKey as string | undefined;
  if (!message || !searchKey) return undefined;
  const { Item: existing } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: keys.searchTerms(address, searchKey),
      ProjectionExpression: 'SK',
      ConsistentRead: true,
    }),
  );
  if (existing) return searchKey;
  await putTermSet(client, tableName, address, fresh, set);
  const moved = await conditionalUpdate(client, {
    TableName: tableName,
    Key: keys.message(address, set.id),
    UpdateExpression: 'SET searchKey = :fresh',
    ConditionExpression: 'searchKey = :old',
    ExpressionAttributeValues: { ':fresh': fresh, ':old': searchKey },
  });
  return moved ? fresh : undefined;
}

/**
 * Moves a term set that a compaction cut past to `fresh` (in the recent set): the new item,
 * then the message's `searchKey` (a purge deletes the term set it names), then the old item.
 * False when the message no longer names `old` (purged, or moved by a redelivery that settles
 * its own key): the new item is taken back and there is nothing left to settle.
 */
export async function rekeyTermSet(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
  old: string,
  fresh: string,
  set: Omit<TermSet, 'key'>,
): Promise<boolean> {
  await putTermSet(client, tableName, address, fresh, set);
  const moved = await conditionalUpdate(client, {
    TableName: tableName,
    Key: keys.message(address, set.id),
    UpdateExpression: 'SET searchKey = :fresh',
    ConditionExpression: 'searchKey = :old',
    ExpressionAttributeValues: { ':fresh': fresh, ':old': old },
  });
  const stale = moved ? old : fresh;
  await client.send(
    new DeleteCommand({ TableName: tableName, Key: keys.searchTerms(address, stale) }),
  );
  return moved;
}
