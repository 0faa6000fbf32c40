import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { DAY_MS } from '@shared/mailbox/recoverable';
import {
  runBudget,
  sweepRun,
  SWEEP_TIME_RESERVE_MS,
  type SweepRunDeps,
  type SweepRunReport,
} from '@shared/mailbox/sweep-walk';
import { DynamoSweepCursor } from '@shared/store/dynamo-sweep-cursor';
import { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { apiEvent } from '@test/support/api-event';
import { mailboxApiDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';

// Issue 11, item 4 of the review: one run walked every mailbox and read Deleted Items whole, so
// a run that timed out started again from the first tenant and later ones were never swept.

const context = { awsRequestId: 'test' } as Context;
const TENANTS = ['t-a', 't-b', 't-c'];
const MAILBOXES_PER_TENANT = 4;
/** Per mailbox: old Junk (due), a Deleted Items message (due after 5 days), live mail. */
const OLD_JUNK = 3;
/** A small budget, so that a pass takes many runs. */
const PAGES_PER_RUN = 4;
const MAX_RUNS = 200;

let world: LocalWorld;
let deps: ReturnType<typeof mailboxApiDepsOf>;
let sweep: SweepRunDeps;
const t0 = new Date();
const due: { address: string; id: string }[] = [];
const live: { address: string; id: string; version: unknown }[] = [];

beforeAll(async () => {
  world = await startLocalWorld();
  deps = mailboxApiDepsOf(world);
  const api = createMailboxHandler(deps);
  sweep = {
    ...deps.deletion,
    ...deps,
    tenants: world.tenancy,
    cursor: new DynamoSweepCursor(world.documents, world.names.table, 'mailbox'),
  };
  const deliver = async (address: string, receivedAt: Date, spam: boolean) => {
    const notification = await world.receive(simpleMail(`to ${address}`), {
      recipients: [address],
      receivedAt,
      ...(spam && { verdicts: { spam: 'FAIL' } }),
    });
    const [outcome] = await ingestMessage(notification, deps);
    return outcome!.messageId!;
  };
  for (const tenantId of TENANTS) {
    await world.addTenant(tenantId, [`${tenantId}.test`]);
    await world.tenancy.updateTenant(tenantId, {
      mailRetention: { junkDays: 10, deletedDays: 5, recoveryDays: 2 },
    });
    for (let n = 0; n < MAILBOXES_PER_TENANT; n++) {
      const address = `user${n}@${tenantId}.test`;
      await world.addMailbox(address, tenantId);
      for (let j = 0; j < OLD_JUNK; j++) {
        due.push({
          address,
          id: await deliver(address, new Date(t0.getTime() - 11 * DAY_MS), true),
        });
      }
      const binned = await deliver(address, new Date(t0.getTime() - 30 * DAY_MS), false);
      const deleted = await api(
        apiEvent({
          routeKey: 'DELETE /mailboxes/me/messages/{id}',
          caller: { address, tenantId },
          pathParameters: { id: binned },
        }),
        context,
      );
      expect(deleted.statusCode).toBe(200);
      due.push({ address, id: binned });
      for (const id of [await deliver(address, t0, true), await deliver(address, t0, false)]) {
        live.push({ address, id, version: (await world.store.getMessage(address, id))?.version });
      }
    }
  }
});

afterAll(async () => {
  await world?.stop();
});

/** Runs the sweep as the schedule would, at `now`, until a run reports the pass done. */
async function passAt(now: Date, budget: () => ReturnType<typeof runBudget>) {
  const runs: SweepRunReport[] = [];
  do runs.push(await sweepRun(sweep, now, budget()));
  while (!runs.at(-1)!.passDone && runs.length < MAX_RUNS);
  return runs;
}

const total = (runs: SweepRunReport[], field: 'expired' | 'purged' | 'mailboxes') =>
  runs.reduce((sum, run) => sum + run[field], 0);

async function expectLiveUntouched() {
  for (const message of live) {
    const now = await world.store.getMessage(message.address, message.id);
    expect(now?.recoverable, message.id).toBeUndefined();
    expect(now?.version, message.id).toEqual(message.version);
  }
}

describe('the mailbox sweep, run by run with a small budget', () => {
  it('reaches every mailbox over several runs: each due message made recoverable once, then purged once', async () => {
    const mailboxes = TENANTS.length * MAILBOXES_PER_TENANT;

    const expiring = await passAt(new Date(t0.getTime() + 6 * DAY_MS), () =>
      runBudget(PAGES_PER_RUN),
    );
    expect(expiring.at(-1)?.passDone).toBe(true);
    expect(expiring.length).toBeGreaterThan(mailboxes / 2);
    for (const run of expiring) {
      expect(run.pages).toBeLessThanOrEqual(PAGES_PER_RUN);
      expect(run.failed).toEqual([]);
    }
    expect(total(expiring, 'mailboxes')).toBe(mailboxes);
    expect(total(expiring, 'expired')).toBe(due.length);
    expect(total(expiring, 'purged')).toBe(0);
    for (const { address, id } of due) {
      expect((await world.store.getMessage(address, id))?.recoverable, id).toBeDefined();
    }
    await expectLiveUntouched();

    // The Lambda's clock: each query leaves 20 s less, so a run ends within its time reserve.
    const purging = await passAt(new Date(t0.getTime() + 9 * DAY_MS), () => {
      let remaining = SWEEP_TIME_RESERVE_MS + 70_000;
      return runBudget(1_000, () => (remaining -= 20_000));
    });
    expect(purging.at(-1)?.passDone).toBe(true);
    expect(purging.length).toBeGreaterThan(mailboxes / 2);
    expect(total(purging, 'expired')).toBe(0);
    expect(total(purging, 'purged')).toBe(due.length);
    for (const { address, id } of due) {
      expect(await world.store.getMessage(address, id), id).toBeUndefined();
    }
    await expectLiveUntouched();
  });

  it('begins a new pass after a finished one, and finds nothing left to do', async () => {
    const again = await passAt(new Date(t0.getTime() + 9 * DAY_MS), () => runBudget(1_000));
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ passDone: true, expired: 0, purged: 0, mailboxes: 12 });
    await expectLiveUntouched();
  });

  it('goes past a mailbox whose sweep fails, and names it', async () => {
    const broken = 'user1@t-b.test';
    const failing: SweepRunDeps = {
      ...sweep,
      store: {
        listFolderReceivedBefore: (address, ...rest) =>
          address === broken
            ? Promise.reject(new Error('throttled'))
            : world.store.listFolderReceivedBefore(address, ...rest),
      },
    };
    const run = await sweepRun(failing, new Date(t0.getTime() + 9 * DAY_MS), runBudget(1_000));
    expect(run).toMatchObject({ passDone: true, mailboxes: 11 });
    expect(run.failed).toEqual([{ address: broken, reason: 'Error: throttled' }]);
  });
});
