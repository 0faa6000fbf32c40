import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { placeMessageParts } from '@shared/inbound/store-parts';
import {
  assertItemFits,
  DYNAMODB_ITEM_BYTES,
  itemBytes,
  ItemTooLargeError,
  STRING_BYTE_LIMITS,
} from '@shared/inbound/item-bounds';
import type { MessageRecord } from '@shared/mailbox/model';
import { sanitiseDisplayName } from '@shared/mime/display-name';
import { htmlToSnippetText } from '@shared/mime/html-text';
import { parseMessage } from '@shared/mime/parse-message';
import { truncateUtf8 } from '@shared/mime/truncate-utf8';
import { MAX_FINDING_DETAIL_BYTES, recordedReport } from '@shared/scan/verdict';
import {
  InflateBudget,
  UnscannableArchiveError,
  ZIP_LIMITS,
  zipEntries,
} from '@shared/scan/zip-entries';
import { longDisplayNamesMail, nestedZipBomb } from '@test/support/hostile-mail';

/**
 * Hostile input of each kind completes and stays bounded. No timing assertion: the quadratic
 * versions these replace ran for minutes on the same input (the suite's timeout fails them);
 * figures are in `npm run bench:hostile`.
 */
describe('text that sees mail is scanned in linear time', () => {
  it('shows the visible text of HTML: no tags, scripts or styles, common entities decoded', () => {
    const html =
      '<html><head><title>t</title><style>p{}</style></head><body><p>Dear&nbsp;Alice,</p>' +
      '<script>alert(1)</script><p>results &amp; notes &lt;attached&gt;</p></body></html>';

    expect(htmlToSnippetText(html, 200)).toBe('Dear Alice, results & notes <attached>');
  });

  it.each([
    ['400 KB of `<`', '<'.repeat(400 * 1024), '<'.repeat(200)],
    ['400 KB of `&`', '&'.repeat(400 * 1024), '&'.repeat(200)],
    ['100,000 unclosed <script> tags', '<script>'.repeat(100_000), ''],
    ['100,000 tags without text', '<b>'.repeat(100_000), ''],
  ])('takes a snippet of %s', (_name, html, snippet) => {
    expect(htmlToSnippetText(html, 200)).toBe(snippet);
  });

  it('trims an attachment name of 200,000 dots and one letter', () => {
    expect(sanitiseDisplayName(`a${'.'.repeat(200_000)}b`, 'fallback')).toHaveLength(180);
    expect(sanitiseDisplayName(`${'. '.repeat(100_000)}x`, 'fallback')).toBe('x');
  });
});

describe('strings are bounded in bytes', () => {
  it('never cuts a character in two', () => {
    expect(truncateUtf8('é'.repeat(10), 5)).toBe('éé');
    expect(truncateUtf8('😀😀', 7)).toBe('😀');
    expect(truncateUtf8('short', 100)).toBe('short');
  });

  it('keeps a finding detail that quotes a 64 KB entry name within its bound', () => {
    const report = recordedReport({
      verdict: 'blocked',
      findings: [
        {
          source: 'policy',
          verdict: 'blocked',
          check: 'blocked-extension',
          detail: 'é'.repeat(65_000),
        },
      ],
    });

    expect(Buffer.byteLength(report.findings[0]!.detail)).toBeLessThanOrEqual(
      MAX_FINDING_DETAIL_BYTES,
    );
  });

  it('places a 605 KB header of display names on an item of a few KB, the rest beside it', async () => {
    const mail = await parseMessage(longDisplayNamesMail());
    const stored = new Map<string, string>();
    const blobs = {
      get: () => Promise.reject(new Error('not read here')),
      put: (_bucket: string, key: string, body: string | Uint8Array) => {
        stored.set(key, String(body));
        return Promise.resolve();
      },
      delete: () => Promise.reject(new Error('not deleted here')),
    };

    const item = await placeMessageParts(mail, [], 'ses-1', { blobs, attachmentsBucket: 'b' });

    expect(itemBytes(item)).toBeLessThan(64 * 1024);
    expect(Buffer.byteLength(item.from?.name ?? '')).toBeLessThanOrEqual(
      STRING_BYTE_LIMITS.displayName,
    );
    const moved = JSON.parse(stored.get(item.bodyKey ?? '') ?? '{}');
    expect(moved.from.name).toHaveLength(200_000);
    expect(moved.to).toHaveLength(101);
  });
});

describe('the final item check', () => {
  it("refuses, with its size, an item that would pass DynamoDB's 400 KB", () => {
    const record = { id: 'm1', snippet: 'x'.repeat(DYNAMODB_ITEM_BYTES) } as MessageRecord;

    expect(() => assertItemFits(record)).toThrow(ItemTooLargeError);
    expect(() => assertItemFits({ ...record, snippet: 'short' })).not.toThrow();
  });
});

describe('archives share one inflate budget', () => {
  it('stops a 2 KB zip of zips that inflates to 360 MB at the budget, not at the end', () => {
    const budget = new InflateBudget();

    let error: unknown;
    try {
      for (const entry of zipEntries(nestedZipBomb(), budget)) void entry;
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(UnscannableArchiveError);
    expect((error as Error).message).toMatch(/inflates past/);
    // Every byte is charged before it is allocated: never past the budget.
    expect(budget.bytes).toBeLessThanOrEqual(ZIP_LIMITS.maxTotalBytes);
  });

  it('counts every archive of a message against the same budget', () => {
    const MB = 1024 * 1024;
    const sixtyMegabytes = zipSync({
      'forty.bin': new Uint8Array(40 * MB),
      'twenty.bin': new Uint8Array(20 * MB),
    });
    const budget = new InflateBudget();
    for (const entry of zipEntries(sixtyMegabytes, budget)) void entry;

    expect(() => {
      for (const entry of zipEntries(sixtyMegabytes, budget)) void entry;
    }).toThrow(/inflates past/);
  });

  it('refuses an entry that inflates past the size its archive declares', () => {
    const zip = zipSync({ 'small.txt': new Uint8Array(10 * 1024 * 1024) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    // The central directory claims 10 bytes; the data inflates to 10 MB.
    const central = Buffer.from(zip).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    view.setUint32(central + 24, 10, true);
    const budget = new InflateBudget();

    expect(() => [...zipEntries(zip, budget)]).toThrow(/inflates past its declared size/);
    expect(budget.bytes).toBeLessThanOrEqual(10);
  });

  it('still lists the entries of an ordinary archive, nested ones by path', () => {
    const inner = zipSync({ 'b.txt': new TextEncoder().encode('bee') });
    const outer = zipSync({ 'a.txt': new TextEncoder().encode('ay'), 'in.zip': inner });

    const names = [...zipEntries(outer)].map((entry) => entry.name);

    expect(names).toEqual(['a.txt', 'in.zip', 'in.zip/b.txt']);
  });
});
