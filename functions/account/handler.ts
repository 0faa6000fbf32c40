import { dynamo } from '@shared/aws/dynamo-client';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { createAccountHandler } from './account-api';

const config = loadRuntimeConfig();

/** API Gateway v2 (JWT authorizer) ▶ the caller's account and the directory. */
export const handler = createAccountHandler({
  store: new DynamoTenancyStore(dynamo, config.tableName),
  mail: new DynamoMailStore(dynamo, config.tableName),
  tiers: config.tiers,
});
