import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { ENV, FUNCTION_IDS, LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { MAILBOX_SWEEP_SCHEDULE } from '@shared/config/sweep-schedule';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { CognitoIdentities } from '@shared/sign-in/cognito-identities';
import type { TierTable } from '@shared/config/tiers';
import type { S3Event } from 'aws-lambda';
import { logger } from '@shared/log/logger';
import { seedDemoTenant } from './demo-tenant';
import { shareScanEventOf, toS3SqsRecord } from './share-scan-events';
import { PRIVATE_DIR_MODE } from './durable-write';
import { startHttpGateway, DEFAULT_API_PORT } from './http-gateway';
import { startFunctionWorkers, type FunctionWorkersOptions } from './function-workers';
import { startSesEventsPump, type SesEventsPump } from './ses-events-pump';
import { startIngestQueue, type IngestQueue, type IngestQueueOptions } from './ingest-queue';
import type { CognitoEmulator } from './cognito-emulator';
import { localCognitoClient } from './cognito-emulator';
import { DEFAULT_LOCAL_VERDICTS, parseLocalVerdicts, type LocalVerdicts } from './local-verdicts';
import { readRuntimeInfo, removeRuntimeInfo, writeRuntimeInfo } from './runtime-file';
import { localDynamoClient, localS3Client, LOOPBACK, startStandIns } from './stand-ins';
import { DEFAULT_SMTP_PORT, startSmtpListener } from './smtp-listener';

const HOST = LOOPBACK;
/** Functions driven by a queue or a schedule, not by the HTTP gateway. */
const NON_API_FUNCTION_IDS = new Set([
  'ingest',
  'share-scan',
  'share-sweep',
  'mailbox-sweep',
  // Sending (issue 10): SES's events about sent mail, through a queue.
  'send-events',
]);
const API_FUNCTION_IDS = FUNCTION_IDS.filter((id) => !NON_API_FUNCTION_IDS.has(id));
/** How often the local runtime runs the share sweep (an hourly schedule in AWS). */
export const LOCAL_SHARE_SWEEP_INTERVAL_MS = 5 * 60_000;

export interface LocalOptions {
  dataDir: string;
  smtpPort?: number;
  apiPort?: number;
  /** DynamoDB Local on disk (the default) or in memory. */
  persistDynamo?: boolean;
  dynamoPort?: number;
  s3Port?: number;
  /** The Cognito emulator's port (its tokens name it in `iss`); default a free one. */
  cognitoPort?: number;
  queue?: Pick<IngestQueueOptions, 'maxReceiveCount' | 'backoffMs'>;
  /** The tier table; default the DESIGN numbers (main.ts reads the SESAME_TIERS file). */
  tiers?: TierTable;
  /**
   * The receipt verdicts the SMTP listener reports (main.ts reads SESAME_LOCAL_VERDICTS);
   * default DEFAULT_LOCAL_VERDICTS, authenticated, as `npm start` runs.
   */
  verdicts?: LocalVerdicts;
  /**
   * Which module each function loads and its limits; default functions/<id>/handler.ts and
   * FUNCTION_LIMITS. Tests put a function of their own in one's place.
   */
  functions?: Pick<FunctionWorkersOptions, 'modules' | 'limits'>;
  /**
   * How often the mailbox sweep (functions/mailbox-sweep) runs a stretch, as EventBridge does in
   * AWS; default MAILBOX_SWEEP_SCHEDULE.localIntervalMs, 0 never.
   */
  sweepIntervalMs?: number;
}

export interface LocalRuntime {
  dataDir: string;
  smtp: { host: string; port: number };
  api: { url: string; port: number };
  /** The Cognito emulator: the API's token issuer, where `signIn` gets a real ID token. */
  cognito: CognitoEmulator;
  queue: IngestQueue;
  /** The share bucket's object-created events on their way to the share-scan function (issue 9). */
  shareScanQueue: IngestQueue<S3Event>;
  /** SES's events about sent mail, on their way to the send-events function (issue 10). */
  sesEvents: SesEventsPump;
  /** Where outgoing mail is written as .eml (the SES stand-in's outbox). */
  outboxDir: string;
  /** Stops listening, lets the batch in flight finish, then stops the stand-ins. */
  stop(): Promise<void>;
}

export class AlreadyRunningError extends Error {
  readonly code = 'AlreadyRunning';
}

/**
 * Starts sesame on one machine: DynamoDB Local and s3rver, the real handlers, the demo tenant,
 * the local SQS, SMTP and API Gateway stand-ins. What `npm start` runs and the e2e tests use.
 */
export async function startLocal(options: LocalOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  // Owner-only: mail, notifications and the issuer's signing key live here. An older data dir
  // made with the default mode is tightened too.
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dataDir, PRIVATE_DIR_MODE);
  const running = readRuntimeInfo(dataDir);
  if (running && running.pid !== process.pid) {
    throw new AlreadyRunningError(
      `sesame is already running on ${dataDir} (pid ${running.pid}); stop it first or set SESAME_DATA_DIR`,
    );
  }

  // Undone in reverse order, on stop or when a later step fails.
  const undo: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    undo.length = 0;
  };
  try {
    const standIns = await startStandIns({
      dataDir,
      persistDynamo: options.persistDynamo ?? true,
      ...(options.dynamoPort !== undefined && { dynamoPort: options.dynamoPort }),
      ...(options.s3Port !== undefined && { s3Port: options.s3Port }),
      ...(options.cognitoPort !== undefined && { cognitoPort: options.cognitoPort }),
    });
    undo.push(() => standIns.stop());
    // However this process ends (a crash mid-start-up included), the JVM must not outlive it.
    const killOnExit = () => {
      standIns.kill();
      removeRuntimeInfo(dataDir);
    };
    process.on('exit', killOnExit);
    undo.push(async () => {
      process.off('exit', killOnExit);
    });

    // What Lambda's configuration would give every function. Outbound mail (bounces) is
    // captured as .eml files under <data dir>/outbox/.
    const env = {
      ...process.env,
      ...standIns.env,
      [ENV.outboxDir]: join(dataDir, 'outbox'),
      // The ingest queue's folder: what share-public hands to ingest (a [secure] message's
      // reply) goes there, as it goes to the inbound topic in AWS.
      [ENV.localIngestQueueDir]: join(dataDir, 'queue'),
      // No DNS here: a tenant's domain is verified (and receives mail) as soon as it is added.
      [ENV.localDomains]: '1',
      // The tier table (SESAME_TIERS file, or a test's tiny tiers), as CDK hands it to Lambda.
      ...(options.tiers && { [ENV.tiers]: JSON.stringify(options.tiers) }),
    };
    const { tiers } = loadRuntimeConfig(env);
    // Each function in its own execution environments, isolated as in Lambda.
    // Their cold starts run while the demo tenant is seeded; awaited before anything calls them.
    const functionsStarting = startFunctionWorkers({ env, ...options.functions });
    functionsStarting.catch(() => undefined);
    undo.push(async () => (await functionsStarting).stop());
    const dynamo = DynamoDBDocumentClient.from(localDynamoClient(standIns.dynamoEndpoint), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const s3 = localS3Client(standIns.s3Endpoint);
    undo.push(async () => {
      dynamo.destroy();
      s3.destroy();
    });
    const store = new DynamoMailStore(dynamo, LOCAL_RESOURCE_NAMES.table);
    const cognito = standIns.cognito;
    if (!cognito) throw new Error('the stand-ins started without the Cognito emulator');
    const cognitoClient = localCognitoClient(cognito.endpoint);
    undo.push(async () => cognitoClient.destroy());
    await seedDemoTenant(
      new DynamoTenancyStore(dynamo, LOCAL_RESOURCE_NAMES.table),
      new CognitoIdentities(cognitoClient, {
        userPoolId: cognito.userPoolId,
        signOutOnDisable: false,
        invite: false,
      }),
      tiers,
    );
    const functions = await functionsStarting;

    const queue = await startIngestQueue({
      handler: functions.sqsHandler('ingest'),
      dataDir,
      ...options.queue,
    });
    undo.push(() => queue.stop());
    // Large-file share (issue 9): s3rver's object-created events reach the scan function through
    // a queue of their own, in the event shape S3 → SQS delivers; the sweep runs on a timer.
    const shareScanQueue = await startIngestQueue<S3Event>({
      handler: functions.sqsHandler('share-scan'),
      dataDir,
      queueDirName: 'share-scan-queue',
      deadLetterDirName: 'share-scan-dead-letter',
      toRecord: toS3SqsRecord,
      describe: (event) => ({ keys: event.Records.map((record) => record.s3.object.key) }),
      ...options.queue,
    });
    undo.push(() => shareScanQueue.stop());
    standIns.onS3Event((event) => {
      const scanEvent = shareScanEventOf(event);
      if (!scanEvent) return;
      shareScanQueue
        .enqueue(scanEvent)
        .catch((error: unknown) =>
          logger.error('could not queue a share scan event', { reason: String(error) }),
        );
    });
    const sweepTimer = setInterval(() => {
      functions
        .invoke('share-sweep', {})
        .catch((error: unknown) =>
          logger.error('the share sweep failed', { reason: String(error) }),
        );
    }, LOCAL_SHARE_SWEEP_INTERVAL_MS);
    sweepTimer.unref();
    undo.push(async () => clearInterval(sweepTimer));
    const sesEvents = startSesEventsPump({
      outboxDir: join(dataDir, 'outbox'),
      dataDir,
      handler: functions.sqsHandler('send-events'),
    });
    undo.push(() => sesEvents.stop());
    const smtp = await startSmtpListener({
      host: HOST,
      port: options.smtpPort ?? DEFAULT_SMTP_PORT,
      maxMessageBytes: tiers.commodity.maxMessageBytes,
      rawMailBucket: LOCAL_RESOURCE_NAMES.rawMailBucket,
      blobs: new S3BlobStore(s3),
      domains: store,
      queue,
      verdicts: options.verdicts ?? parseLocalVerdicts(DEFAULT_LOCAL_VERDICTS),
    });
    undo.push(() => smtp.close());
    const api = await startHttpGateway({
      host: HOST,
      port: options.apiPort ?? DEFAULT_API_PORT,
      handlers: Object.fromEntries(API_FUNCTION_IDS.map((id) => [id, functions.apiHandler(id)])),
      // The JWT authorizer: the emulator's JWKS, its issuer and app client, as in AWS.
      verifyToken: (token) => cognito.verify(token),
    });
    undo.push(() => api.close());
    const sweepEvery = options.sweepIntervalMs ?? MAILBOX_SWEEP_SCHEDULE.localIntervalMs;
    if (sweepEvery > 0) {
      // The event EventBridge sends carries its time; the sweep counts days from it.
      const sweep = () =>
        functions.invoke('mailbox-sweep', { time: new Date().toISOString() }).catch(() => {
          // The worker logged it; the next run tries again, as the next schedule would.
        });
      const timer = setInterval(() => void sweep(), sweepEvery);
      timer.unref();
      undo.push(async () => clearInterval(timer));
    }

    writeRuntimeInfo(dataDir, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dynamoEndpoint: standIns.dynamoEndpoint,
      s3Endpoint: standIns.s3Endpoint,
      cognito: {
        endpoint: cognito.endpoint,
        userPoolId: cognito.userPoolId,
        clientId: cognito.clientId,
      },
      smtp: { host: HOST, port: smtp.port },
      api: { url: api.url, port: api.port },
    });
    undo.push(async () => removeRuntimeInfo(dataDir));

    return {
      dataDir,
      smtp: { host: HOST, port: smtp.port },
      api: { url: api.url, port: api.port },
      cognito,
      queue,
      shareScanQueue,
      sesEvents,
      outboxDir: join(dataDir, 'outbox'),
      stop: unwind,
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}
