import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutboundMessage } from './mailer';

/**
 * The AWS Mailer: SES v2 SendEmail with the raw message, from a verified hosted domain. With a
 * configuration set (user mail, issue 10), SES publishes its events for the message (delivery,
 * bounce, complaint, reject, delay) to the set's event destination.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSetName?: string,
  ) {}

  async send(message: OutboundMessage): Promise<string> {
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: message.to },
        Content: { Raw: { Data: message.raw } },
        ...(this.configurationSetName && { ConfigurationSetName: this.configurationSetName }),
      }),
    );
    return result.MessageId ?? '';
  }
}
