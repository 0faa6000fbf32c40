import {
  AlreadyExistsException,
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  NotFoundException,
  PutEmailIdentityMailFromAttributesCommand,
  type GetEmailIdentityResponse,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import {
  IdentityServiceError,
  mailFromDomainOf,
  type DomainState,
  type EmailIdentities,
  type IdentityStatus,
} from './email-identities';

/** Easy DKIM: SES makes and rotates the key pair; naming a key length is what selects it. */
const EASY_DKIM_KEY_LENGTH = 'RSA_2048_BIT';

/**
 * SES's verification and DKIM statuses (`SUCCESS`, `FAILED`, `PENDING`, `NOT_STARTED`,
 * `TEMPORARY_FAILURE`) in three words. A temporary failure is a DNS lookup SES will repeat, so
 * it is still pending; only `FAILED` (SES stopped looking, after 72 hours) is failed.
 */
export function domainStateOf(status: string | undefined): DomainState {
  if (status === 'SUCCESS') return 'verified';
  if (status === 'FAILED') return 'failed';
  return 'pending';
}

export function identityStatusOf(
  domain: string,
  identity: GetEmailIdentityResponse,
): IdentityStatus {
  // A domain identity with Easy DKIM is verified by its DKIM records: both statuses say the same,
  // the identity's own one being absent on older accounts' responses.
  const status = identity.DkimAttributes?.Status ?? identity.VerificationStatus;
  return {
    state: identity.VerifiedForSendingStatus ? 'verified' : domainStateOf(status),
    dkimTokens: identity.DkimAttributes?.Tokens ?? [],
    mailFromDomain: identity.MailFromAttributes?.MailFromDomain ?? mailFromDomainOf(domain),
    mailFromState: domainStateOf(identity.MailFromAttributes?.MailFromDomainStatus),
  };
}

function failed(action: string, domain: string, error: unknown): IdentityServiceError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  return new IdentityServiceError(
    `SES could not ${action} the identity ${domain} (${name}); repeat the request to finish.`,
    { cause: error },
  );
}

/** The EmailIdentities port on SES v2 (one identity per tenant domain, in this account). */
export class SesEmailIdentities implements EmailIdentities {
  constructor(private readonly client: Pick<SESv2Client, 'send'>) {}

  async ensure(domain: string): Promise<IdentityStatus> {
    try {
      await this.client.send(
        new CreateEmailIdentityCommand({
          EmailIdentity: domain,
          DkimSigningAttributes: { NextSigningKeyLength: EASY_DKIM_KEY_LENGTH },
        }),
      );
    } catch (error) {
      // Created by an earlier try of the same request: carry on from there.
      if (!(error instanceof AlreadyExistsException)) throw failed('create', domain, error);
    }
    try {
      await this.client.send(
        new PutEmailIdentityMailFromAttributesCommand({
          EmailIdentity: domain,
          MailFromDomain: mailFromDomainOf(domain),
          // Until the MAIL FROM records are published, send with SES's own MAIL FROM.
          BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
        }),
      );
    } catch (error) {
      throw failed('set the MAIL FROM domain of', domain, error);
    }
    const status = await this.describe(domain);
    if (!status) throw failed('find', domain, new Error('identity missing after creation'));
    return status;
  }

  async describe(domain: string): Promise<IdentityStatus | undefined> {
    try {
      const identity = await this.client.send(
        new GetEmailIdentityCommand({ EmailIdentity: domain }),
      );
      return identityStatusOf(domain, identity);
    } catch (error) {
      if (error instanceof NotFoundException) return undefined;
      throw failed('read', domain, error);
    }
  }

  async remove(domain: string): Promise<void> {
    try {
      await this.client.send(new DeleteEmailIdentityCommand({ EmailIdentity: domain }));
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw failed('delete', domain, error);
    }
  }
}
