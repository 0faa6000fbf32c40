import { SESv2Client } from '@aws-sdk/client-sesv2';
import { ENV } from '../config/resource-names';
import { LocalSesStandIn } from './local-ses-stand-in';
import type { Mailer } from './mailer';
import { SesMailer } from './ses-mailer';

/**
 * The mailer for mail users send and the mail sent on their behalf ([secure] codes): SES v2
 * with the configuration set whose events reach send-events; on one machine (an outbox is
 * set), the SES stand-in, which writes `.eml` files and SES's events.
 */
export function userMailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer {
  const outboxDir = env[ENV.outboxDir];
  return outboxDir
    ? new LocalSesStandIn(outboxDir)
    : new SesMailer(new SESv2Client({}), env[ENV.sesConfigurationSet]);
}
