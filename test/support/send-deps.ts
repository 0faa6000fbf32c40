import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TIERS, type TierTable } from '@shared/config/tiers';
import { LocalSesStandIn } from '@shared/outbound/local-ses-stand-in';
import { S3UploadLinks } from '@shared/blob/s3-upload-links';
import { ingestDelivery } from '@shared/send/hosted-delivery';
import { DynamoDrafts } from '@shared/store/dynamo-drafts';
import { DynamoSecureMessages } from '@shared/store/dynamo-secure-messages';
import { DynamoSendState } from '@shared/store/dynamo-send-state';
import { DynamoShareLinks } from '@shared/store/dynamo-share-links';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { S3SharedObjects } from '@shared/blob/s3-shared-objects';
import { createSendHandler, type SendApiDeps } from '../../functions/send/send-api';
import { ingestDepsOf } from './ingest-deps';
import type { LocalWorld } from './local-world';

/** The send function's ports on a local world: the real ingest path, the SES stand-in. */
export function sendDepsOf(
  world: LocalWorld,
  tiers: TierTable = DEFAULT_TIERS,
): SendApiDeps & { outboxDir: string } {
  const outboxDir = mkdtempSync(join(tmpdir(), 'sesame-send-outbox-'));
  const outbound = new LocalSesStandIn(outboxDir);
  const ingest = ingestDepsOf(world, { mailer: outbound });
  const state = new DynamoSendState(world.documents, world.names.table);
  return {
    store: world.store,
    blobs: world.blobs,
    rawMailBucket: world.names.rawMailBucket,
    attachmentsBucket: world.names.attachmentsBucket,
    tiers,
    hosted: ingestDelivery(ingest),
    outbound,
    state,
    uploads: state,
    links: new S3UploadLinks(world.s3),
    drafts: new DynamoDrafts(world.documents, world.names.table),
    shares: {
      store: new DynamoShareStore(world.documents, world.names.table),
      links: new DynamoShareLinks(world.documents, world.names.table),
      objects: new S3SharedObjects(world.s3, world.names.shareBucket),
    },
    secure: new DynamoSecureMessages(world.documents, world.names.table),
    outboxDir,
  };
}

export function sendApiOf(deps: SendApiDeps) {
  return createSendHandler(deps);
}

/** The outbox's .eml files, without the stand-in's envelope lines; `except` those seen before. */
export function outboxMessages(
  outboxDir: string,
  except: ReadonlySet<string> = new Set(),
): { name: string; envelopeTo: string[]; eml: Buffer }[] {
  return readdirSync(outboxDir)
    .filter((name) => name.endsWith('.eml') && !except.has(name))
    .map((name) => {
      const file = readFileSync(join(outboxDir, name));
      const text = file.toString('latin1');
      const envelope = /^X-Sesame-Envelope-To: ([^\r\n]*)\r\n/m.exec(text)?.[1] ?? '';
      const start = text.indexOf('\r\n', text.indexOf('X-Sesame-Envelope-To:')) + 2;
      return {
        name,
        envelopeTo: [...envelope.matchAll(/<([^>]*)>/g)].map((m) => m[1] as string),
        eml: file.subarray(start),
      };
    });
}
