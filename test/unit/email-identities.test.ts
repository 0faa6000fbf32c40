import {
  AlreadyExistsException,
  BadRequestException,
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  NotFoundException,
  PutEmailIdentityMailFromAttributesCommand,
  TooManyRequestsException,
  type GetEmailIdentityResponse,
} from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { dnsRecordsFor, SPF_RECORD } from '@shared/domains/dns-records';
import { IdentityServiceError } from '@shared/domains/email-identities';
import { LocalEmailIdentities } from '@shared/domains/local-email-identities';
import {
  domainStateOf,
  identityStatusOf,
  SesEmailIdentities,
} from '@shared/domains/ses-email-identities';

const ses = (Type: new (opts: never) => Error, status: number) =>
  new Type({ message: 'from SES', $metadata: { httpStatusCode: status } } as never);

const VERIFIED: GetEmailIdentityResponse = {
  IdentityType: 'DOMAIN',
  VerifiedForSendingStatus: true,
  DkimAttributes: { Status: 'SUCCESS', Tokens: ['t1', 't2', 't3'], SigningEnabled: true },
  MailFromAttributes: {
    MailFromDomain: 'mail.north.example',
    MailFromDomainStatus: 'SUCCESS',
    BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
  },
};

/**
 * A stand-in for the SDK client in these error-path tests only: each command name answers with
 * the given response, or throws the given error; every command sent is recorded.
 */
function fakeSes(answers: Record<string, unknown>) {
  const sent: { name: string; input: unknown }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      const name = command.constructor.name;
      sent.push({ name, input: command.input });
      const answer = answers[name];
      if (answer instanceof Error) throw answer;
      return answer ?? {};
    },
  };
  return { sent, identities: new SesEmailIdentities(client as never) };
}

describe('SES statuses in three words', () => {
  it.each([
    ['SUCCESS', 'verified'],
    ['FAILED', 'failed'],
    ['PENDING', 'pending'],
    ['NOT_STARTED', 'pending'],
    // SES will look again: not a failure yet.
    ['TEMPORARY_FAILURE', 'pending'],
    [undefined, 'pending'],
  ] as const)('%s is %s', (status, state) => {
    expect(domainStateOf(status)).toBe(state);
  });

  it('reads the DKIM status, the tokens and the MAIL FROM status of an identity', () => {
    expect(identityStatusOf('north.example', VERIFIED)).toEqual({
      state: 'verified',
      dkimTokens: ['t1', 't2', 't3'],
      mailFromDomain: 'mail.north.example',
      mailFromState: 'verified',
    });
    const failed = identityStatusOf('north.example', {
      VerifiedForSendingStatus: false,
      DkimAttributes: { Status: 'FAILED', Tokens: ['a', 'b', 'c'] },
    });
    expect(failed).toMatchObject({ state: 'failed', mailFromDomain: 'mail.north.example' });
    expect(failed.mailFromState).toBe('pending');
  });

  it('falls back to the identity verification status when DKIM says nothing', () => {
    expect(identityStatusOf('x.example', { VerificationStatus: 'PENDING' }).state).toBe('pending');
    expect(identityStatusOf('x.example', { VerificationStatus: 'FAILED' }).state).toBe('failed');
  });
});

describe('the SES v2 identities adapter', () => {
  it('creates the identity with Easy DKIM and the MAIL FROM subdomain', async () => {
    const { sent, identities } = fakeSes({ [GetEmailIdentityCommand.name]: VERIFIED });
    const status = await identities.ensure('north.example');
    expect(status.state).toBe('verified');
    expect(sent.map((c) => c.name)).toEqual([
      CreateEmailIdentityCommand.name,
      PutEmailIdentityMailFromAttributesCommand.name,
      GetEmailIdentityCommand.name,
    ]);
    expect(sent[0]?.input).toEqual({
      EmailIdentity: 'north.example',
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
    });
    expect(sent[1]?.input).toEqual({
      EmailIdentity: 'north.example',
      MailFromDomain: 'mail.north.example',
      BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    });
  });

  it('carries on when the identity exists already (a retry converges)', async () => {
    const { sent, identities } = fakeSes({
      [CreateEmailIdentityCommand.name]: ses(AlreadyExistsException, 400),
      [GetEmailIdentityCommand.name]: VERIFIED,
    });
    await expect(identities.ensure('north.example')).resolves.toMatchObject({
      state: 'verified',
    });
    expect(sent.map((c) => c.name)).toContain(PutEmailIdentityMailFromAttributesCommand.name);
  });

  it.each([
    ['throttled', ses(TooManyRequestsException, 429)],
    ['refused', ses(BadRequestException, 400)],
  ])('turns a create that SES %s into an IdentityServiceError', async (_name, error) => {
    const { identities } = fakeSes({ [CreateEmailIdentityCommand.name]: error });
    const failure = await identities.ensure('north.example').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IdentityServiceError);
    expect((failure as Error).message).toMatch(/north\.example.*repeat the request/);
    expect((failure as Error).cause).toBe(error);
  });

  it('reports a MAIL FROM failure as an IdentityServiceError', async () => {
    const { identities } = fakeSes({
      [PutEmailIdentityMailFromAttributesCommand.name]: ses(BadRequestException, 400),
    });
    await expect(identities.ensure('north.example')).rejects.toBeInstanceOf(IdentityServiceError);
  });

  it('describes a missing identity as none, and other read failures as errors', async () => {
    const missing = fakeSes({ [GetEmailIdentityCommand.name]: ses(NotFoundException, 404) });
    await expect(missing.identities.describe('gone.example')).resolves.toBeUndefined();
    const throttled = fakeSes({
      [GetEmailIdentityCommand.name]: ses(TooManyRequestsException, 429),
    });
    await expect(throttled.identities.describe('north.example')).rejects.toBeInstanceOf(
      IdentityServiceError,
    );
  });

  it('removes an identity that is gone already without complaint, and reports other failures', async () => {
    const gone = fakeSes({ [DeleteEmailIdentityCommand.name]: ses(NotFoundException, 404) });
    await expect(gone.identities.remove('gone.example')).resolves.toBeUndefined();
    const throttled = fakeSes({
      [DeleteEmailIdentityCommand.name]: ses(TooManyRequestsException, 429),
    });
    await expect(throttled.identities.remove('north.example')).rejects.toBeInstanceOf(
      IdentityServiceError,
    );
  });
});

describe('the DNS records of a domain', () => {
  it('are the inbound MX, three DKIM CNAMEs, MAIL FROM MX and SPF, and a suggested DMARC', () => {
    const records = dnsRecordsFor('north.example', 'eu-west-1', {
      state: 'pending',
      dkimTokens: ['t1', 't2', 't3'],
      mailFromDomain: 'mail.north.example',
      mailFromState: 'pending',
    });
    expect(records).toEqual([
      {
        purpose: 'inbound',
        type: 'MX',
        name: 'north.example',
        value: 'inbound-smtp.eu-west-1.amazonaws.com',
        priority: 10,
        required: true,
      },
      ...['t1', 't2', 't3'].map((token) => ({
        purpose: 'dkim',
        type: 'CNAME',
        name: `${token}._domainkey.north.example`,
        value: `${token}.dkim.amazonses.com`,
        required: true,
      })),
      {
        purpose: 'mail-from',
        type: 'MX',
        name: 'mail.north.example',
        value: 'feedback-smtp.eu-west-1.amazonses.com',
        priority: 10,
        required: true,
      },
      {
        purpose: 'spf',
        type: 'TXT',
        name: 'mail.north.example',
        value: SPF_RECORD,
        required: true,
      },
      {
        purpose: 'dmarc',
        type: 'TXT',
        name: '_dmarc.north.example',
        value: expect.stringMatching(/^v=DMARC1; p=/),
        required: false,
      },
    ]);
    expect(SPF_RECORD).toBe('v=spf1 include:amazonses.com ~all');
  });
});

describe('the local identities adapter', () => {
  it('verifies every domain at once, with three stable DKIM tokens of SES shape', async () => {
    const local = new LocalEmailIdentities();
    const first = await local.ensure('north.example');
    expect(first.state).toBe('verified');
    expect(first.mailFromState).toBe('verified');
    expect(first.dkimTokens).toHaveLength(3);
    expect(new Set(first.dkimTokens).size).toBe(3);
    for (const token of first.dkimTokens) expect(token).toMatch(/^[a-z0-9]{32}$/);
    expect(await local.describe('north.example')).toEqual(first);
  });
});
