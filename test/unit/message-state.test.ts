import { describe, expect, it } from 'vitest';
import { changesSince, type LoggedChange } from '@shared/mailbox/changes';
import {
  deletePlan,
  expiryPlan,
  MessageQuarantinedError,
  MoveNotAllowedError,
  restorePlan,
  updatePlan,
  type MessageState,
} from '@shared/mailbox/message-state';
import { isSystemFolder } from '@shared/mailbox/model';
import { retentionOf } from '@shared/mailbox/recoverable';

const now = new Date('2026-12-01T10:00:00Z');
const message = (fields: Partial<MessageState> = {}): MessageState => ({
  id: 'a'.repeat(32),
  folder: 'inbox',
  unread: true,
  size: 100,
  receivedAt: '2026-11-01T10:00:00Z',
  threadId: 'b'.repeat(24),
  ...fields,
});

describe('message plans', () => {
  it('a repeated update is unchanged', () => {
    const plan = updatePlan({ seen: true, folderId: 'archive' }, now);
    const moved = plan(message());
    expect(moved).toMatchObject({ folder: 'archive', unread: false });
    expect(plan(moved as MessageState)).toBe('unchanged');
  });

  it('delete goes to Deleted Items, then to recoverable items, remembering where from', () => {
    const first = deletePlan(now)(message({ folder: 'archive' })) as MessageState;
    const second = deletePlan(now)(first) as MessageState;
    expect(first).toMatchObject({ folder: 'deleted', deletedFrom: 'archive' });
    expect(second).toMatchObject({ folder: 'deleted', recoverable: { since: now.toISOString() } });
    expect(restorePlan(isSystemFolder)(second)).toMatchObject({ folder: 'archive' });
    expect(restorePlan(isSystemFolder)(second)).not.toHaveProperty('recoverable');
  });

  it('keeps a quarantined message in Quarantine or Deleted Items, whatever the move', () => {
    const withheld = message({ folder: 'quarantine' });
    for (const folderId of ['inbox', 'archive', 'junk', '0123456789abcdef']) {
      expect(updatePlan({ folderId }, now)(withheld)).toBeInstanceOf(MessageQuarantinedError);
    }
    const deleted = deletePlan(now)(withheld) as MessageState;
    expect(deleted).toMatchObject({ folder: 'deleted', quarantined: true });
    expect(updatePlan({ folderId: 'inbox' }, now)(deleted)).toBeInstanceOf(MessageQuarantinedError);
    const recoverable = deletePlan(now)(deleted) as MessageState;
    expect(restorePlan(() => true)(recoverable)).toMatchObject({ folder: 'quarantine' });
    expect(updatePlan({ folderId: 'quarantine' }, now)(message())).toBeInstanceOf(
      MoveNotAllowedError,
    );
  });

  it('retention takes only what is old enough and still in the folder', () => {
    const before = '2026-11-15T00:00:00Z';
    expect(expiryPlan('junk', before, now)(message({ folder: 'junk' }))).toMatchObject({
      recoverable: {},
    });
    expect(expiryPlan('junk', before, now)(message({ folder: 'inbox' }))).toBe('unchanged');
    const recent = message({ folder: 'deleted', deletedAt: '2026-11-20T00:00:00Z' });
    expect(expiryPlan('deleted', before, now)(recent)).toBe('unchanged');
  });

  it('clamps a tenant recovery window to 30 days', () => {
    expect(retentionOf({ mailRetention: { recoveryDays: 90 } }).recoveryDays).toBe(30);
    expect(retentionOf(undefined)).toEqual({ recoveryDays: 14, junkDays: 30, deletedDays: 30 });
  });
});

describe('changes since a state', () => {
  const log = (entries: LoggedChange[], current: number) => ({
    readState: async () => current,
    readChangesAfter: async (_: string, since: number, limit: number) =>
      entries.filter((e) => e.state > since).slice(0, limit),
  });
  const at = now.toISOString();

  it('folds entries per id: created then destroyed is left out, updated then destroyed is destroyed', async () => {
    const entries: LoggedChange[] = [
      { state: 1, at, messages: { created: ['new', 'brief'] } },
      { state: 2, at, messages: { updated: ['old', 'new'] } },
      { state: 3, at, messages: { destroyed: ['brief', 'old'] } },
    ];
    const answer = await changesSince(log(entries, 3), 'x', { since: 0, limit: 10 });
    expect(answer.messages).toEqual({ created: ['new'], updated: [], destroyed: ['old'] });
    expect(answer).toMatchObject({ state: 3, hasMoreChanges: false });
  });

  it('answers 410 when the entries after the state are gone', async () => {
    const entries: LoggedChange[] = [{ state: 5, at, folders: { created: ['f'] } }];
    await expect(changesSince(log(entries, 5), 'x', { since: 3, limit: 10 })).rejects.toMatchObject(
      {
        code: 'CannotCalculateChanges',
      },
    );
    expect(await changesSince(log(entries, 5), 'x', { since: 4, limit: 10 })).toMatchObject({
      state: 5,
      folders: { created: ['f'] },
    });
  });
});
