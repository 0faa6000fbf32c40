import { SESv2Client } from '@aws-sdk/client-sesv2';
import { MissingConfigError } from '../config/app-config';
import { ENV } from '../config/resource-names';
import type { EmailIdentities } from './email-identities';
import { LocalEmailIdentities } from './local-email-identities';
import { SesEmailIdentities } from './ses-email-identities';

/**
 * The domain functions' world, read once at cold start: SES in the function's own region (Lambda
 * sets AWS_REGION), or, where infra/local set SESAME_LOCAL_DOMAINS, the local stand-in.
 */
export function identitiesFromEnv(env: NodeJS.ProcessEnv = process.env): {
  emailIdentities: EmailIdentities;
  region: string;
} {
  const region = env.AWS_REGION;
  if (!region) throw new MissingConfigError('environment variable AWS_REGION is required');
  const emailIdentities = env[ENV.localDomains]
    ? new LocalEmailIdentities()
    : new SesEmailIdentities(new SESv2Client({ region }));
  return { emailIdentities, region };
}
