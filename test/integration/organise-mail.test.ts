import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '@shared/inbound/ingest-message';
import {
  createFolder,
  deleteFolder,
  FOLDER_LIMITS,
  FolderHasSubfoldersError,
} from '@shared/mailbox/folders';
import { FOLDERS } from '@shared/mailbox/model';
import { reconcileUsage } from '@shared/quota/reconcile';
import { changeKey } from '@shared/store/change-log';
import { DynamoQuotaStore } from '@shared/store/dynamo-quota-store';
import { DynamoFolders } from '@shared/store/dynamo-folders';
import { DynamoMessageChanges } from '@shared/store/message-changes';
import { keys } from '@shared/store/keys';
import { createTenantAdminHandler } from '../../functions/tenant-admin/tenant-admin-api';
import { apiEvent } from '@test/support/api-event';
import { useDemoMailboxWorld, type DemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { eicarMail } from '@test/support/hostile-mail';
import { simpleMail } from '@test/support/local-world';
import { mentions, racingDocuments } from '@test/support/racing-documents';

const context = { awsRequestId: 'test' } as Context;
const alice = { address: 'alice@demo.test', tenantId: 'demo' };
const bob = { address: 'bob@demo.test', tenantId: 'demo' };

let demo: DemoMailboxWorld;
useDemoMailboxWorld((started) => {
  demo = started;
});

beforeAll(async () => {
  await demo.world.addMailbox(bob.address, 'demo');
});

async function call(
  routeKey: string,
  options: {
    caller?: typeof alice;
    path?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
  } = {},
) {
  const result = await demo.api(
    apiEvent({
      routeKey,
      caller: options.caller ?? alice,
      ...(options.path && { pathParameters: options.path }),
      ...(options.query && { query: options.query }),
      ...(options.body !== undefined && { body: options.body }),
    }),
    context,
  );
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
}

async function deliver(mail: string | Buffer, to = alice.address) {
  const notification = await demo.world.receive(mail, { recipients: [to] });
  const [outcome] = await ingestMessage(notification, demo.deps);
  return outcome!.messageId!;
}

async function folders(caller = alice) {
  const { json } = await call('GET /mailboxes/me/folders', { caller });
  return json as {
    items: {
      id: string;
      role: string | null;
      name: string;
      parentId: string | null;
      total: number;
      unread: number;
    }[];
    state: number;
  };
}

const counters = async (id: string, caller = alice) => {
  const folder = (await folders(caller)).items.find((f) => f.id === id);
  return folder && { total: folder.total, unread: folder.unread };
};

describe('folders', () => {
  it('lists every system folder by role name, with exact counters', async () => {
    await deliver(simpleMail('Counted'));

    const { items } = await folders();

    expect(items.slice(0, FOLDERS.length).map((f) => f.id)).toEqual([...FOLDERS]);
    expect(items.find((f) => f.id === 'deleted')).toMatchObject({
      role: 'deleted',
      name: 'Deleted Items',
    });
    expect(await counters('inbox')).toEqual({ total: 1, unread: 1 });
  });

  it('creates, nests and renames user folders; sibling names are unique; system folders are fixed', async () => {
    const projects = await call('POST /mailboxes/me/folders', { body: { name: 'Projects' } });
    const ward = await call('POST /mailboxes/me/folders', {
      body: { name: 'Ward 7', parentId: projects.json.id },
    });
    const twin = await call('POST /mailboxes/me/folders', { body: { name: 'projects' } });
    const renamed = await call('PATCH /mailboxes/me/folders/{id}', {
      path: { id: ward.json.id },
      body: { name: 'Ward 7 (old)' },
    });
    const system = await call('PATCH /mailboxes/me/folders/{id}', {
      path: { id: 'inbox' },
      body: { name: 'Mine' },
    });
    const badName = await call('POST /mailboxes/me/folders', { body: { name: 'a/b' } });

    expect(projects).toMatchObject({
      status: 201,
      json: { name: 'Projects', parentId: null, role: null },
    });
    expect(ward).toMatchObject({ status: 201, json: { parentId: projects.json.id } });
    expect(twin).toMatchObject({ status: 409, json: { code: 'FolderNameTaken' } });
    expect(renamed).toMatchObject({ status: 200, json: { name: 'Ward 7 (old)' } });
    expect(system).toMatchObject({ status: 409, json: { code: 'SystemFolder' } });
    expect(badName).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    expect((await folders()).items).toContainEqual(
      expect.objectContaining({
        id: ward.json.id,
        name: 'Ward 7 (old)',
        parentId: projects.json.id,
      }),
    );
  });

  it('refuses folder names that cannot be shown as they are (invisible, reordering, broken text)', async () => {
    const before = await folders();
    const hostile = [
      'x\ud800y', // a lone surrogate: not Unicode text, which strict JSON clients reject
      '\u200b', // zero width space: a folder without a visible name
      '\u202etxt.exe', // right-to-left override: shown as "exe.txt"
      'Work\u2028Done', // a line separator inside one list entry
    ];

    const answers = [];
    for (const name of hostile)
      answers.push(await call('POST /mailboxes/me/folders', { body: { name } }));

    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    }
    expect(await folders()).toEqual(before);
  });

  it('deletes a folder only when empty, or moving its contents to Deleted Items in the same request', async () => {
    const folder = (await call('POST /mailboxes/me/folders', { body: { name: 'Short-lived' } }))
      .json;
    const parent = (await call('POST /mailboxes/me/folders', { body: { name: 'Parent' } })).json;
    await call('POST /mailboxes/me/folders', { body: { name: 'Child', parentId: parent.id } });
    const id = await deliver(simpleMail('Filed away'));
    await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id },
      body: { folderId: folder.id },
    });
    const deletedBefore = await counters('deleted');

    const refused = await call('DELETE /mailboxes/me/folders/{id}', { path: { id: folder.id } });
    const withChild = await call('DELETE /mailboxes/me/folders/{id}', { path: { id: parent.id } });
    const moved = await call('DELETE /mailboxes/me/folders/{id}', {
      path: { id: folder.id },
      query: { contents: 'move-to-deleted' },
    });

    expect(refused).toMatchObject({ status: 409, json: { code: 'FolderNotEmpty' } });
    expect(withChild).toMatchObject({ status: 409, json: { code: 'FolderHasSubfolders' } });
    expect(moved.status).toBe(204);
    expect(await counters(folder.id)).toBeUndefined();
    expect(await counters('deleted')).toEqual({
      total: deletedBefore!.total + 1,
      unread: deletedBefore!.unread + 1,
    });
    expect(await demo.world.store.getMessage(alice.address, id)).toMatchObject({
      folder: 'deleted',
      deletedFrom: folder.id,
    });
    const gone = await call('DELETE /mailboxes/me/folders/{id}', { path: { id: folder.id } });
    expect(gone).toMatchObject({ status: 404, json: { code: 'NoSuchFolder' } });
  });

  it('leaves a folder in place when a subfolder appears just before its contents move out', async () => {
    const folderStore = new DynamoFolders(demo.world.documents, demo.world.names.table);
    const doomed = await createFolder(folderStore, alice.address, { name: 'Doomed' });
    let child: string | undefined;
    const racing = racingDocuments(demo.world, {
      // The subfolder is made between the delete's check of the folder and its marking.
      before: async (input) => {
        if (child === undefined && mentions(input, 'SET deleting')) {
          child = (
            await createFolder(folderStore, alice.address, { name: 'Late', parentId: doomed.id })
          ).id;
        }
      },
    });
    const deps = {
      folders: new DynamoFolders(racing, demo.world.names.table),
      messages: new DynamoMessageChanges(demo.world.documents, demo.world.names.table),
      store: demo.world.store,
    };

    await expect(
      deleteFolder(deps, alice.address, doomed.id, { moveContents: true }),
    ).rejects.toThrow(FolderHasSubfoldersError);

    // Still listed (not half deleted and hidden), and still takes messages and subfolders.
    const listed = (await folders()).items.map((f) => f.id);
    expect(listed).toEqual(expect.arrayContaining([doomed.id, child]));
    const id = await deliver(simpleMail('Filed'));
    const filed = await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id },
      body: { folderId: doomed.id },
    });
    expect(filed).toMatchObject({ status: 200, json: { folder: doomed.id } });
  });

  it(`refuses the folder past the limit of ${FOLDER_LIMITS.maxUserFolders} (TooManyFolders)`, async () => {
    const address = 'hoarder@demo.test';
    await demo.world.addMailbox(address, 'demo');
    // As if the mailbox held the limit already: the counter the create condition reads.
    await demo.world.documents.send(
      new UpdateCommand({
        TableName: demo.world.names.table,
        Key: keys.mailbox(address),
        UpdateExpression: 'SET folderCount = :max',
        ExpressionAttributeValues: { ':max': FOLDER_LIMITS.maxUserFolders },
      }),
    );

    const result = await call('POST /mailboxes/me/folders', {
      caller: { address, tenantId: 'demo' },
      body: { name: 'One more' },
    });

    expect(result).toMatchObject({ status: 409, json: { code: 'TooManyFolders' } });
  });
});

describe('flags and moves', () => {
  it('sets seen and flagged and moves, with both folders counted, and a repeat changes nothing', async () => {
    const id = await deliver(simpleMail('Move me'));
    const inbox = (await counters('inbox'))!;
    const archive = (await counters('archive'))!;

    const moved = await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id },
      body: { seen: true, flagged: true, folderId: 'archive' },
    });
    const state = (await folders()).state;
    const again = await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id },
      body: { seen: true, flagged: true, folderId: 'archive' },
    });

    expect(moved).toMatchObject({
      status: 200,
      json: { id, folder: 'archive', seen: true, flagged: true },
    });
    expect(await counters('inbox')).toEqual({ total: inbox.total - 1, unread: inbox.unread - 1 });
    expect(await counters('archive')).toEqual({ total: archive.total + 1, unread: archive.unread });
    expect(again).toMatchObject({ status: 200, json: { state } });
    expect((await folders()).state).toBe(state);
  });

  it('moves and flags 200 messages in bulk, reporting each id, with exact counters', async () => {
    const ids: string[] = [];
    // Delivered ten at a time: concurrent deliveries to one mailbox, as in real life.
    for (let batch = 0; batch < 20; batch++) {
      const subjects = Array.from({ length: 10 }, (_, i) => `Bulk ${batch * 10 + i}`);
      ids.push(...(await Promise.all(subjects.map((subject) => deliver(simpleMail(subject))))));
    }
    const other = await deliver(simpleMail('Not yours'), bob.address);
    const inbox = (await counters('inbox'))!;
    const archive = (await counters('archive'))!;

    const result = await call('POST /mailboxes/me/messages/bulk', {
      body: { ids: [...ids, other], update: { seen: true, flagged: true, folderId: 'archive' } },
    });

    expect(result.status).toBe(200);
    expect(result.json.results).toHaveLength(201);
    const moved = result.json.results.filter((r: { status: number }) => r.status === 200);
    expect(moved).toHaveLength(200);
    expect(moved[0].message).toMatchObject({ folder: 'archive', seen: true, flagged: true });
    expect(result.json.results.at(-1)).toMatchObject({
      id: other,
      status: 404,
      code: 'NoSuchMessage',
    });
    expect(await counters('inbox')).toEqual({
      total: inbox.total - 200,
      unread: inbox.unread - 200,
    });
    expect(await counters('archive')).toEqual({
      total: archive.total + 200,
      unread: archive.unread,
    });
    expect(await demo.world.store.getMessage(bob.address, other)).toMatchObject({
      folder: 'inbox',
      unread: true,
    });
    const quota = new DynamoQuotaStore(demo.world.documents, demo.world.names.table);
    const report = await reconcileUsage(quota, { repair: false, systemFolders: FOLDERS });
    expect(report.folderDrifts.filter((d) => d.address === alice.address)).toEqual([]);
  });

  it('refuses bad input with problem+json and changes nothing', async () => {
    const id = await deliver(simpleMail('Leave me'));
    const state = (await folders()).state;

    const unknownField = await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id },
      body: { starred: true },
    });
    const noFolder = await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id },
      body: { folderId: '0123456789abcdef' },
    });
    const tooMany = await call('POST /mailboxes/me/messages/bulk', {
      body: { ids: Array.from({ length: 501 }, () => id), delete: true },
    });
    const twoActions = await call('POST /mailboxes/me/messages/bulk', {
      body: { ids: [id], delete: true, update: { seen: true } },
    });
    const crossMailbox = await call('PATCH /mailboxes/me/messages/{id}', {
      caller: bob,
      path: { id },
      body: { seen: true },
    });

    expect(unknownField).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    expect(noFolder).toMatchObject({ status: 404, json: { code: 'NoSuchFolder' } });
    expect(tooMany).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    expect(twoActions).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    expect(crossMailbox).toMatchObject({ status: 404, json: { code: 'NoSuchMessage' } });
    expect((await folders()).state).toBe(state);
    expect(await demo.world.store.getMessage(alice.address, id)).toMatchObject({
      folder: 'inbox',
      unread: true,
    });
  });
});

describe('bulk by search', () => {
  const BULK = 'POST /mailboxes/me/messages/bulk';
  let matching: string[];
  let unmatched: string;
  let bobs: string;

  beforeAll(async () => {
    matching = await Promise.all(
      [1, 2, 3].map((n) => deliver(simpleMail(`Zebrafish census ${n}`, 'counts'))),
    );
    unmatched = await deliver(simpleMail('Census of cats', 'no fish here'));
    bobs = await deliver(simpleMail('Zebrafish census for Bob', 'counts'), bob.address);
  });

  it("moves exactly the messages a search finds, in the caller's mailbox only", async () => {
    const inbox = (await counters('inbox'))!;
    const archive = (await counters('archive'))!;
    const bobInbox = (await counters('inbox', bob))!;

    const result = await call(BULK, {
      body: { query: { q: 'zebrafish', folder: 'inbox' }, update: { folderId: 'archive' } },
    });

    expect(result.status).toBe(200);
    expect(result.json.truncated).toBe(false);
    const ids = result.json.results.map((r: { id: string }) => r.id);
    expect([...ids].sort()).toEqual([...matching].sort());
    for (const each of result.json.results) {
      expect(each).toMatchObject({ status: 200, message: { folder: 'archive' } });
    }
    expect(await counters('inbox')).toEqual({ total: inbox.total - 3, unread: inbox.unread - 3 });
    expect(await counters('archive')).toEqual({
      total: archive.total + 3,
      unread: archive.unread + 3,
    });
    expect(await demo.world.store.getMessage(alice.address, unmatched)).toMatchObject({
      folder: 'inbox',
    });
    expect(await demo.world.store.getMessage(bob.address, bobs)).toMatchObject({
      folder: 'inbox',
    });
    expect(await counters('inbox', bob)).toEqual(bobInbox);
  });

  it('takes the search filters as JSON values, and answers an empty result', async () => {
    const flagged = await call(BULK, {
      body: { query: { q: 'zebrafish', flagged: true }, update: { seen: true } },
    });
    expect(flagged).toMatchObject({ status: 200, json: { results: [], truncated: false } });
  });

  it('refuses ids with a query, no ids nor query, and a query with no words, changing nothing', async () => {
    const state = (await folders()).state;

    const both = await call(BULK, {
      body: { ids: [unmatched], query: { q: 'zebrafish' }, delete: true },
    });
    const neither = await call(BULK, { body: { delete: true } });
    const empty = await call(BULK, { body: { query: {}, delete: true } });
    const onlyFilters = await call(BULK, { body: { query: { folder: 'archive' }, delete: true } });
    const unknownFilter = await call(BULK, {
      body: { query: { q: 'zebrafish', limit: 5 }, delete: true },
    });

    expect(both).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    expect(neither).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    expect(empty).toMatchObject({ status: 400, json: { code: 'SearchTermsRequired' } });
    expect(onlyFilters).toMatchObject({ status: 400, json: { code: 'SearchTermsRequired' } });
    expect(unknownFilter).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    expect((await folders()).state).toBe(state);
    for (const id of matching) {
      expect(await demo.world.store.getMessage(alice.address, id)).toMatchObject({
        folder: 'archive',
      });
    }
    expect(await demo.world.store.getMessage(alice.address, unmatched)).toMatchObject({
      folder: 'inbox',
    });
  });
});

describe('quarantine is a verdict', () => {
  it('cannot be escaped by a move; a tenant admin releases it, recorded', async () => {
    const id = await deliver(eicarMail('Quarantined'));
    const download = () => call('GET /mailboxes/me/messages/{id}/raw', { path: { id } });

    const toInbox = await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id },
      body: { folderId: 'inbox' },
    });
    const intoQuarantine = await call('PATCH /mailboxes/me/messages/{id}', {
      path: { id: await deliver(simpleMail('Clean')) },
      body: { folderId: 'quarantine' },
    });
    const deleted = await call('DELETE /mailboxes/me/messages/{id}', { path: { id } });
    const fromDeleted = await call('POST /mailboxes/me/messages/bulk', {
      body: { ids: [id], update: { folderId: 'archive' } },
    });

    expect(toInbox).toMatchObject({ status: 409, json: { code: 'MessageQuarantined' } });
    expect(intoQuarantine).toMatchObject({ status: 409, json: { code: 'MoveNotAllowed' } });
    expect(deleted).toMatchObject({ status: 200, json: { folder: 'deleted', quarantined: true } });
    expect(fromDeleted.json.results[0]).toMatchObject({ status: 409, code: 'MessageQuarantined' });
    expect(await download()).toMatchObject({
      status: 409,
      json: { code: 'AttachmentQuarantined' },
    });

    const admin = createTenantAdminHandler({
      store: demo.world.tenancy,
      mail: demo.world.store,
      identities: undefined as never,
      offers: undefined as never,
      files: undefined as never,
      tiers: undefined as never,
      emailIdentities: undefined as never,
      region: 'eu-west-1',
      messages: new DynamoMessageChanges(demo.world.documents, demo.world.names.table),
      shares: undefined as never,
      suppressions: undefined as never,
    });
    await demo.world.addMailbox('admin@demo.test', 'demo');
    await demo.world.documents.send(
      new UpdateCommand({
        TableName: demo.world.names.table,
        Key: keys.mailbox('admin@demo.test'),
        UpdateExpression: 'SET #role = :admin',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':admin': 'tenant-admin' },
      }),
    );
    const release = (
      caller: { address: string; tenantId: string; groups?: string[] },
      reason: unknown,
    ) =>
      admin(
        apiEvent({
          routeKey: 'POST /tenants/{tenantId}/mailboxes/{address}/messages/{id}/release',
          caller,
          pathParameters: { tenantId: 'demo', address: alice.address, id },
          body: { reason },
        }),
        context,
      );
    const byUser = await release(bob, 'I think it is fine');
    const released = await release(
      { address: 'admin@demo.test', tenantId: 'demo', groups: ['tenant-admin'] },
      'False positive: the trust IT team checked it',
    );

    expect(byUser.statusCode).toBe(403);
    expect(released.statusCode).toBe(200);
    expect(await demo.world.store.getMessage(alice.address, id)).toMatchObject({
      quarantined: false,
      release: { by: 'admin@demo.test', reason: 'False positive: the trust IT team checked it' },
      deletedFrom: 'inbox',
    });
    expect((await download()).status).toBe(303);
  });
});

describe('changes since a state', () => {
  it('answers exactly what was created, updated and destroyed, and 410 for a state too old', async () => {
    const start = (await folders(bob)).state;
    const kept = await deliver(simpleMail('Kept'), bob.address);
    const moved = await deliver(simpleMail('Moved'), bob.address);
    const dropped = await deliver(simpleMail('Dropped'), bob.address);
    await call('PATCH /mailboxes/me/messages/{id}', {
      caller: bob,
      path: { id: moved },
      body: { folderId: 'archive' },
    });
    await call('DELETE /mailboxes/me/messages/{id}', { caller: bob, path: { id: dropped } });
    await call('DELETE /mailboxes/me/messages/{id}', { caller: bob, path: { id: dropped } });
    const folder = (
      await call('POST /mailboxes/me/folders', { caller: bob, body: { name: 'New' } })
    ).json;

    const all = await call('GET /mailboxes/me/changes', {
      caller: bob,
      query: { since: String(start) },
    });
    const firstPage = await call('GET /mailboxes/me/changes', {
      caller: bob,
      query: { since: String(start), limit: '2' },
    });

    expect(all.status).toBe(200);
    expect(all.json.messages.created.sort()).toEqual([kept, moved].sort());
    expect(all.json.messages.updated).toEqual([]);
    expect(all.json.messages.destroyed).toEqual([]);
    expect(all.json.folders.created).toEqual([folder.id]);
    expect(all.json).toMatchObject({ since: start, state: start + 7, hasMoreChanges: false });
    expect(firstPage.json).toMatchObject({ state: start + 2, hasMoreChanges: true });

    const sinceMove = await call('GET /mailboxes/me/changes', {
      caller: bob,
      query: { since: String(start + 3) },
    });
    expect(sinceMove.json.messages).toEqual({
      created: [],
      updated: [moved],
      destroyed: [dropped],
    });
    const sinceDelete = await call('GET /mailboxes/me/changes', {
      caller: bob,
      query: { since: String(start + 5) },
    });
    expect(sinceDelete.json.messages).toEqual({ created: [], updated: [], destroyed: [dropped] });

    // The oldest entries expired (TTL): that state cannot be answered any more.
    await demo.world.documents.send(
      new DeleteCommand({
        TableName: demo.world.names.table,
        Key: changeKey(bob.address, start + 1),
      }),
    );
    const tooOld = await call('GET /mailboxes/me/changes', {
      caller: bob,
      query: { since: String(start) },
    });
    const future = await call('GET /mailboxes/me/changes', {
      caller: bob,
      query: { since: String(start + 99) },
    });
    expect(tooOld).toMatchObject({ status: 410, json: { code: 'CannotCalculateChanges' } });
    expect(future).toMatchObject({ status: 410, json: { code: 'CannotCalculateChanges' } });
  });
});

describe('changes of folder counters', () => {
  it("reports a folder as updated whenever its total or unread moves, as reconcile's repairs do", async () => {
    const carol = { address: 'carol@demo.test', tenantId: 'demo' };
    await demo.world.addMailbox(carol.address, 'demo');
    const since = async (state: number) =>
      (await call('GET /mailboxes/me/changes', { caller: carol, query: { since: String(state) } }))
        .json.folders as { created: string[]; updated: string[]; destroyed: string[] };
    const start = (await folders(carol)).state;

    const id = await deliver(simpleMail('Counted'), carol.address);
    const delivered = (await folders(carol)).state;
    await call('PATCH /mailboxes/me/messages/{id}', {
      caller: carol,
      path: { id },
      body: { folderId: 'archive' },
    });
    const moved = (await folders(carol)).state;
    await call('PATCH /mailboxes/me/messages/{id}', {
      caller: carol,
      path: { id },
      body: { seen: true },
    });
    const read = (await folders(carol)).state;
    await call('PATCH /mailboxes/me/messages/{id}', {
      caller: carol,
      path: { id },
      body: { flagged: true },
    });

    // Inbox's total and unread moved with the delivery: a client showing them must hear of it.
    expect((await since(start)).updated.sort()).toEqual(['archive', 'inbox']);
    expect((await since(delivered)).updated.sort()).toEqual(['archive', 'inbox']);
    expect((await since(moved)).updated).toEqual(['archive']);
    // A flag moves no counter: no folder changed.
    expect((await since(read)).updated).toEqual([]);
  });
});

describe('mailboxes from before the new system folders', () => {
  it('gets them on first use, and reconcile repairs a missing or drifted counter', async () => {
    const address = 'veteran@demo.test';
    await demo.world.addMailbox(address, 'demo');
    for (const folder of ['drafts', 'sent', 'deleted', 'archive']) {
      await demo.world.documents.send(
        new DeleteCommand({ TableName: demo.world.names.table, Key: keys.folder(address, folder) }),
      );
    }
    const veteran = { address, tenantId: 'demo' };
    const id = await deliver(simpleMail('Old mailbox'), address);

    await call('PATCH /mailboxes/me/messages/{id}', {
      caller: veteran,
      path: { id },
      body: { folderId: 'archive' },
    });

    expect(await counters('archive', veteran)).toEqual({ total: 1, unread: 1 });
    const item = await demo.world.documents.send(
      new GetCommand({ TableName: demo.world.names.table, Key: keys.folder(address, 'archive') }),
    );
    expect(item.Item).toMatchObject({ type: 'folder', folder: 'archive' });

    const quota = new DynamoQuotaStore(demo.world.documents, demo.world.names.table);
    const report = await reconcileUsage(quota, { repair: true, systemFolders: FOLDERS });
    const mine = report.folderDrifts.filter((d) => d.address === address).map((d) => d.folder);
    expect(mine.sort()).toEqual(['deleted', 'drafts', 'sent']);
    const again = await reconcileUsage(quota, { repair: false, systemFolders: FOLDERS });
    expect(again.folderDrifts).toEqual([]);
    expect(again.drifted).toEqual([]);
  });
});
