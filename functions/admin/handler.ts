import { dynamo } from '@shared/aws/dynamo-client';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { identitiesFromEnv } from '@shared/domains/identities-from-env';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { createAdminHandler } from './admin-api';

const config = loadRuntimeConfig();

/** API Gateway v2 (JWT authorizer) ▶ the platform admin API. */
export const handler = createAdminHandler({
  store: new DynamoTenancyStore(dynamo, config.tableName),
  mail: new DynamoMailStore(dynamo, config.tableName),
  tiers: config.tiers,
  ...identitiesFromEnv(),
});
