import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/process-batch';
import { deriveMessageId } from '@shared/mailbox/message-id';
import { toSqsRecord } from '../../infra/local/ses-envelope';
import { fixtureBytes } from '@test/support/fixtures';
import { eicarZipMail, mailWithAttachments } from '@test/support/hostile-mail';
import { ingestDepsOf } from '@test/support/ingest-deps';
import { startLocalWorld, type LocalWorld } from '@test/support/local-world';

/** Enough runs to hit headers, boundaries and encodings; each one is a real S3 + DynamoDB trip. */
const RUNS = 60;

let world: LocalWorld;
let handler: ReturnType<typeof createIngestHandler>;

const seeds = [
  fixtureBytes('eml/discharge-summary.eml'),
  fixtureBytes('eml/odd/nested-rfc822.eml'),
  fixtureBytes('eml/odd/rfc2231-filename.eml'),
  eicarZipMail('Seed zip'),
  mailWithAttachments('Seed', [{ filename: 'a.pdf', content: '%PDF-1.4 tiny' }]),
];

/** Overwrites, inserts and deletes random bytes, the way transport and broken senders do. */
const mutation = fc.record({
  seed: fc.integer({ min: 0, max: seeds.length - 1 }),
  edits: fc.array(
    fc.record({
      kind: fc.constantFrom('overwrite', 'insert', 'delete', 'truncate'),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    { minLength: 1, maxLength: 12 },
  ),
});

type Edit = { kind: string; at: number; bytes: Uint8Array };

function mutate(input: Buffer, edits: Edit[]) {
  let out = Buffer.from(input);
  for (const edit of edits) {
    const at = Math.floor(edit.at * out.length);
    const bytes = Buffer.from(edit.bytes);
    if (edit.kind === 'overwrite') bytes.copy(out, at);
    else if (edit.kind === 'insert')
      out = Buffer.concat([out.subarray(0, at), bytes, out.subarray(at)]);
    else if (edit.kind === 'delete')
      out = Buffer.concat([out.subarray(0, at), out.subarray(at + bytes.length)]);
    else out = out.subarray(0, Math.max(at, 1));
  }
  return out;
}

beforeAll(async () => {
  world = await startLocalWorld();
  handler = createIngestHandler(ingestDepsOf(world));
  await world.addTenant('demo', ['demo.test']);
  await world.addMailbox('alice@demo.test', 'demo');
});

afterAll(async () => {
  await world?.stop();
});

describe('random byte mutations of valid mail', () => {
  it('never make the ingest handler fail or lose the message', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, edits }) => {
        const raw = mutate(seeds[seed]!, edits);
        const notification = await world.receive(raw, { recipients: ['alice@demo.test'] });
        const record = toSqsRecord(notification);

        const response = await handler({ Records: [record] });

        expect(response.batchItemFailures).toEqual([]);
        const id = deriveMessageId(notification.mail.messageId, 'alice@demo.test');
        const stored = await world.store.getMessage('alice@demo.test', id);
        expect(stored).toMatchObject({
          size: raw.byteLength,
          raw: { key: notification.receipt.action.objectKey },
        });
        expect(['inbox', 'junk', 'quarantine']).toContain(stored?.folder);
      }),
      { numRuns: RUNS },
    );
  });
});
