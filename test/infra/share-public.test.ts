import { describe, expect, it } from 'vitest';
import { NOTICE_STATE_ATTRIBUTES } from '../../infra/constructs/file-share';
import { actionsOf, allowStatementsOfFunction, logicalIdOf, synthSesame } from './synth-sesame';

const { template, stack } = synthSesame();
const publicFunction = stack.api.functions.get('share-public')!;
const statements = allowStatementsOfFunction(template, logicalIdOf(publicFunction));
const leadingKeysOf = (statement: (typeof statements)[number]): string[] =>
  ((statement.Condition?.['ForAllValues:StringLike'] as Record<string, string[]> | undefined)?.[
    'dynamodb:LeadingKeys'
  ] ?? []) as string[];

describe('the public share function (share links, request pages)', () => {
  it('reads the table by key only: no Query, no Scan, nothing table-wide', () => {
    const dynamo = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      expect(actionsOf([statement]).filter((a) => /Query|Scan|\*/.test(a))).toEqual([]);
      expect(leadingKeysOf(statement).length).toBeGreaterThan(0);
    }
  });

  it('cannot read a mailbox: a read of an MBX# partition gets the notice state only', () => {
    const reads = statements.filter((s) =>
      actionsOf([s]).some((a) => /^dynamodb:(GetItem|BatchGetItem|Query|Scan)$/.test(a)),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const statement of reads.filter((s) => leadingKeysOf(s).includes('MBX#*'))) {
      expect(actionsOf([statement])).toEqual(['dynamodb:GetItem']);
      expect(statement.Condition?.['ForAllValues:StringEquals']).toEqual({
        'dynamodb:Attributes': NOTICE_STATE_ATTRIBUTES,
      });
      expect(statement.Condition?.StringEquals).toEqual({
        'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
      });
    }
  });

  it('may read the owner mailbox state a download notice needs (readState), so it is delivered in AWS', () => {
    const stateReads = statements.filter(
      (s) => actionsOf([s]).includes('dynamodb:GetItem') && leadingKeysOf(s).includes('MBX#*'),
    );
    expect(stateReads).toHaveLength(1);
  });

  it('may write every item a request upload writes, so an outsider’s upload can complete', () => {
    // startShareUpload puts the share, its due marker, listing entry and event; the completion
    // (markUploaded) updates the share to `scanning` and moves its due marker.
    const allows = (action: string, partition: string) =>
      statements.some(
        (s) =>
          actionsOf([s]).includes(`dynamodb:${action}`) &&
          leadingKeysOf(s).includes(`${partition}*`),
      );
    expect(allows('PutItem', 'SHARE#')).toBe(true);
    expect(allows('UpdateItem', 'SHARE#')).toBe(true);
    expect(allows('UpdateItem', 'REQUEST#')).toBe(true);
  });

  it('touches the share bucket under shares/ (and secure/), and mail only to write a notice or a secure reply', () => {
    const objects = statements
      .filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:') && a !== 's3:ListBucket'))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
      .map((r) => JSON.stringify(r));
    expect(objects.length).toBeGreaterThan(0);
    // secure/ and inbound/secure-reply-: [secure] delivery (issue 10, test/infra/secure-delivery).
    for (const resource of objects) {
      expect(resource).toMatch(/\/shares\/\*|\/system\/\*|\/secure\/\*|\/inbound\/secure-reply-\*/);
    }
  });
});
