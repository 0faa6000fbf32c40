import { dynamo, s3 } from '@shared/aws/clients';
import { S3ImportFiles } from '@shared/blob/s3-import-files';
import { loadRuntimeConfig } from '@shared/config/app-config';
import { identitiesFromEnv } from '@shared/domains/identities-from-env';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { createTenantAdminHandler } from './tenant-admin-api';

const config = loadRuntimeConfig();

/** API Gateway v2 (JWT authorizer) ▶ the tenant admin API. */
export const handler = createTenantAdminHandler({
  store: new DynamoTenancyStore(dynamo, config.tableName),
  mail: new DynamoMailStore(dynamo, config.tableName),
  // Uploads share the attachments bucket, under imports/ (the only prefix this function may touch).
  files: new S3ImportFiles(s3, config.attachmentsBucket),
  tiers: config.tiers,
  ...identitiesFromEnv(),
});
