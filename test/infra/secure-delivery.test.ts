import { describe, expect, it } from 'vitest';
import {
  ENV,
  SECURE_MESSAGE_PREFIX,
  SECURE_REPLY_KEY_PREFIX,
  SYSTEM_SENDERS,
} from '@shared/config/resource-names';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { secureMessageExpiryDays } from '../../infra/constructs/file-share';
import {
  actionsOf,
  allowStatementsOfFunction,
  logicalIdOf,
  resourceTemplate,
  synthSesame,
} from './synth-sesame';

// [secure] delivery (issue 10): send writes a message's page content and recipient records; the
// public page (share-public) mails a one-time code, shows the message, and takes one reply.
const { template, stack } = synthSesame();
const publicFunction = stack.api.functions.get('share-public')!;
const sendFunction = stack.api.functions.get('send')!;
const publicId = logicalIdOf(publicFunction);
const sendId = logicalIdOf(sendFunction);
const publicStatements = allowStatementsOfFunction(template, publicId);
const sendStatements = allowStatementsOfFunction(template, sendId);
type Statement = (typeof publicStatements)[number];

const tableId = logicalIdOf(stack.store.table);
const rawId = logicalIdOf(stack.store.rawMailBucket);
const shareId = logicalIdOf(stack.fileShare.bucket);
const inboundTopicId = logicalIdOf(stack.inbound.topic);

/** A policy resource as a readable string: `<LogicalId.Arn>/prefix/*`, `<LogicalId>`. */
function render(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, unknown>;
  if (r['Fn::GetAtt']) return `<${(r['Fn::GetAtt'] as string[]).join('.')}>`;
  if (r.Ref) return `<${r.Ref as string}>`;
  if (r['Fn::Join']) return (r['Fn::Join'] as [string, unknown[]])[1].map(render).join('');
  return JSON.stringify(resource);
}
const resourcesOf = (s: Statement): string[] =>
  (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(render);
const leadingKeysOf = (s: Statement): string[] =>
  ((s.Condition?.['ForAllValues:StringLike'] as Record<string, string[]> | undefined)?.[
    'dynamodb:LeadingKeys'
  ] ?? []) as string[];

/** Every object action a function has on a bucket, as `action resource-suffix`, sorted. */
function objectGrantsOn(statements: Statement[], bucketId: string): string[] {
  const arn = `<${bucketId}.Arn>`;
  return statements
    .flatMap((s) =>
      actionsOf([s])
        .filter((a) => a.startsWith('s3:') && a !== 's3:ListBucket')
        .flatMap((action) =>
          resourcesOf(s)
            .filter((r) => r.startsWith(`${arn}/`))
            .map((r) => `${action} ${r.slice(arn.length)}`),
        ),
    )
    .sort();
}

/** A function's environment variables, from its template resource. */
function environmentOf(functionId: string): Record<string, unknown> {
  const resource = (
    template.toJSON().Resources as Record<
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> } } }
    >
  )[functionId];
  return resource!.Properties.Environment.Variables;
}

describe('[secure] delivery (issue 10): the public page', () => {
  it('reads and updates a recipient record by its key and appends audit events: nothing more on SECURE# and SECUREMSG#', () => {
    const byAction = new Map<string, string[]>();
    for (const s of publicStatements) {
      const secure = leadingKeysOf(s).filter((k) => k.startsWith('SECURE'));
      if (secure.length === 0) continue;
      // A request must name its key (Null=false), so ForAllValues cannot hold vacuously.
      expect(s.Condition?.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      for (const action of actionsOf([s])) {
        byAction.set(action, [...(byAction.get(action) ?? []), ...secure].sort());
      }
    }
    expect(Object.fromEntries(byAction)).toEqual({
      'dynamodb:GetItem': ['SECURE#*'],
      'dynamodb:UpdateItem': ['SECURE#*'],
      'dynamodb:PutItem': ['SECUREMSG#*'],
    });
  });

  it("writes only the page's own attributes: never a record's owner, recipient or withdrawal, nor a recipient entry", () => {
    const writes = publicStatements.filter(
      (s) =>
        leadingKeysOf(s).some((k) => k.startsWith('SECURE')) &&
        actionsOf([s]).some((a) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:PutItem'),
    );
    const attributes = (s: (typeof writes)[number]) =>
      (s.Condition?.['ForAllValues:StringEquals'] as Record<string, string[]> | undefined)?.[
        'dynamodb:Attributes'
      ] ?? [];
    const update = writes.find((s) => actionsOf([s]).includes('dynamodb:UpdateItem'))!;
    expect([...attributes(update)].sort()).toEqual(
      [
        'PK',
        'SK',
        'codeExpiresAt',
        'codeHash',
        'openedAt',
        'repliedAt',
        'sessionExpiresAt',
        'sessionHash',
      ].sort(),
    );
    expect(update.Condition?.StringEqualsIfExists).toEqual({ 'dynamodb:ReturnValues': ['NONE'] });
    const put = writes.find((s) => actionsOf([s]).includes('dynamodb:PutItem'))!;
    expect(attributes(put)).not.toContain('tokenHash');
    expect(attributes(put)).toContain('kind');
  });

  it('reads page content under secure/ of the share bucket, read-only', () => {
    const secure = objectGrantsOn(publicStatements, shareId).filter((g) =>
      g.includes(`/${SECURE_MESSAGE_PREFIX}`),
    );
    expect(secure).toEqual([`s3:GetObject /${SECURE_MESSAGE_PREFIX}*`]);
  });

  it('writes raw mail only as a secure reply (inbound/secure-reply-*), and reads or deletes none', () => {
    expect(objectGrantsOn(publicStatements, rawId)).toEqual([
      `s3:PutObject /${SECURE_REPLY_KEY_PREFIX}*`,
    ]);
    expect(environmentOf(publicId)[ENV.rawMailBucket]).toEqual({ Ref: rawId });
  });

  it('mails one-time codes from postmaster@ only, with the configuration set', () => {
    const ses = publicStatements.filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(actionsOf(ses).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(ses[0]?.Condition).toEqual({
      StringLike: { 'ses:FromAddress': `${SYSTEM_SENDERS.notices}@*` },
    });
    const resources = resourcesOf(ses[0]!);
    expect(resources).toHaveLength(2);
    expect(resources.some((r) => r.includes(':identity/*'))).toBe(true);
    const configurationSetId = logicalIdOf(stack.outbound.configurationSet);
    expect(resources.some((r) => r.endsWith(`:configuration-set/<${configurationSetId}>`))).toBe(
      true,
    );
    expect(environmentOf(publicId)[ENV.sesConfigurationSet]).toEqual({ Ref: configurationSetId });
  });

  it('publishes to the inbound topic (the one SES notifies, feeding ingest) and to no other', () => {
    const sns = publicStatements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sns:')));
    expect(actionsOf(sns)).toEqual(['sns:Publish']);
    expect(sns.flatMap(resourcesOf)).toEqual([`<${inboundTopicId}>`]);
    expect(environmentOf(publicId)[ENV.inboundTopicArn]).toEqual({ Ref: inboundTopicId });
    // The topic is encrypted with the data key: publishing needs a data key from it.
    expect(stack.inbound.topic.masterKey).toBe(stack.store.key);
    const dataKey = `<${logicalIdOf(stack.store.key)}.Arn>`;
    const keyActions = publicStatements
      .filter((s) => resourcesOf(s).includes(dataKey))
      .flatMap((s) => actionsOf([s]));
    expect(keyActions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });
});

describe('[secure] delivery (issue 10): the send function', () => {
  it('writes and deletes page content under secure/, and cannot read it back', () => {
    const secure = objectGrantsOn(sendStatements, shareId).filter((g) =>
      g.includes(`/${SECURE_MESSAGE_PREFIX}`),
    );
    expect(secure).toEqual([
      `s3:DeleteObject /${SECURE_MESSAGE_PREFIX}*`,
      `s3:PutObject /${SECURE_MESSAGE_PREFIX}*`,
    ]);
    // One share bucket variable, however many prefixes it is granted.
    expect(environmentOf(sendId)[ENV.shareBucket]).toEqual({ Ref: shareId });
  });

  it('may put, get, query and delete SECURE# and SECUREMSG# items (its table grant is RW)', () => {
    const onTable = sendStatements.filter(
      (s) => resourcesOf(s).includes(`<${tableId}.Arn>`) && !s.Condition,
    );
    expect(actionsOf(onTable)).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ]),
    );
  });
});

describe('[secure] delivery (issue 10): the share bucket', () => {
  it('expires page content under secure/ a day after the longest link any tier allows', () => {
    const longest = Math.max(
      DEFAULT_TIERS.commodity.maxLinkDays,
      DEFAULT_TIERS.premium.maxLinkDays,
    );
    expect(secureMessageExpiryDays(DEFAULT_TIERS)).toBe(longest + 1);
    const bucket = (
      resourceTemplate(template, shareId).toJSON().Resources as Record<
        string,
        { Properties: { LifecycleConfiguration: { Rules: Record<string, unknown>[] } } }
      >
    )[shareId]!;
    const rules = bucket.Properties.LifecycleConfiguration.Rules.filter(
      (r) => r.Prefix === SECURE_MESSAGE_PREFIX,
    );
    expect(rules).toEqual([
      {
        Id: 'ExpireSecureMessages',
        Prefix: SECURE_MESSAGE_PREFIX,
        ExpirationInDays: longest + 1,
        Status: 'Enabled',
      },
    ]);
  });

  it('follows the configured tiers', () => {
    const configured = synthSesame({ 'sesame:tiers': { commodity: { maxLinkDays: 45 } } });
    const id = logicalIdOf(configured.stack.fileShare.bucket);
    const rules = (
      configured.template.toJSON().Resources as Record<
        string,
        { Properties: { LifecycleConfiguration: { Rules: Record<string, unknown>[] } } }
      >
    )[id]!.Properties.LifecycleConfiguration.Rules;
    expect(rules.find((r) => r.Prefix === SECURE_MESSAGE_PREFIX)?.ExpirationInDays).toBe(46);
  });
});
