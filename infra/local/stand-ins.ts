import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { S3_CHECKSUMS } from '@shared/aws/s3-options';
import { ENV, LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { LOCAL_SHARE_UPLOAD_ORIGINS, SHARE_UPLOAD_CORS } from '@shared/config/share-cors';
import { keyAttributeNames, TABLE_SCHEMA } from '@shared/store/table-schema';
import { PRIVATE_DIR_MODE } from './durable-write';
import { spawnDynamoLocal } from './dynamo-local';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { startCognitoEmulator, type CognitoEmulator } from './cognito-emulator';
import { stopChild } from './stop-child';

export { JavaMissingError } from './dynamo-local';

/** Every stand-in listens here only: nothing local is reachable from another machine. */
export const LOOPBACK = '127.0.0.1';

const DYNAMO_READY_TIMEOUT_MS = 60_000;

export interface StandInOptions {
  /** Where DynamoDB Local and s3rver keep their files; omit for in-memory DynamoDB and a temp S3 folder. */
  dataDir: string;
  /** DynamoDB Local's file store; omitted: in memory (tests). */
  persistDynamo?: boolean;
  dynamoPort?: number;
  s3Port?: number;
  /** The Cognito emulator's port; fixed by `npm start` so its tokens' issuer stays put. */
  cognitoPort?: number;
  /** Start the Cognito emulator (default true); tests that touch no account leave it out. */
  cognito?: boolean;
}

export interface StandIns {
  dynamoEndpoint: string;
  s3Endpoint: string;
  /** The Cognito-API emulator with the user pool, app client and role groups provisioned. */
  cognito?: CognitoEmulator;
  /** The env a handler needs to talk to these stand-ins, as Lambda's env would in AWS. */
  env: Record<string, string>;
  stop(): Promise<void>;
  /** Ends the DynamoDB Local child at once; for a process 'exit' handler, which cannot wait. */
  kill(): void;
  /** s3rver's S3 event notifications (its own shape: `{ Records: [...] }`), as it raises them. */
  onS3Event(listener: (event: { Records: Record<string, unknown>[] }) => void): void;
}

/** A free TCP port on loopback, for a child that cannot be told to pick its own. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitForDynamo(endpoint: string, child: ChildProcess): Promise<void> {
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + DYNAMO_READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode})`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    ...S3_CHECKSUMS,
  });
}

/** Creates the table (from the shared schema) and the buckets, if they are not there yet. */
export async function provisionResources(
  dynamoEndpoint: string,
  s3Endpoint: string,
): Promise<void> {
  const ddb = localDynamoClient(dynamoEndpoint);
  const s3 = localS3Client(s3Endpoint);
  try {
    const tableName = LOCAL_RESOURCE_NAMES.table;
    try {
      await ddb.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keyAttributeNames().map((name) => ({
            AttributeName: name,
            AttributeType: 'S',
          })),
          KeySchema: [
            { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: Object.values(TABLE_SCHEMA.indexes).map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection:
              index.projection.type === 'INCLUDE'
                ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.attributes] }
                : { ProjectionType: 'ALL' },
          })),
        }),
      );
      await ddb.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    for (const bucket of [
      LOCAL_RESOURCE_NAMES.rawMailBucket,
      LOCAL_RESOURCE_NAMES.attachmentsBucket,
      LOCAL_RESOURCE_NAMES.shareBucket,
    ]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: Error) => {
        if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') {
          throw error;
        }
      });
    }
    // Browsers upload shared files' parts straight to the local S3 (issue 9).
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: LOCAL_RESOURCE_NAMES.shareBucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: [...LOCAL_SHARE_UPLOAD_ORIGINS],
              AllowedMethods: [...SHARE_UPLOAD_CORS.allowedMethods],
              AllowedHeaders: [...SHARE_UPLOAD_CORS.allowedHeaders],
              ExposeHeaders: [...SHARE_UPLOAD_CORS.exposedHeaders],
              MaxAgeSeconds: SHARE_UPLOAD_CORS.maxAgeSeconds,
            },
          ],
        },
      }),
    );
  } finally {
    ddb.destroy();
    s3.destroy();
  }
}

/**
 * Starts DynamoDB Local (a Java child process), s3rver and the Cognito emulator (a Node child
 * process), and provisions the table, buckets, user pool, app client and role groups. `stop()` ends both; the caller must call it, also on Ctrl-C.
 */
export async function startStandIns(options: StandInOptions): Promise<StandIns> {
  const dataDir = resolve(options.dataDir);
  const dynamoDir = resolve(dataDir, 'dynamodb');
  const s3Dir = resolve(dataDir, 's3');
  mkdirSync(s3Dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (options.persistDynamo) mkdirSync(dynamoDir, { recursive: true, mode: PRIVATE_DIR_MODE });

  const dynamoPort = options.dynamoPort ?? (await freePort());
  const dynamo = await spawnDynamoLocal({
    port: dynamoPort,
    ...(options.persistDynamo && { dbPath: dynamoDir }),
  });
  const s3rver = new S3rver({
    address: LOOPBACK,
    port: options.s3Port ?? (await freePort()),
    directory: s3Dir,
    silent: true,
  });
  // Started beside the JVM (both take a second or two), stopped with it.
  const cognitoStart =
    options.cognito === false
      ? Promise.resolve(undefined)
      : startCognitoEmulator({ dataDir, port: options.cognitoPort ?? (await freePort()) });
  // Awaited below; until then a failure must not count as unhandled (it stops itself).
  cognitoStart.catch(() => undefined);
  const stop = async () => {
    await Promise.all([
      stopChild(dynamo),
      s3rver.close().catch(() => undefined),
      cognitoStart.then((cognito) => cognito?.stop()).catch(() => undefined),
    ]);
  };
  try {
    const { port: s3Port } = await s3rver.run();
    const dynamoEndpoint = `http://${LOOPBACK}:${dynamoPort}`;
    const s3Endpoint = `http://${LOOPBACK}:${s3Port}`;
    await waitForDynamo(dynamoEndpoint, dynamo);
    const cognito = await cognitoStart;
    await provisionResources(dynamoEndpoint, s3Endpoint);
    return {
      dynamoEndpoint,
      s3Endpoint,
      ...(cognito && { cognito }),
      env: {
        ...cognito?.env,
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
        AWS_ENDPOINT_URL_S3: s3Endpoint,
        [ENV.tableName]: LOCAL_RESOURCE_NAMES.table,
        [ENV.rawMailBucket]: LOCAL_RESOURCE_NAMES.rawMailBucket,
        [ENV.attachmentsBucket]: LOCAL_RESOURCE_NAMES.attachmentsBucket,
        [ENV.shareBucket]: LOCAL_RESOURCE_NAMES.shareBucket,
        [ENV.localS3Dir]: s3Dir,
      },
      stop,
      kill: () => {
        dynamo.kill();
        cognito?.kill();
      },
      onS3Event: (listener) => {
        // s3rver is a Koa app, an EventEmitter; its typings leave that out.
        (s3rver as unknown as EventEmitter).on('event', listener);
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
