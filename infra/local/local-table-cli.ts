import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { dataDirFromEnv, readRuntimeInfo, type RuntimeInfo } from './runtime-file';
import { localDynamoClient, localS3Client } from './stand-ins';

/** The running local sesame's table (and its S3), as a command reads it. */
export interface LocalTable {
  documents: DynamoDBDocumentClient;
  tableName: string;
  s3: S3Client;
  /** Where the running sesame's stand-ins listen (the Cognito emulator's endpoint and pool). */
  runtime: RuntimeInfo;
}

export interface LocalTableCommand<Options> {
  /** The npm script's name, the prefix of every error line. */
  name: string;
  usage: string;
  /** Reads the arguments; throws (with a message for people) on ones it does not take. */
  parse(args: string[]): Options;
  /** Does the work; its result is the exit code. */
  run(table: LocalTable, options: Options): Promise<number>;
}

/** Exit codes every table command shares; a command's own start above these. */
const FAILED = 1;
const BAD_USAGE = 2;

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

async function runCommand<Options>(command: LocalTableCommand<Options>): Promise<number> {
  let options: Options;
  try {
    options = command.parse(process.argv.slice(2));
  } catch (error) {
    console.error(`${command.name}: ${(error as Error).message}; ${command.usage}`);
    return BAD_USAGE;
  }
  const dataDir = dataDirFromEnv();
  const runtime = readRuntimeInfo(dataDir);
  if (!runtime) {
    console.error(
      `${command.name}: sesame is not running on ${dataDir}: start it first with npm start`,
    );
    return FAILED;
  }
  const client = localDynamoClient(runtime.dynamoEndpoint);
  const s3 = localS3Client(runtime.s3Endpoint);
  try {
    const table = {
      documents: DynamoDBDocumentClient.from(client),
      tableName: LOCAL_RESOURCE_NAMES.table,
      s3,
      runtime,
    };
    return await command.run(table, options);
  } finally {
    client.destroy();
    s3.destroy();
  }
}

/**
 * An operator command on the running local sesame's table (`npm run reconcile`, `npm run
 * refusals`): bad arguments exit 2 with the usage, no running sesame or any failure exits 1
 * with one line, otherwise the process exits with what `run` returns.
 */
export function runLocalTableCommand<Options>(command: LocalTableCommand<Options>): void {
  runCommand(command).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${command.name}: ${firstLine(error)}`);
      process.exit(FAILED);
    },
  );
}
