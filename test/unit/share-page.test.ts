import { describe, expect, it } from 'vitest';
import type { LinkPage } from '@shared/share/open-link';
import { escapeHtml, humanSize } from '../../functions/share-public/html';
import { contentSecurityPolicy } from '../../functions/share-public/page-headers';
import { requestPage } from '../../functions/share-public/request-page';
import { sharePage } from '../../functions/share-public/share-page';

const HOSTILE = `"><img src=x onerror=alert(1)><script>alert(2)</script>'`;

const page: LinkPage = {
  fileName: HOSTILE,
  size: 1_234_567,
  contentType: 'application/pdf',
  sender: { name: HOSTILE, address: 'alice@demo.test', organisation: HOSTILE },
  expiresAt: '2026-12-09T10:00:00.000Z',
  downloadsLeft: 3,
  needsPassword: true,
  scanState: 'clean',
  bucket: 'sesame-shares',
};

describe('the public pages', () => {
  it('escape every value they show, so a file or sender name cannot become markup', () => {
    for (const html of [
      sharePage('A'.repeat(43), page, 'password-refused'),
      requestPage({
        sender: page.sender,
        note: HOSTILE,
        expiresAt: page.expiresAt,
        filesLeft: 2,
        maxFileBytes: 2e9,
      }),
    ]) {
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<script>alert');
      expect(html).toContain(escapeHtml(HOSTILE));
      // No inline script, style or event handler for the CSP to allow.
      const markup = html.replaceAll(escapeHtml(HOSTILE), '');
      expect(markup).not.toMatch(/<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('say "no threats found" only of a file scanned clean', () => {
    const scanOf = (html: string) => /<dd id="scan">([^<]*)<\/dd>/.exec(html)?.[1]?.trim();
    expect(scanOf(sharePage('A'.repeat(43), page))).toBe('Scanned: no threats found');
    const unscannable = scanOf(sharePage('A'.repeat(43), { ...page, scanState: 'unscannable' }));
    expect(unscannable).not.toContain('no threats');
    expect(unscannable).toMatch(/not fully scanned/i);
  });

  it('show sizes as people read them', () => {
    expect([humanSize(512), humanSize(1_234_567), humanSize(2e9)]).toEqual([
      '512 bytes',
      '1.2 MB',
      '2.0 GB',
    ]);
  });

  it('allow nothing inline in their CSP, and the object store only where named', () => {
    expect(contentSecurityPolicy()).not.toMatch(/unsafe|https?:/);
    expect(contentSecurityPolicy('https://b.s3.eu-west-1.amazonaws.com')).toContain(
      "form-action 'self' https://b.s3.eu-west-1.amazonaws.com",
    );
  });
});
