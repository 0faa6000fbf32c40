import type { Context } from 'aws-lambda';
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxHandler } from '../../functions/mailbox/mailbox-api';
import { ingestMessage } from '@shared/inbound/ingest-message';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { searchMessageIds } from '@shared/search/search-messages';
import { DynamoSearchIndex } from '@shared/store/dynamo-search-index';
import { keys } from '@shared/store/keys';
import { apiEvent } from '@test/support/api-event';
import { mailboxApiDepsOf } from '@test/support/ingest-deps';
import { simpleMail, startLocalWorld, type LocalWorld } from '@test/support/local-world';
import { indexCorpusMail, storeCorpusMail } from '@test/support/search-corpus';
import { compactIndex } from '@shared/search/compaction';
import type { SearchIndexStore } from '@shared/search/search-index-store';

/**
 * GET /mailboxes/me/search against DynamoDB Local: words from every field, each filter, paging
 * across the index's runs and its recent set, tenant isolation, and purged mail.
 */
const SEARCH = 'GET /mailboxes/me/search';
const context = { awsRequestId: 'test' } as Context;
const SLOW_TEST_MS = 240_000;

let world: LocalWorld;
let deps: ReturnType<typeof mailboxApiDepsOf>;
let api: ReturnType<typeof createMailboxHandler>;

beforeAll(async () => {
  world = await startLocalWorld();
  deps = mailboxApiDepsOf(world);
  api = createMailboxHandler(deps);
  await world.addTenant('demo', ['demo.test']);
  await world.addTenant('other', ['elsewhere.test']);
  await world.addMailbox('alice@demo.test', 'demo');
  await world.addMailbox('bob@elsewhere.test', 'other');
});

afterAll(async () => {
  await world?.stop();
});

async function call(
  routeKey: string,
  caller: { address: string; tenantId: string },
  query: Record<string, string> = {},
  pathParameters?: Record<string, string>,
) {
  const result = await api(
    apiEvent({ routeKey, caller, query, ...(pathParameters && { pathParameters }) }),
    context,
  );
  return { status: result.statusCode, json: JSON.parse(result.body ?? 'null') };
}

const alice = { address: 'alice@demo.test', tenantId: 'demo' };
const bob = { address: 'bob@elsewhere.test', tenantId: 'other' };

async function searchIds(query: Record<string, string>, caller = alice): Promise<string[]> {
  const page = await call(SEARCH, caller, query);
  expect(page.status).toBe(200);
  return page.json.items.map((item: { id: string }) => item.id);
}

async function deliver(
  raw: string,
  to: string,
  receivedAt: Date,
  verdicts?: Record<string, string>,
): Promise<string> {
  const notification = await world.receive(raw, {
    recipients: [to],
    receivedAt,
    ...(verdicts && { verdicts }),
  });
  expect(await ingestMessage(notification, deps)).toMatchObject([{ outcome: 'indexed' }]);
  return deriveMessageId(notification.mail.messageId, to);
}

/** A message with a CC and an attached PDF whose name is a word of its own. */
function mailWithAttachment(): string {
  return [
    'From: Carol Partner <carol@partner.example>',
    'To: Alice Example <alice@demo.test>',
    'Cc: Dr Hortensia Blake <hblake@clinic.example>',
    'Subject: Zanzibar rota',
    'Message-ID: <rota-1@partner.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please find the quixotic plan attached. Ça va très bien.',
    '--b1',
    'Content-Type: application/pdf; name="wardround-rota.pdf"',
    'Content-Disposition: attachment; filename="wardround-rota.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK',
    '--b1--',
    '',
  ].join('\r\n');
}

describe('search through ingest', () => {
  let rota: string;
  let plain: string;
  let junk: string;

  beforeAll(async () => {
    rota = await deliver(mailWithAttachment(), alice.address, new Date('2026-11-10T09:00:00Z'));
    plain = await deliver(
      simpleMail('Ward 7 handover', 'Bed 4 is ready; filterword.'),
      alice.address,
      new Date('2026-11-12T09:00:00Z'),
    );
    junk = await deliver(
      simpleMail('Cheap pills', 'filterword offers'),
      alice.address,
      new Date('2026-11-14T09:00:00Z'),
      { spam: 'FAIL' },
    );
    await deliver(
      simpleMail('Confidential', 'secretword for bob only'),
      bob.address,
      new Date('2026-11-14T10:00:00Z'),
    );
  });

  it('finds a word of the subject, the body, the sender, a recipient and an attachment name', async () => {
    expect(await searchIds({ q: 'zanzibar' })).toEqual([rota]);
    expect(await searchIds({ q: 'quixotic' })).toEqual([rota]);
    expect(await searchIds({ q: 'TRES' })).toEqual([rota]); // case and accents ignored
    expect(await searchIds({ q: 'hortensia' })).toEqual([rota]);
    expect(await searchIds({ q: 'wardround' })).toEqual([rota]);
    expect(await searchIds({ q: 'carol', limit: '10' })).toEqual([junk, plain, rota]);
  });

  it('needs every word to match', async () => {
    expect(await searchIds({ q: 'zanzibar handover' })).toEqual([]);
    expect(await searchIds({ q: 'ward handover' })).toEqual([plain]);
  });

  it('filters by sender and recipient address or domain', async () => {
    expect(await searchIds({ from: 'carol@partner.example', q: 'quixotic' })).toEqual([rota]);
    expect(await searchIds({ from: 'partner.example', q: 'filterword' })).toEqual([junk, plain]);
    expect(await searchIds({ from: 'nobody@partner.example', q: 'filterword' })).toEqual([]);
    expect(await searchIds({ to: 'hblake@clinic.example' })).toEqual([rota]);
    expect(await searchIds({ to: 'clinic.example' })).toEqual([rota]);
  });

  it('filters by folder, attachment and date range', async () => {
    expect(await searchIds({ q: 'filterword', folder: 'junk' })).toEqual([junk]);
    expect(await searchIds({ q: 'filterword', folder: 'inbox' })).toEqual([plain]);
    expect(await searchIds({ q: 'carol', hasAttachment: 'true' })).toEqual([rota]);
    expect(await searchIds({ q: 'carol', hasAttachment: 'false' })).toEqual([junk, plain]);
    expect(await searchIds({ q: 'carol', after: '2026-11-11', before: '2026-11-13' })).toEqual([
      plain,
    ]);
    expect(await searchIds({ q: 'carol', before: '2026-11-12T09:00:00Z' })).toEqual([rota]);
    expect(await searchIds({ q: 'carol', after: '2026-11-14T09:00:00Z' })).toEqual([junk]);
  });

  it('filters on flags as the message holds them now, with no index change', async () => {
    // What a PATCH of seen / flagged does to the message item (issue 11, organise).
    await world.documents.send(
      new UpdateCommand({
        TableName: world.names.table,
        Key: keys.message(alice.address, plain),
        UpdateExpression: 'SET unread = :false, flagged = :true',
        ExpressionAttributeValues: { ':false': false, ':true': true },
      }),
    );
    expect(await searchIds({ q: 'carol', unread: 'false' })).toEqual([plain]);
    expect(await searchIds({ q: 'carol', unread: 'true' })).toEqual([junk, rota]);
    expect(await searchIds({ q: 'carol', flagged: 'true' })).toEqual([plain]);
    expect(await searchIds({ q: 'carol', flagged: 'false' })).toEqual([junk, rota]);
  });

  it("never finds another user's mail", async () => {
    expect(await searchIds({ q: 'secretword' })).toEqual([]);
    expect(await searchIds({ q: 'secretword' }, bob)).toHaveLength(1);
    expect(await searchIds({ q: 'zanzibar' }, bob)).toEqual([]);
  });

  it('answers each hit with the list fields and a snippet', async () => {
    const page = await call(SEARCH, alice, { q: 'quixotic' });
    expect(page.json.items[0]).toMatchObject({
      id: rota,
      subject: 'Zanzibar rota',
      folder: 'inbox',
      hasAttachments: true,
      snippet: expect.stringContaining('quixotic plan'),
    });
    expect(page.json.nextCursor).toBeNull();
  });

  it('refuses searches it cannot answer, with stable codes', async () => {
    expect((await call(SEARCH, alice, { q: '?!' })).json.code).toBe('SearchTermsRequired');
    expect((await call(SEARCH, alice, {})).json.code).toBe('SearchTermsRequired');
    const nine = 'one two three four five six seven eight nine';
    expect((await call(SEARCH, alice, { q: nine })).json.code).toBe('TooManySearchTerms');
    const long = await call(SEARCH, alice, { q: 'a'.repeat(501) });
    expect(long).toMatchObject({ status: 400, json: { code: 'SearchQueryTooLong' } });
    const flag = await call(SEARCH, alice, { q: 'carol', unread: 'yes' });
    expect(flag).toMatchObject({ status: 400, json: { code: 'InputValidationError' } });
    const first = await call(SEARCH, alice, { q: 'carol', limit: '1' });
    const other = await call(SEARCH, alice, { q: 'filterword', cursor: first.json.nextCursor });
    expect(other).toMatchObject({ status: 400, json: { code: 'InvalidCursor' } });
  });

  it('writes the term set on a redelivery when the first delivery stopped before it', async () => {
    const notification = await world.receive(simpleMail('Orchid', 'stoppedword here'), {
      recipients: [alice.address],
    });
    await ingestMessage(notification, deps);
    const id = deriveMessageId(notification.mail.messageId, alice.address);
    const message = await world.store.getMessage(alice.address, id);
    const searchKey = (message as unknown as { searchKey: string }).searchKey;
    // The function stopped between the message's transaction and its term set.
    await world.documents.send(
      new DeleteCommand({
        TableName: world.names.table,
        Key: keys.searchTerms(alice.address, searchKey),
      }),
    );
    expect(await searchIds({ q: 'stoppedword' })).toEqual([]);

    expect(await ingestMessage(notification, deps)).toMatchObject([{ outcome: 'duplicate' }]);
    expect(await searchIds({ q: 'stoppedword' })).toEqual([id]);
  });

  it('no longer finds a message deleted for good, and its term set is gone', async () => {
    expect(await searchIds({ q: 'zanzibar' })).toEqual([rota]);
    // Deleting for good (DELETE moves to Deleted Items; the purge of recoverable items ends here).
    expect(await deps.purge(alice.address, rota)).toBe(true);
    expect(await searchIds({ q: 'zanzibar' })).toEqual([]);
    const { Items } = await world.documents.send(
      new QueryCommand({
        TableName: world.names.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :terms)',
        FilterExpression: 'id = :id',
        ExpressionAttributeValues: {
          ':pk': `MBX#${alice.address}`,
          ':terms': 'SRCH#T#',
          ':id': rota,
        },
      }),
    );
    expect(Items).toEqual([]);
  });
});

describe('search across the compacted index', () => {
  const many = { address: 'many@demo.test', tenantId: 'demo' };
  /** Enough for level-1 runs to merge into a level-2 run, with some left in the recent set. */
  const MESSAGES = 300;
  const expected: { id: string; timeline: string }[] = [];
  let rareId: string;

  beforeAll(async () => {
    const mailbox = await world.addMailbox(many.address, many.tenantId);
    const index = new DynamoSearchIndex(world.documents, world.names.table);
    const start = Date.parse('2026-06-01T00:00:00Z');
    for (let i = 0; i < MESSAGES; i++) {
      // Every seventh message arrives late: the index's runs overlap in time.
      const received = new Date(start + i * 600_000 - (i % 7 === 0 ? 3 * 3600_000 : 0));
      const id = await indexCorpusMail(
        world.store,
        index,
        mailbox,
        {
          subject: `Report ${i}`,
          from: { address: `sender${i % 5}@partner.example` },
          to: [{ address: many.address }],
          text: `common words for every message; ${i === 42 ? 'needleword' : 'hay'}`,
          receivedAt: received,
        },
        new Date(start + i * 600_000),
      );
      if (i === 42) rareId = id;
      expected.push({ id, timeline: `${received.toISOString()}#${id}` });
    }
    expected.sort((a, b) => (a.timeline < b.timeline ? 1 : -1));
  }, SLOW_TEST_MS);

  it('has compacted the mailbox into runs of more than one level', async () => {
    const state = await new DynamoSearchIndex(world.documents, world.names.table).readState(
      many.address,
    );
    const levels = new Set(state.runs.map((run) => run.level));
    expect(levels).toEqual(new Set([1, 2]));
  });

  it('matches several words that share a shard of a run', async () => {
    const first = expected.slice(0, 10).map((entry) => entry.id);
    expect(await searchIds({ q: 'common every', limit: '10' }, many)).toEqual(first);
  });

  it('finds a word of one message among all of them', async () => {
    expect(await searchIds({ q: 'needleword' }, many)).toEqual([rareId]);
  });

  it(
    'pages through every hit newest first, without duplicates or gaps',
    async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(SEARCH, many, {
          q: 'common',
          limit: '23',
          ...(cursor && { cursor }),
        });
        expect(page.status).toBe(200);
        seen.push(...page.json.items.map((item: { id: string }) => item.id));
        cursor = page.json.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected.map((entry) => entry.id));
    },
    SLOW_TEST_MS,
  );

  it('gives a bulk action the ids of the whole result, up to a bound', async () => {
    const index = new DynamoSearchIndex(world.documents, world.names.table);
    const mailbox = (await world.store.getMailbox(many.address))!;
    const all = await searchMessageIds(index, mailbox, { q: 'common' }, 1000);
    expect(all).toEqual({ ids: expected.map((entry) => entry.id), complete: true });
    const some = await searchMessageIds(index, mailbox, { q: 'common' }, 50);
    expect(some).toEqual({ ids: expected.slice(0, 50).map((entry) => entry.id), complete: false });
  });

  it('no longer finds a purged message that a run holds', async () => {
    expect(await deps.purge(many.address, rareId)).toBe(true);
    expect(await searchIds({ q: 'needleword' }, many)).toEqual([]);
  });
});

describe('a term set written late', () => {
  const T0 = Date.parse('2026-07-01T00:00:00Z');
  const at = (ms: number) => new Date(T0 + ms);
  const mail = (address: string, word: string, i: number) => ({
    subject: `Note ${i}`,
    from: { address: 'writer@partner.example' },
    to: [{ address }],
    text: `shared text; ${word}`,
    receivedAt: at(i * 1000),
  });

  /** Every message indexed in `address` (the word all of them share), as the index finds them. */
  async function findAll(address: string, word: string) {
    const index = new DynamoSearchIndex(world.documents, world.names.table);
    const mailbox = (await world.store.getMailbox(address))!;
    const shared = await searchMessageIds(index, mailbox, { q: 'shared' }, 1000);
    const rare = await searchMessageIds(index, mailbox, { q: word }, 1000);
    return { shared: shared.ids, rare: rare.ids };
  }

  it('is found although a compaction cut past its key before it was written', async () => {
    const address = 'slow@demo.test';
    const mailbox = await world.addMailbox(address, 'demo');
    const index = new DynamoSearchIndex(world.documents, world.names.table);
    // Its message is indexed first; its writer then stalls before the term set.
    const late = await storeCorpusMail(
      world.store,
      index,
      mailbox,
      mail(address, 'tardy', 0),
      at(0),
    );
    const ids = [late.id];
    for (let i = 1; i <= 40; i++) {
      ids.push(
        await indexCorpusMail(world.store, index, mailbox, mail(address, 'hay', i), at(i * 60_000)),
      );
    }
    expect((await index.readState(address)).runs.length).toBeGreaterThan(0);
    await late.writeTerms(at(60 * 60_000));
    const found = await findAll(address, 'tardy');
    expect(found.rare).toEqual([late.id]);
    expect(found.shared.sort()).toEqual([...ids].sort());
  });

  it('is moved on a redelivery, when a run may hold it, and then found once', async () => {
    const address = 'again@demo.test';
    const mailbox = await world.addMailbox(address, 'demo');
    const index = new DynamoSearchIndex(world.documents, world.names.table);
    const first = await storeCorpusMail(
      world.store,
      index,
      mailbox,
      mail(address, 'twice', 0),
      at(0),
    );
    await first.writeTerms(at(0));
    const ids = [first.id];
    for (let i = 1; i <= 40; i++) {
      ids.push(
        await indexCorpusMail(world.store, index, mailbox, mail(address, 'hay', i), at(i * 60_000)),
      );
    }
    const keyOf = async () => {
      const item = await world.store.getMessage(address, first.id);
      return (item as unknown as { searchKey: string }).searchKey;
    };
    const before = await keyOf();
    expect(before < (await index.readState(address)).pendingFrom).toBe(true);
    await first.redeliver(at(60 * 60_000));
    expect(await keyOf()).not.toBe(before);
    const found = await findAll(address, 'twice');
    expect(found.rare).toEqual([first.id]);
    expect(found.shared.sort()).toEqual([...ids].sort());
  });

  it('is found when it lands while a compaction reads the recent set', async () => {
    const address = 'race@demo.test';
    const mailbox = await world.addMailbox(address, 'demo');
    const plain = new DynamoSearchIndex(world.documents, world.names.table);
    const late = await storeCorpusMail(
      world.store,
      plain,
      mailbox,
      mail(address, 'tardy', 0),
      at(0),
    );
    const ids = [late.id];
    // 32 term sets, none old enough to compact yet: the next compaction cuts past the late one.
    for (let i = 1; i <= 32; i++) {
      ids.push(
        await indexCorpusMail(world.store, plain, mailbox, mail(address, 'hay', i), at(i * 1000)),
      );
    }
    expect((await plain.readState(address)).runs).toEqual([]);
    // The compaction reads the recent set; the slow writer's term set lands right after.
    let landed = false;
    const racing: SearchIndexStore = Object.assign(Object.create(plain) as SearchIndexStore, {
      termSets: async (...args: Parameters<SearchIndexStore['termSets']>) => {
        const read = await plain.termSets(...args);
        if (!landed) {
          landed = true;
          await late.writeTerms(at(60 * 60_000));
        }
        return read;
      },
    });
    await compactIndex(racing, address, at(60 * 60_000));
    expect(landed).toBe(true);
    expect((await plain.readState(address)).runs.length).toBeGreaterThan(0);
    const found = await findAll(address, 'tardy');
    expect(found.rare).toEqual([late.id]);
    expect(found.shared.sort()).toEqual([...ids].sort());
  });
});
