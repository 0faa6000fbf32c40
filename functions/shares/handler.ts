import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { sharedObjectsFromEnv } from '@shared/blob/shared-objects-from-env';
import { loadRuntimeConfig, loadShareBucket } from '@shared/config/app-config';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoShareLinks } from '@shared/store/dynamo-share-links';
import { DynamoShareRequests } from '@shared/store/dynamo-share-requests';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { createSharesHandler } from './shares-api';

const config = loadRuntimeConfig();
const mail = new DynamoMailStore(dynamo, config.tableName);

/** API Gateway v2 (JWT authorizer) ▶ the caller's own shares (issue 9). */
export const handler = createSharesHandler({
  mail,
  accounts: mail,
  tiers: config.tiers,
  store: new DynamoShareStore(dynamo, config.tableName),
  objects: sharedObjectsFromEnv(s3, loadShareBucket()),
  links: new DynamoShareLinks(dynamo, config.tableName),
  requests: new DynamoShareRequests(dynamo, config.tableName),
});
