import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { loadRuntimeConfig } from '@shared/config/app-config';
import {
  ENV,
  FUNCTION_IDS,
  LOCAL_RESOURCE_NAMES,
  type FunctionId,
} from '@shared/config/resource-names';
import type { ApiHandler } from '@shared/http/http-stack';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { CognitoIdentities } from '@shared/sign-in/cognito-identities';
import type { TierTable } from '@shared/config/tiers';
import { seedDemoTenant } from './demo-tenant';
import { startHttpGateway, DEFAULT_API_PORT } from './http-gateway';
import { startIngestQueue, type IngestQueue, type IngestQueueOptions } from './ingest-queue';
import type { CognitoEmulator } from './cognito-emulator';
import { readRuntimeInfo, removeRuntimeInfo, writeRuntimeInfo } from './runtime-file';
import { localCognitoClient } from './cognito-emulator';
import { localDynamoClient, localS3Client, startStandIns } from './stand-ins';
import { DEFAULT_SMTP_PORT, startSmtpListener } from './smtp-listener';

const HOST = '127.0.0.1';

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
}

export interface LocalRuntime {
  dataDir: string;
  smtp: { host: string; port: number };
  api: { url: string; port: number };
  /** The Cognito emulator: the API's token issuer, where `signIn` gets a real ID token. */
  cognito: CognitoEmulator;
  queue: IngestQueue;
  /** Stops listening, lets the batch in flight finish, then stops the stand-ins. */
  stop(): Promise<void>;
}

export class AlreadyRunningError extends Error {
  readonly code = 'AlreadyRunning';
}

/**
 * The handler modules read their env and build their SDK clients once, on import, as on a
 * Lambda cold start; a second runtime in the same process would silently reuse the first
 * one's endpoints, so it is refused instead.
 */
let handlersLoadedFor: string | undefined;

async function loadHandlers(env: Record<string, string>) {
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (handlersLoadedFor && handlersLoadedFor !== endpoint) {
    throw new Error('one local runtime per process: the handlers are bound to the first one');
  }
  Object.assign(process.env, env);
  handlersLoadedFor = endpoint;
  // Every function of the app, by id, as CDK deploys them: functions/<id>/handler.ts.
  const modules = await Promise.all(
    FUNCTION_IDS.map(async (id) => {
      const module = (await import(`../../functions/${id}/handler.ts`)) as { handler: unknown };
      return [id, module.handler] as const;
    }),
  );
  const handlers = Object.fromEntries(modules) as Record<FunctionId, unknown>;
  return {
    ingest: handlers.ingest as SqsHandler,
    api: Object.fromEntries(
      FUNCTION_IDS.filter((id) => id !== 'ingest').map((id) => [id, handlers[id] as ApiHandler]),
    ),
  };
}

/**
 * Starts sesame on one machine: DynamoDB Local and s3rver, the real handlers, the demo tenant,
 * the local SQS, SMTP and API Gateway stand-ins. What `npm start` runs and the e2e tests use.
 */
export async function startLocal(options: LocalOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
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

    // Outbound mail (bounces) is captured as .eml files under <data dir>/outbox/.
    const handlers = await loadHandlers({
      ...standIns.env,
      [ENV.outboxDir]: join(dataDir, 'outbox'),
      // The tier table (SESAME_TIERS file, or a test's tiny tiers), as CDK hands it to Lambda.
      ...(options.tiers && { [ENV.tiers]: JSON.stringify(options.tiers) }),
    });
    const { tiers } = loadRuntimeConfig(process.env);
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

    const queue = await startIngestQueue({ handler: handlers.ingest, dataDir, ...options.queue });
    undo.push(() => queue.stop());
    const smtp = await startSmtpListener({
      host: HOST,
      port: options.smtpPort ?? DEFAULT_SMTP_PORT,
      maxMessageBytes: tiers.commodity.maxMessageBytes,
      rawMailBucket: LOCAL_RESOURCE_NAMES.rawMailBucket,
      blobs: new S3BlobStore(s3),
      domains: store,
      queue,
    });
    undo.push(() => smtp.close());
    const api = await startHttpGateway({
      host: HOST,
      port: options.apiPort ?? DEFAULT_API_PORT,
      handlers: handlers.api,
      // The JWT authorizer: the emulator's JWKS, its issuer and app client, as in AWS.
      verifyToken: (token) => cognito.verify(token),
    });
    undo.push(() => api.close());

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
      stop: unwind,
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}
