import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@shared/errors/domain-error';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { createFolder, deleteFolder } from '@shared/mailbox/folders';
import { releaseFromQuarantine } from '@shared/mailbox/quarantine-release';
import { DAY_MS } from '@shared/mailbox/recoverable';
import { sweepMailbox } from '@shared/mailbox/retention-sweep';
import { bulkChange, deleteMessage, updateMessage } from '@shared/mailbox/message-actions';
import { FOLDERS } from '@shared/mailbox/model';
import { restoreRecoverable } from '@shared/mailbox/recoverable';
import { reconcileUsage } from '@shared/quota/reconcile';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { keys } from '@shared/store/keys';
import { mailboxApiDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';

let world: LocalWorld;
let deps: ReturnType<typeof mailboxApiDepsOf>;
let run = 0;

beforeAll(async () => {
  world = await startLocalWorld();
  deps = mailboxApiDepsOf(world);
  await world.addTenant('prop', ['prop.test']);
});

afterAll(async () => {
  await world?.stop();
});

/** Messages delivered before each run, which the operations pick from. */
const POOL = 6;
const target = fc.constantFrom('inbox', 'archive', 'deleted', 'junk', 'mine', 'sent');
const pick = fc.nat({ max: POOL - 1 });
const operation = fc.oneof(
  fc.record({ kind: fc.constant('deliver' as const) }),
  fc.record({ kind: fc.constant('move' as const), at: pick, to: target }),
  fc.record({
    kind: fc.constant('flag' as const),
    at: pick,
    seen: fc.boolean(),
    flagged: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: pick }),
  fc.record({ kind: fc.constant('restore' as const), at: pick }),
  fc.record({ kind: fc.constant('purge' as const), at: pick }),
  fc.record({ kind: fc.constant('release' as const), at: pick }),
  fc.record({ kind: fc.constant('sweep' as const) }),
  fc.record({ kind: fc.constant('dropFolder' as const) }),
  fc.record({
    kind: fc.constant('bulk' as const),
    at: fc.uniqueArray(pick, { minLength: 1, maxLength: POOL }),
    to: target,
  }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Refusals (a quarantined move, a restore of a live message) are answers, not failures. */
async function answered(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}

async function recoverableTotals(address: string) {
  const result = await world.documents.send(
    new QueryCommand({
      TableName: world.names.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :msg)',
      FilterExpression: 'attribute_exists(recoverable)',
      ExpressionAttributeValues: { ':pk': keys.mailbox(address).PK, ':msg': 'MSG#' },
      ConsistentRead: true,
    }),
  );
  const items = result.Items ?? [];
  return {
    recoverableBytes: items.reduce((sum, item) => sum + (item.size as number), 0),
    recoverableCount: items.length,
  };
}

describe('folder and mailbox counters', () => {
  it('are exact after random moves, flags, deletes, restores, purges, releases, sweeps, folder deletes and deliveries run concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 4, maxLength: 16 }), async (operations) => {
        const address = `run${++run}@prop.test`;
        await world.addMailbox(address, 'prop');
        const mine = (await createFolder(deps.folders, address, { name: 'Mine' })).id;
        const folderOf = (to: string) => (to === 'mine' ? mine : to);
        const ids: string[] = [];
        for (let i = 0; i < POOL; i++) {
          const notification = await world.receive(simpleMail(`Pool ${i}`), {
            recipients: [address],
            ...(i === 0 && { verdicts: { virus: 'FAIL' } }),
          });
          ids.push((await ingestMessage(notification, deps))[0]!.messageId!);
        }
        const idAt = (at: number) => ids[at]!;
        const perform = (op: Operation): Promise<unknown> => {
          switch (op.kind) {
            case 'deliver':
              return world
                .receive(simpleMail('Arriving'), { recipients: [address] })
                .then((n) => ingestMessage(n, deps));
            case 'move':
              return updateMessage(deps.messages, address, idAt(op.at), {
                folderId: folderOf(op.to),
              });
            case 'flag':
              return updateMessage(deps.messages, address, idAt(op.at), {
                seen: op.seen,
                flagged: op.flagged,
              });
            case 'delete':
              return deleteMessage(deps.messages, address, idAt(op.at));
            case 'restore':
              return restoreRecoverable(deps, address, idAt(op.at));
            case 'purge':
              return deps.purge(address, idAt(op.at));
            case 'release':
              return releaseFromQuarantine(deps.messages, address, idAt(op.at), {
                by: 'admin@prop.test',
                reason: 'false positive',
              });
            case 'sweep':
              return sweepMailbox(
                { ...deps.deletion, ...deps, tenants: world.tenancy },
                address,
                { mailRetention: { junkDays: 1, deletedDays: 1, recoveryDays: 1 } },
                new Date(Date.now() + 3 * DAY_MS),
              );
            case 'dropFolder':
              return deleteFolder(deps, address, mine, { moveContents: true });
            case 'bulk':
              return bulkChange(
                deps.messages,
                address,
                { ids: op.at.map(idAt), update: { folderId: folderOf(op.to), seen: true } },
                () => ({ status: 409, code: 'Refused' }),
              );
          }
        };

        await Promise.all(operations.map((op) => answered(perform(op))));

        const quota = new DynamoQuotaStore(world.documents, world.names.table);
        const report = await reconcileUsage(quota, { repair: false, systemFolders: FOLDERS });
        expect(report.folderDrifts.filter((d) => d.address === address)).toEqual([]);
        expect(report.drifted.filter((d) => d.address === address)).toEqual([]);
        const mailbox = await world.store.getMailbox(address);
        expect({
          recoverableBytes: mailbox?.recoverableBytes ?? 0,
          recoverableCount: mailbox?.recoverableCount ?? 0,
        }).toEqual(await recoverableTotals(address));
        // Quarantine is kept whatever happened: pool message 0 is withheld wherever it is.
        const quarantined = await world.store.getMessage(address, idAt(0));
        if (quarantined && !quarantined.release) {
          expect(quarantined.quarantined).toBe(true);
          expect(['quarantine', 'deleted']).toContain(quarantined.folder);
        }
      }),
      { numRuns: 8 },
    );
  });
});
