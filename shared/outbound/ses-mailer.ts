import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutboundMessage } from './mailer';

/** The AWS Mailer: SES v2 SendEmail with the raw message, from a verified hosted domain. */
export class SesMailer implements Mailer {
  constructor(private readonly client: SESv2Client) {}

  async send(message: OutboundMessage): Promise<string> {
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: message.to },
        Content: { Raw: { Data: message.raw } },
      }),
    );
    return result.MessageId ?? '';
  }
}
