import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '@shared/blob/s3-blob-store';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import type { LocalRuntime } from '../../infra/local/local-runtime';
import { readRuntimeInfo } from '../../infra/local/runtime-file';
import { localDynamoClient, localS3Client } from '../../infra/local/stand-ins';

/** Clients on a running local sesame's stand-ins, for e2e tests that arrange items directly. */
export interface StandInClients {
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  blobs: S3BlobStore;
  names: typeof LOCAL_RESOURCE_NAMES;
  destroy(): void;
}

export function standInClients(sesame: LocalRuntime): StandInClients {
  const info = readRuntimeInfo(sesame.dataDir);
  if (!info) throw new Error('the local sesame wrote no runtime file');
  const documents = DynamoDBDocumentClient.from(localDynamoClient(info.dynamoEndpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const s3 = localS3Client(info.s3Endpoint);
  return {
    documents,
    s3,
    blobs: new S3BlobStore(s3),
    names: LOCAL_RESOURCE_NAMES,
    destroy: () => {
      documents.destroy();
      s3.destroy();
    },
  };
}
