import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { dynamo } from '@shared/aws/dynamo-client';
import { s3 } from '@shared/aws/s3-client';
import { S3ImportFiles } from '@shared/blob/s3-import-files';
import { loadRuntimeConfig, loadUserPoolId } from '@shared/config/app-config';
import { ENV } from '@shared/config/resource-names';
import { CognitoIdentities } from '@shared/sign-in/cognito-identities';
import { identitiesFromEnv } from '@shared/domains/identities-from-env';
import { DynamoMailStore } from '@shared/store/dynamo-mail-store';
import { DynamoTenancyStore } from '@shared/store/dynamo-tenancy-store';
import { DynamoTransferOffers } from '@shared/store/dynamo-transfer-offers';
import { DynamoShareReports } from '@shared/store/dynamo-share-reports';
import { DynamoShareStore } from '@shared/store/dynamo-share-store';
import { DynamoMessageChanges } from '@shared/store/message-changes';
import { DynamoSendState } from '@shared/store/dynamo-send-state';
import { createTenantAdminHandler } from './tenant-admin-api';

const config = loadRuntimeConfig();
// Built here, not in shared/aws: only this function manages sign-in accounts. Which
// world it talks to is the SDK's endpoint setting (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
// locally), as for DynamoDB and S3.
const cognito = new CognitoIdentityProviderClient({});
const signOutOnDisable = process.env[ENV.globalSignOut] !== 'false';

/** API Gateway v2 (JWT authorizer) ▶ the tenant admin API. */
export const handler = createTenantAdminHandler({
  store: new DynamoTenancyStore(dynamo, config.tableName),
  identities: new CognitoIdentities(cognito, {
    userPoolId: loadUserPoolId(),
    signOutOnDisable,
  }),
  offers: new DynamoTransferOffers(dynamo, config.tableName),
  mail: new DynamoMailStore(dynamo, config.tableName),
  // Uploads share the attachments bucket, under imports/ (the only prefix this function may touch).
  files: new S3ImportFiles(s3, config.attachmentsBucket),
  tiers: config.tiers,
  messages: new DynamoMessageChanges(dynamo, config.tableName),
  suppressions: new DynamoSendState(dynamo, config.tableName),
  ...identitiesFromEnv(),
  shares: {
    store: new DynamoShareStore(dynamo, config.tableName),
    reports: new DynamoShareReports(dynamo, config.tableName),
  },
});
