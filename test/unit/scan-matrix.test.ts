import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '@shared/mime/parse-message';
import { resolveAttachmentPolicy, policyViolation } from '@shared/scan/attachment-policy';
import { EICAR } from '@shared/scan/content-checks';
import { ZIP_LIMITS } from '@shared/scan/zip-entries';
import { scanAttachments, scanContent } from '@shared/scan/scan-message';
import { folderFor, MAX_RECORDED_FINDINGS, recordedReport, reportOf } from '@shared/scan/verdict';
import { ScannerUnavailableError, type VirusScanner } from '@shared/scan/virus-scanner';
import { fixtureJson } from '@test/support/fixtures';
import type { SesReceiptNotification } from '@shared/inbound/ses-notification';
import {
  blockedAttachmentMail,
  eicarMail,
  eicarZipMail,
  gtubeMail,
  mailWithAttachments,
} from '@test/support/hostile-mail';
import { simpleMail } from '@test/support/local-world';

const base = fixtureJson<SesReceiptNotification>('ses/s3-action-notification.json');

function notification(
  verdicts: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', string>> = {},
  dmarcPolicy?: string,
): SesReceiptNotification {
  const status = (name: keyof typeof verdicts) => ({ status: verdicts[name] ?? 'PASS' });
  return {
    ...base,
    receipt: {
      ...base.receipt,
      spamVerdict: status('spam'),
      virusVerdict: status('virus'),
      spfVerdict: status('spf'),
      dkimVerdict: status('dkim'),
      dmarcVerdict: status('dmarc'),
      ...(dmarcPolicy && { dmarcPolicy }),
    },
  };
}

async function scan(raw: Buffer, note = notification(), scanner?: VirusScanner) {
  const mail = await parseMessage(raw);
  const findings = [
    ...(await scanContent(note, raw, mail, scanner)),
    ...scanAttachments(mail, resolveAttachmentPolicy()),
  ];
  const report = reportOf(findings);
  return { report, folder: folderFor(report), checks: findings.map((f) => f.check) };
}

const plain = () => Buffer.from(simpleMail('Ward round'));

describe('the scanning matrix: verdict and folder', () => {
  it.each([
    ['all PASS', {}, undefined, 'clean', 'inbox'],
    ['SES spam FAIL', { spam: 'FAIL' }, undefined, 'spam', 'junk'],
    ['SES virus FAIL', { virus: 'FAIL' }, undefined, 'virus', 'quarantine'],
    [
      'SES virus PROCESSING_FAILED',
      { virus: 'PROCESSING_FAILED' },
      undefined,
      'suspicious',
      'quarantine',
    ],
    ['SES spam PROCESSING_FAILED', { spam: 'PROCESSING_FAILED' }, undefined, 'suspicious', 'junk'],
    ['SPF FAIL alone', { spf: 'FAIL' }, undefined, 'suspicious', 'inbox'],
    ['DMARC FAIL, policy reject', { dmarc: 'FAIL' }, 'REJECT', 'spam', 'junk'],
    ['DMARC FAIL, policy quarantine', { dmarc: 'FAIL' }, 'quarantine', 'spam', 'junk'],
    ['DMARC FAIL, policy none', { dmarc: 'FAIL' }, 'none', 'suspicious', 'inbox'],
    [
      'every verdict GRAY (the local listener)',
      { spam: 'GRAY', virus: 'GRAY', spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' },
      undefined,
      'clean',
      'inbox',
    ],
  ] as const)('%s → %s in %s', async (_name, verdicts, policy, verdict, folder) => {
    const result = await scan(plain(), notification(verdicts, policy));

    expect(result.report.verdict).toBe(verdict);
    expect(result.folder).toBe(folder);
  });

  it('EICAR in an attachment is a virus: Quarantine', async () => {
    const result = await scan(eicarMail());

    expect(result).toMatchObject({ report: { verdict: 'virus' }, folder: 'quarantine' });
    expect(result.checks).toContain('eicar');
  });

  it('EICAR inside a zip is a virus: Quarantine', async () => {
    const result = await scan(eicarZipMail());

    expect(result.folder).toBe('quarantine');
    expect(result.report.findings).toContainEqual(
      expect.objectContaining({
        check: 'eicar',
        attachment: 1,
        detail: expect.stringContaining('reports/q3/eicar.txt'),
      }),
    );
  });

  it('EICAR in a zip inside a zip is found too', async () => {
    const inner = zipSync({ 'eicar.txt': Buffer.from(EICAR) });
    const raw = mailWithAttachments('Nested zip', [
      { filename: 'outer.zip', content: zipSync({ 'inner.zip': inner }) },
    ]);

    expect((await scan(raw)).report.verdict).toBe('virus');
  });

  it('GTUBE in the text is spam: Junk', async () => {
    const result = await scan(gtubeMail());

    expect(result).toMatchObject({
      report: { verdict: 'spam' },
      folder: 'junk',
      checks: ['gtube'],
    });
  });

  it('a double extension is blocked: Quarantine', async () => {
    const result = await scan(blockedAttachmentMail('invoice.pdf.exe'));

    expect(result).toMatchObject({ report: { verdict: 'blocked' }, folder: 'quarantine' });
  });

  it('an executable inside a zip is blocked', async () => {
    const raw = mailWithAttachments('Zipped tool', [
      { filename: 'tool.zip', content: zipSync({ 'setup.exe': Buffer.from('MZ') }) },
    ]);

    expect((await scan(raw)).checks).toContain('blocked-extension');
  });

  it('a zip bomb is not inflated and is blocked as unscannable', async () => {
    const files = Object.fromEntries(
      Array.from({ length: ZIP_LIMITS.maxEntries + 1 }, (_, i) => [`f${i}.txt`, new Uint8Array(1)]),
    );
    const raw = mailWithAttachments('Bomb', [{ filename: 'bomb.zip', content: zipSync(files) }]);

    const result = await scan(raw);

    expect(result.checks).toContain('unscannable-archive');
    expect(result.folder).toBe('quarantine');
  });

  it('virus beats spam: a spam with EICAR is quarantined', async () => {
    const result = await scan(eicarMail(), notification({ spam: 'FAIL' }));

    expect(result).toMatchObject({ report: { verdict: 'virus' }, folder: 'quarantine' });
  });

  it('a configured scanner that finds something makes it a virus', async () => {
    const scanner: VirusScanner = {
      name: 'clamav',
      scan: async () => ({ infected: true, signature: 'Win.Test-1' }),
    };

    const result = await scan(plain(), notification(), scanner);

    expect(result.report.findings).toContainEqual(
      expect.objectContaining({ check: 'clamav', detail: 'Win.Test-1' }),
    );
    expect(result.folder).toBe('quarantine');
  });

  it('a configured scanner that cannot answer fails closed: suspicious, Quarantine', async () => {
    const scanner: VirusScanner = {
      name: 'clamav',
      scan: async () => {
        throw new ScannerUnavailableError('connection refused');
      },
    };

    const result = await scan(plain(), notification(), scanner);

    expect(result).toMatchObject({ report: { verdict: 'suspicious' }, folder: 'quarantine' });
  });
});

describe('the attachment policy', () => {
  const policy = resolveAttachmentPolicy();

  it.each([
    ['invoice.pdf.exe', 'application/octet-stream', 'blocked-extension'],
    ['run.js', 'text/javascript', 'blocked-extension'],
    ['report.pdf.html', 'text/html', 'double-extension'],
    ['budget.xlsm', 'application/octet-stream', 'macro-enabled'],
    ['letter.doc', 'application/vnd.ms-word.document.macroEnabled.12', 'macro-enabled'],
    ['program', 'application/x-msdownload', 'blocked-type'],
  ])('%s (%s) is blocked: %s', (name, type, check) => {
    expect(policyViolation(policy, name, type)?.check).toBe(check);
  });

  it.each([
    ['discharge.pdf', 'application/pdf'],
    ['scan.jpeg', 'image/jpeg'],
    ['records.pdf.zip', 'application/zip'],
    ['v1.2.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ])('%s is allowed', (name, type) => {
    expect(policyViolation(policy, name, type)).toBeUndefined();
  });

  it('a tenant can allow macro-enabled files and block another extension', () => {
    const tenant = resolveAttachmentPolicy({
      blockMacroEnabled: false,
      blockedExtensions: ['txt'],
    });

    expect(policyViolation(tenant, 'budget.xlsm', '')).toBeUndefined();
    expect(policyViolation(tenant, 'notes.txt', 'text/plain')?.check).toBe('blocked-extension');
  });

  it('rejects a malformed tenant policy', () => {
    expect(() =>
      resolveAttachmentPolicy({ blockDoubleExtensions: 'yes' as unknown as boolean }),
    ).toThrow();
  });
});

describe('the report kept on a message item', () => {
  it('keeps at most the named number of findings, worst first, with the same verdict and folder', () => {
    const blocked = Array.from({ length: MAX_RECORDED_FINDINGS + 20 }, (_, i) => ({
      source: 'policy' as const,
      verdict: 'blocked' as const,
      check: 'blocked-extension',
      detail: `tool-${i}.exe: .exe files are blocked`,
      attachment: i + 1,
    }));
    const virus = {
      source: 'content' as const,
      verdict: 'virus' as const,
      check: 'eicar',
      detail: 'EICAR',
    };
    const full = reportOf([...blocked, virus]);

    const kept = recordedReport(full);

    expect(kept.findings).toHaveLength(MAX_RECORDED_FINDINGS);
    expect(kept.findings[0]).toEqual(virus);
    expect(kept.omittedFindings).toBe(21);
    expect([kept.verdict, folderFor(kept)]).toEqual([full.verdict, folderFor(full)]);
  });
});
