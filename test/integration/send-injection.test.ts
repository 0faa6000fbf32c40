import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import type { MessageRecord } from '@shared/mailbox/model';
import { apiEvent } from '@test/support/api-event';
import { useDemoMailboxWorld, type DemoMailboxWorld } from '@test/support/demo-mailbox-world';
import { outboxMessages, sendApiOf, sendDepsOf } from '@test/support/send-deps';

const ALICE = { address: 'alice@demo.test', tenantId: 'demo' };
const EVIL = 'evil@attacker.example';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Header-injection payloads: each may be refused (400) or sent as inert text, never obeyed. */
const PAYLOADS = [
  `x\r\nBcc: ${EVIL}`,
  `x\nX-Injected: 1`,
  `x\rX-Injected: 1`,
  'x\0y',
  `=?utf-8?q?x=0D=0ABcc:_${EVIL}?=`,
  `=?utf-8?b?${b64(`x\r\nX-Injected: 1`)}?=`,
  `"${EVIL}" <carol@partner.example>, ${EVIL}`,
  `carol@partner.example; ${EVIL}`,
  `carol@partner.example, ${EVIL}`,
  // A quoted name that smuggles an address and a comma; the mailbox itself is carol's.
  `"quoted \\" ${EVIL}, name" <carol@partner.example>`,
  `x${'y'.repeat(999)}`,
  `Group: ${EVIL}, carol@partner.example;`,
];

/** Builds a request with `payload` in one field; the rest a plain valid message. */
const FIELDS: Record<string, (payload: string) => Record<string, unknown>> = {
  to: (p) => ({ to: [p] }),
  'to.name': (p) => ({ to: [{ address: 'carol@partner.example', name: p }] }),
  cc: (p) => ({ to: ['carol@partner.example'], cc: [p] }),
  bcc: (p) => ({ to: ['carol@partner.example'], bcc: [p] }),
  subject: (p) => ({ to: ['carol@partner.example', 'bob@demo.test'], subject: p }),
  'header value': (p) => ({ to: ['carol@partner.example'], headers: { Keywords: p } }),
  'header name': (p) => ({ to: ['carol@partner.example'], headers: { [p]: 'v' } }),
  text: (p) => ({ to: ['carol@partner.example'], text: p }),
};

/** Header values that carry a CR, LF or NUL, as is or in an encoded word: always 400. */
const LINE_BREAKING = PAYLOADS.slice(0, 6);
/** Values that name more than one mailbox (or a group): 400 in an address field. */
const ADDRESS_LISTS = PAYLOADS.filter((p) => /[,;]/.test(p) && !p.startsWith('"quoted'));
const HEADER_FIELDS = ['to', 'to.name', 'cc', 'bcc', 'subject', 'header value'];
const ADDRESS_FIELDS = ['to', 'cc', 'bcc'];

const ALLOWED_RECIPIENTS = new Set(['carol@partner.example', 'bob@demo.test']);
const FORBIDDEN_HEADERS = ['x-injected'];

let world: DemoMailboxWorld;
useDemoMailboxWorld((started) => (world = started));
let deps: ReturnType<typeof sendDepsOf>;
let api: ReturnType<typeof sendApiOf>;

beforeAll(async () => {
  // Hundreds of sends in a minute: the rate limit is not what this file tests.
  const commodity = { ...DEFAULT_TIERS.commodity, messagesPerMinute: 100_000 };
  deps = sendDepsOf(world.world, { ...DEFAULT_TIERS, commodity });
  api = sendApiOf(deps);
  await world.world.addMailbox('bob@demo.test', 'demo');
});

async function send(body: unknown) {
  const event = apiEvent({ routeKey: 'POST /mailboxes/me/send', caller: ALICE, body });
  const result = await api(event, {} as Context);
  return {
    status: result.statusCode,
    body: JSON.parse(String(result.body)) as Record<string, unknown>,
  };
}

async function headerNames(
  eml: Uint8Array,
): Promise<{ names: string[]; parsed: Awaited<ReturnType<typeof PostalMime.parse>> }> {
  const parsed = await PostalMime.parse(eml);
  return { names: parsed.headers.map((h) => h.key.toLowerCase()), parsed };
}

describe('no header or recipient can be injected into sent mail', () => {
  for (const [field, build] of Object.entries(FIELDS)) {
    it(`${field}: every payload is refused with 400 or leaves as inert text`, async () => {
      for (const payload of PAYLOADS) {
        const before = new Set(outboxMessages(deps.outboxDir).map((m) => m.name));
        const answer = await send({ subject: 's', text: 't', ...build(payload) });
        if (answer.status === 400) {
          expect(outboxMessages(deps.outboxDir, before)).toEqual([]);
          continue;
        }
        expect(answer.status, `${field}: ${JSON.stringify(payload)}`).toBe(202);
        const left = outboxMessages(deps.outboxDir, before);
        expect(left).toHaveLength(1);
        const [{ envelopeTo, eml }] = left as [(typeof left)[number]];
        for (const to of envelopeTo) expect(ALLOWED_RECIPIENTS.has(to), to).toBe(true);
        const { names, parsed } = await headerNames(eml);
        for (const name of FORBIDDEN_HEADERS) expect(names).not.toContain(name);
        expect(names.filter((n) => n === 'bcc')).toEqual([]);
        const named = [...(parsed.to ?? []), ...(parsed.cc ?? []), ...(parsed.replyTo ?? [])];
        for (const a of named)
          expect(ALLOWED_RECIPIENTS.has(a.address ?? ''), a.address).toBe(true);
        expect(parsed.from?.address).toBe('alice@demo.test');
      }
    });
  }

  it('refuses CR, LF and NUL in every header field with 400 HeaderInjection', async () => {
    for (const field of HEADER_FIELDS) {
      for (const payload of LINE_BREAKING) {
        const answer = await send({ subject: 's', text: 't', ...FIELDS[field]!(payload) });
        expect([answer.status, answer.body.code], `${field}: ${JSON.stringify(payload)}`).toEqual([
          400,
          'HeaderInjection',
        ]);
      }
    }
  });

  it('refuses anything but one mailbox in an address field with 400 InvalidAddress', async () => {
    for (const field of ADDRESS_FIELDS) {
      for (const payload of ADDRESS_LISTS) {
        const answer = await send({ subject: 's', text: 't', ...FIELDS[field]!(payload) });
        expect([answer.status, answer.body.code], `${field}: ${payload}`).toEqual([
          400,
          'InvalidAddress',
        ]);
      }
    }
  });

  it("a hosted recipient's copy, read back from its raw message, has no extra header", async () => {
    const answer = await send({
      to: ['bob@demo.test'],
      subject: `=?utf-8?q?hello_world?= ${'z'.repeat(1000)}`,
      text: 'body',
    });
    expect(answer.status).toBe(202);
    const copy = (await world.deps.store.getMessage(
      'alice@demo.test',
      String(answer.body.id),
    )) as MessageRecord;
    const raw = await world.deps.blobs.get(copy.raw.bucket, copy.raw.key);
    const { names } = await headerNames(raw);
    expect(
      names.filter(
        (n) =>
          ![
            'from',
            'to',
            'subject',
            'message-id',
            'date',
            'mime-version',
            'content-type',
            'content-transfer-encoding',
          ].includes(n),
      ),
    ).toEqual([]);
  });

  it('strips X-SES-* and refuses headers off the allow-list', async () => {
    const before = new Set(outboxMessages(deps.outboxDir).map((m) => m.name));
    const ok = await send({
      to: ['carol@partner.example'],
      headers: { 'X-SES-CONFIGURATION-SET': 'other', 'X-Clinical-Reference': 'ABC-1' },
    });
    expect(ok.status).toBe(202);
    const [sent] = outboxMessages(deps.outboxDir, before);
    const { names } = await headerNames(sent!.eml);
    expect(names).toContain('x-clinical-reference');
    expect(names.some((n) => n.startsWith('x-ses-'))).toBe(false);
    const refused = await send({ to: ['carol@partner.example'], headers: { 'Reply-To': EVIL } });
    expect(refused).toMatchObject({ status: 400, body: { code: 'HeaderNotAllowed' } });
  });
});
