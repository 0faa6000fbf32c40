import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import type { Mailbox } from '@shared/tenancy/model';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { CognitoIdentities } from '@shared/sign-in/cognito-identities';
import { localCognitoClient } from '../../infra/local/cognito-emulator';
import { directoryEntriesOf } from '@shared/tenancy/directory-terms';
import { buildSesNotification, type ReceivedMail } from '../../infra/local/ses-envelope';
import {
  localDynamoClient,
  localS3Client,
  startStandIns,
  type StandIns,
} from '../../infra/local/stand-ins';

/**
 * DynamoDB Local and s3rver, started for one test file, with the ports wired the way the
 * handlers use them. Each file gets fresh, empty stand-ins.
 */
export interface LocalWorld {
  standIns: StandIns;
  store: DynamoMailStore;
  /** Tenants and users as the admin APIs create them (domains, folders, directory, members). */
  tenancy: DynamoTenancyStore;
  /**
   * Sign-in accounts in the stand-ins' Cognito emulator, through the adapter AWS uses; only in
   * a world started with `identities: true` (the emulator is a Node process of its own).
   */
  identities: CognitoIdentities;
  blobs: S3BlobStore;
  s3: S3Client;
  documents: DynamoDBDocumentClient;
  names: typeof LOCAL_RESOURCE_NAMES;
  /** Stores raw mail as SES would and returns the notification SES would send. */
  receive(
    raw: string | Uint8Array,
    mail: Partial<ReceivedMail> & { recipients: string[] },
  ): Promise<ReturnType<typeof buildSesNotification>>;
  addTenant(id: string, domains: string[]): Promise<void>;
  addMailbox(address: string, tenantId: string, quotaBytes?: number): Promise<Mailbox>;
  stop(): Promise<void>;
}

let sequence = 0;

/**
 * Receipt verdicts of a sender SES authenticated (SPF, DKIM and DMARC PASS): mail from it may
 * be bounced. Without them the local notification says GRAY, and no bounce is ever sent.
 */
export const AUTHENTICATED = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' } as const;

export async function startLocalWorld(options: { identities?: boolean } = {}): Promise<LocalWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-test-'));
  const standIns = await startStandIns({ dataDir, cognito: options.identities ?? false });
  const documents = DynamoDBDocumentClient.from(localDynamoClient(standIns.dynamoEndpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const s3 = localS3Client(standIns.s3Endpoint);
  const store = new DynamoMailStore(documents, LOCAL_RESOURCE_NAMES.table);
  const tenancy = new DynamoTenancyStore(documents, LOCAL_RESOURCE_NAMES.table);
  const blobs = new S3BlobStore(s3);
  const cognito = standIns.cognito && localCognitoClient(standIns.cognito.endpoint);
  const identities =
    cognito &&
    new CognitoIdentities(cognito, {
      userPoolId: standIns.cognito?.userPoolId ?? '',
      signOutOnDisable: false,
      invite: false,
    });
  return {
    standIns,
    store,
    tenancy,
    get identities() {
      if (!identities) throw new Error('start the world with { identities: true }');
      return identities;
    },
    blobs,
    s3,
    documents,
    names: LOCAL_RESOURCE_NAMES,
    async receive(raw, mail) {
      const messageId = mail.messageId ?? `test-${process.pid}-${Date.now()}-${++sequence}`;
      const objectKey = `inbound/${messageId}`;
      await blobs.put(LOCAL_RESOURCE_NAMES.rawMailBucket, objectKey, raw, 'message/rfc822');
      return buildSesNotification({
        messageId,
        source: mail.source ?? 'carol@partner.example',
        recipients: mail.recipients,
        bucket: LOCAL_RESOURCE_NAMES.rawMailBucket,
        objectKey,
        receivedAt: mail.receivedAt ?? new Date(),
        ...(mail.verdicts && { verdicts: mail.verdicts }),
      });
    },
    async addTenant(id, domains) {
      await tenancy.createTenant({
        id,
        name: `Tenant ${id}`,
        tier: 'commodity',
        domains,
        largeMailboxSeats: 0,
        createdAt: new Date().toISOString(),
      });
    },
    async addMailbox(address, tenantId, quotaBytes = DEFAULT_TIERS.commodity.mailboxBytes) {
      const mailbox: Mailbox = {
        address,
        tenantId,
        displayName: address.split('@')[0] ?? address,
        role: 'user',
        status: 'active',
        quotaBytes,
        usedBytes: 0,
        messageCount: 0,
        createdAt: new Date().toISOString(),
      };
      const tenant = await tenancy.getTenant(tenantId);
      await tenancy.createMailbox(mailbox, directoryEntriesOf(mailbox, tenant?.name ?? tenantId));
      return mailbox;
    },
    async stop() {
      cognito?.destroy();
      documents.destroy();
      s3.destroy();
      await standIns.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small well-formed message. */
export function simpleMail(
  subject: string,
  body = 'Hello from the ward.',
  extraHeaders = '',
): string {
  return [
    'From: Carol Partner <carol@partner.example>',
    'To: Alice Example <alice@demo.test>',
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W+/g, '-')}-${++sequence}@partner.example>`,
    'Date: Fri, 20 Nov 2026 09:14:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(extraHeaders ? [extraHeaders] : []),
    '',
    body,
    '',
  ].join('\r\n');
}
