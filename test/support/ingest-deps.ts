import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestDeps } from '@shared/inbound/ingest-message';
import { LocalOutboxMailer } from '@shared/outbound/local-outbox-mailer';
import { DynamoBounceLedger } from '@shared/store/dynamo-bounce-ledger';
import type { LocalWorld } from './local-world';

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
    mailer: new LocalOutboxMailer(outboxDir),
    outboxDir,
    ...extra,
  };
}
