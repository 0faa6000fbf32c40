import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { ROUTES, type Route } from '@shared/http/routes';
import { apiFunctionAccess, ORGANISE_ATTRIBUTES } from '../../infra/constructs/api-function-access';
import { MailApi } from '../../infra/constructs/mail-api';
import { MailStore } from '../../infra/constructs/mail-store';
import type { SesameFunction } from '../../infra/constructs/sesame-function';
import {
  actionsOf,
  allowStatementsOfFunction,
  cdkJsonContext,
  logicalIdOf,
  SKIP_BUNDLING,
  synthSesame,
} from './synth-sesame';

const { template, stack } = synthSesame();
const functions: Record<string, SesameFunction> = {
  ingest: stack.inbound.ingestFunction,
  ...Object.fromEntries(stack.api.functions),
};
const statementsOf = (id: string) =>
  allowStatementsOfFunction(template, logicalIdOf(functions[id]!));

/** A policy resource as a readable string: `<LogicalId.Arn>/prefix/*`, `<LogicalId>`. */
function render(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, unknown>;
  if (r['Fn::GetAtt']) return `<${(r['Fn::GetAtt'] as string[]).join('.')}>`;
  if (r.Ref) return `<${r.Ref as string}>`;
  if (r['Fn::Join']) return (r['Fn::Join'] as [string, unknown[]])[1].map(render).join('');
  return JSON.stringify(resource);
}
const resourcesOf = (statement: { Resource: unknown }): string[] =>
  (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(render);

const raw = `<${logicalIdOf(stack.store.rawMailBucket)}.Arn>`;
const attachments = `<${logicalIdOf(stack.store.attachmentsBucket)}.Arn>`;
/** Every (action, object resource) pair of a function's S3 object grants. */
function objectGrants(id: string): { action: string; resource: string }[] {
  return statementsOf(id).flatMap((s) =>
    actionsOf([s])
      .filter((a) => a.startsWith('s3:') && a !== 's3:ListBucket')
      .flatMap((action) => resourcesOf(s).map((resource) => ({ action, resource }))),
  );
}
/** Item writes (ConditionCheckItem only reads, inside a transaction). */
const WRITE = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;
const partitionsOf = (statement: { Condition?: Record<string, unknown> }): unknown =>
  (statement.Condition?.['ForAllValues:StringLike'] as Record<string, unknown> | undefined)?.[
    'dynamodb:LeadingKeys'
  ];

describe('S3 grants, by key prefix', () => {
  it.each(Object.keys(functions))('%s has no object action on a whole bucket', (id) => {
    for (const { action, resource } of objectGrants(id)) {
      expect(resource, action).not.toMatch(/^<[^>]+>\/\*$/);
      expect(action).not.toBe('s3:*');
    }
  });

  it('ingest reads raw mail, writes the message objects, and never touches imports/', () => {
    const grants = objectGrants('ingest');
    expect(grants.filter((g) => g.resource.includes('/imports/'))).toEqual([]);
    expect(grants.filter((g) => g.action === 's3:GetObject').map((g) => g.resource)).toEqual([
      `${raw}/inbound/*`,
    ]);
    expect(
      grants
        .filter((g) => g.action === 's3:PutObject')
        .map((g) => g.resource)
        .sort(),
    ).toEqual([
      `${attachments}/attachments/*`,
      `${attachments}/bodies/*`,
      `${attachments}/system/*`,
    ]);
  });

  // The mailbox function also purges a Sent copy's raw message, under sent/ (issue 10).
  it.each([
    ['ingest', []],
    ['mailbox', ['sent/*']],
  ])('%s deletes objects only under the purge prefixes', (id, sent) => {
    const deletes = objectGrants(id)
      .filter((g) => g.action === 's3:DeleteObject')
      .map((g) => g.resource)
      .sort();
    expect(deletes).toEqual([
      `${attachments}/attachments/*`,
      `${attachments}/bodies/*`,
      `${attachments}/system/*`,
      `${raw}/inbound/*`,
      ...sent.map((prefix) => `${raw}/${prefix}`),
    ]);
  });

  it.each(['admin', 'tenant-admin', 'account'])('%s deletes no object', (id) => {
    expect(objectGrants(id).filter((g) => g.action === 's3:DeleteObject')).toEqual([]);
  });

  it('mailbox only reads and purges: no put anywhere', () => {
    expect(objectGrants('mailbox').filter((g) => g.action === 's3:PutObject')).toEqual([]);
  });

  it('lists a bucket only for the prefixes a function reads (NoSuchKey, not AccessDenied)', () => {
    for (const id of Object.keys(functions)) {
      for (const s of statementsOf(id).filter((st) => actionsOf([st]).includes('s3:ListBucket'))) {
        expect(s.Condition, id).toEqual({ StringLike: { 's3:prefix': expect.any(Array) } });
      }
    }
  });
});

describe('DynamoDB writes, by partition', () => {
  it.each(['ingest', 'mailbox'])(
    'every table write of %s carries a LeadingKeys condition',
    (id) => {
      const writes = statementsOf(id).filter((s) => actionsOf([s]).some((a) => WRITE.test(a)));
      expect(writes.length).toBeGreaterThan(0);
      for (const s of writes) {
        expect(partitionsOf(s), JSON.stringify(s)).toEqual(expect.any(Array));
        // ForAllValues holds for a request with no key at all; Null=false makes a key required.
        expect(s.Condition?.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      }
    },
  );

  it('ingest writes mailboxes (with their search index), tombstones (checked), references, bounce markers and refusals only', () => {
    const byAction = new Map<string, string[]>();
    for (const s of statementsOf('ingest')) {
      for (const action of actionsOf([s]).filter((a) => a.startsWith('dynamodb:'))) {
        byAction.set(action, [...(byAction.get(action) ?? []), ...(partitionsOf(s) as string[])]);
      }
    }
    expect(Object.fromEntries([...byAction].map(([a, p]) => [a, [...p].sort()]))).toEqual({
      // SESOUT#: the Message-ID SES gave sent mail, so replies from outside thread (issue 10).
      // SECURE#: whether the public page claimed the secure reply it hands over (issue 10).
      'dynamodb:GetItem': ['DOMAIN#*', 'MBX#*', 'SECURE#*', 'SESOUT#*', 'STORED#*', 'TENANT#*'],
      'dynamodb:PutItem': ['BOUNCE#*', 'MBX#*', 'REFUSALS#*'],
      'dynamodb:UpdateItem': ['MBX#*', 'STORED#*'],
      'dynamodb:ConditionCheckItem': ['GONE#*'],
      'dynamodb:DeleteItem': ['BOUNCE#*'],
      // The search index's compaction, in the mailbox's own partition (issue 11).
      'dynamodb:Query': ['MBX#*'],
      'dynamodb:BatchWriteItem': ['MBX#*'],
    });
  });

  it('the mailbox function puts tombstones in GONE#, and in mailbox partitions only what organising mail writes', () => {
    const puts = statementsOf('mailbox').filter((s) => actionsOf([s]).includes('dynamodb:PutItem'));
    expect(puts.map(partitionsOf).sort()).toEqual([['GONE#*'], ['MBX#*']]);
    const intoMailboxes = puts.find((s) => JSON.stringify(partitionsOf(s)) === '["MBX#*"]');
    // Folders, their names and change-log entries (issue 11): never a message's content or a quota.
    expect(intoMailboxes?.Condition?.['ForAllValues:StringEquals']).toEqual({
      'dynamodb:Attributes': ORGANISE_ATTRIBUTES,
    });
    for (const attribute of [
      'quotaBytes',
      'status',
      'role',
      'text',
      'html',
      'raw',
      'from',
      'subject',
    ]) {
      expect(ORGANISE_ATTRIBUTES).not.toContain(attribute);
    }
  });
});

describe('the mailbox sweep (issue 11), by partition', () => {
  const sweep = allowStatementsOfFunction(template, logicalIdOf(stack.retention.sweepFunction));
  /** Exact keys (StringEquals) as written; prefixes (StringLike) as `PREFIX#*`. */
  const keysOf = (s: (typeof sweep)[number]): string[] => {
    const exact = s.Condition?.['ForAllValues:StringEquals'] as Record<string, unknown> | undefined;
    return ((exact?.['dynamodb:LeadingKeys'] ?? partitionsOf(s)) as string[] | undefined) ?? [];
  };

  it('writes mailboxes, tombstones, references, and its resume point by its exact key only', () => {
    const byAction = new Map<string, Set<string>>();
    for (const s of sweep) {
      for (const action of actionsOf([s]).filter((a) => WRITE.test(a))) {
        // Null=false: a write must name its key, so ForAllValues cannot hold vacuously.
        expect(s.Condition?.Null, JSON.stringify(s)).toEqual({ 'dynamodb:LeadingKeys': 'false' });
        byAction.set(action, new Set([...(byAction.get(action) ?? []), ...keysOf(s)]));
      }
    }
    expect(Object.fromEntries([...byAction].map(([a, p]) => [a, [...p].sort()]))).toEqual({
      'dynamodb:PutItem': ['GONE#*', 'MBX#*', 'SWEEP#mailbox'],
      'dynamodb:UpdateItem': ['MBX#*', 'STORED#*'],
      'dynamodb:DeleteItem': ['MBX#*'],
    });
  });
});

describe('the cdk-nag acknowledgements of object prefixes', () => {
  const resources = template.toJSON().Resources as Record<
    string,
    { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }
  >;
  it.each(Object.keys(functions))('name exactly the actions %s has there', (id) => {
    const fn = functions[id]!;
    const roleId = logicalIdOf(fn.role!);
    const rules = resources[roleId]?.Metadata?.cdk_nag?.rules_to_suppress ?? [];
    const prefixRules = rules.filter((r) => /Bucket\.Arn>\/\w+\/\*\]$/.test(r.id));
    const grantsObjects = objectGrants(id).length > 0;
    expect(prefixRules.length > 0, 'one acknowledgement per granted prefix').toBe(grantsObjects);
    for (const rule of prefixRules) {
      const resource = /Resource::(.*)\]$/.exec(rule.id)![1]!;
      const actions = statementsOf(id)
        .filter((s) => resourcesOf(s).includes(resource))
        .flatMap((s) => actionsOf([s]))
        .sort();
      expect(actions.length, rule.id).toBeGreaterThan(0);
      expect(rule.reason, rule.id).toContain(`${actions.join(', ')} only`);
    }
  });
});

describe('a function with no entry in the access table', () => {
  it('fails synth instead of borrowing another function’s grants', () => {
    expect(() => apiFunctionAccess('unlisted')).toThrow(/no access entry for function "unlisted"/);
    const app = new App({ context: { ...cdkJsonContext(), ...SKIP_BUNDLING } });
    const scope = new Stack(app, 'Unlisted', { env: { region: 'eu-west-1' } });
    const route = { ...ROUTES[0], function: 'unlisted' } as unknown as Route;
    expect(
      () =>
        new MailApi(scope, 'Api', {
          store: new MailStore(scope, 'Store'),
          tiers: DEFAULT_TIERS,
          routes: [route],
        }),
    ).toThrow(/no access entry for function "unlisted"/);
  });
});
