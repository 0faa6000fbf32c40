import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestDeps } from '@shared/inbound/ingest-message';
import { LocalOutboxMailer } from '@shared/outbound/local-outbox-mailer';
import { S3DownloadLinks } from '@shared/blob/s3-download-links';
import { DynamoBounceLedger } from '@shared/store/dynamo-bounce-ledger';
import { deleteMessageForGood } from '@shared/mailbox/delete-message';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoRefusalLedger } from '@shared/store/dynamo-refusal-ledger';
import type { RecordedRefusal } from '@shared/inbound/refusals';
import { DynamoStoredMessages } from '@shared/store/dynamo-stored-messages';
import { DynamoSearchIndex } from '@shared/store/dynamo-search-index';
import type { LocalWorld } from './local-world';
import { DynamoChangeLog } from '@shared/store/change-log';
import { DynamoFolders } from '@shared/store/dynamo-folders';
import { DynamoRecoverable } from '@shared/store/dynamo-recoverable';
import { DynamoMessageChanges } from '@shared/store/message-changes';

/** The ingest function's ports on a local world, bounces written to a fresh outbox folder. */
export function ingestDepsOf(
  world: LocalWorld,
  extra: Partial<IngestDeps> = {},
): IngestDeps & { outboxDir: string } {
  const outboxDir = mkdtempSync(join(tmpdir(), 'sesame-outbox-'));
  return {
    store: world.store,
    blobs: world.blobs,
    attachmentsBucket: world.names.attachmentsBucket,
    bounces: new DynamoBounceLedger(world.documents, world.names.table),
    refusals: new DynamoRefusalLedger(world.documents, world.names.table),
    storedMessages: new DynamoStoredMessages(world.documents, world.names.table),
    searchIndex: new DynamoSearchIndex(world.documents, world.names.table),
    mailer: new LocalOutboxMailer(outboxDir),
    outboxDir,
    ...extra,
  };
}

/** The mailbox API's ports on a local world (and the ingest ports, to fill the mailboxes). */
export function mailboxApiDepsOf(world: LocalWorld) {
  const ingest = ingestDepsOf(world);
  const deletion = {
    ...ingest,
    deletions: new DynamoQuotaStore(world.documents, world.names.table),
  };
  return {
    ...ingest,
    searchIndex: new DynamoSearchIndex(world.documents, world.names.table),
    links: new S3DownloadLinks(world.s3),
    messages: new DynamoMessageChanges(world.documents, world.names.table),
    folders: new DynamoFolders(world.documents, world.names.table),
    recoverable: new DynamoRecoverable(world.documents, world.names.table),
    changeLog: new DynamoChangeLog(world.documents, world.names.table),
    /** Deletes for good (what the sweep does after the recovery window). */
    purge: (address: string, id: string) => deleteMessageForGood(deletion, address, id),
    deletion,
  };
}

/** The refusals recorded for one SES message (the last day's, read as an operator would). */
export async function refusalsFor(
  world: LocalWorld,
  sesMessageId: string,
): Promise<RecordedRefusal[]> {
  const ledger = new DynamoRefusalLedger(world.documents, world.names.table);
  const found: RecordedRefusal[] = [];
  for await (const refusal of ledger.list(new Date(Date.now() - 24 * 3600_000))) {
    if (refusal.sesMessageId === sesMessageId) found.push(refusal);
  }
  return found;
}
