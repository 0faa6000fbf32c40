import type { LinkPage } from '@shared/share/open-link';
import { documentOf, html, humanSize, type Html } from './html';

const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The message a refused download shows above the form. */
export type PageNotice =
  'password-refused' | 'password-required' | 'too-many-attempts' | 'reported';

const NOTICES: Record<PageNotice, string> = {
  'password-refused': 'The password is not right.',
  'password-required': 'This file needs a password.',
  'too-many-attempts': 'Too many attempts. Try again later.',
  reported: 'Thank you. The organisation that sent this file has been told.',
};

/** What the page says of the scan: "no threats found" only of a file scanned clean. */
const SCAN_TEXT: Record<LinkPage['scanState'], string> = {
  clean: 'Scanned: no threats found',
  unscannable: 'Not fully scanned: the scanner could not check this file; open it with care',
};

/** GET /s/{token}: the file, who sent it, its scan, the link's limits, and one button. */
export function sharePage(token: string, page: LinkPage, notice?: PageNotice): string {
  const { sender } = page;
  const action = `/s/${token}`;
  const body: Html = html`<h1>A file has been shared with you</h1>
    <dl class="facts">
      <dt>File</dt>
      <dd id="file-name">${page.fileName}</dd>
      <dt>Size</dt>
      <dd id="file-size">${humanSize(page.size)}</dd>
      <dt>From</dt>
      <dd id="sender">
        <span id="sender-name">${sender.name}</span> &lt;${sender.address}&gt;,
        <span id="sender-organisation">${sender.organisation}</span>
      </dd>
      <dt>Checked</dt>
      <dd id="scan">${SCAN_TEXT[page.scanState]}</dd>
      <dt>Link expires</dt>
      <dd id="expires"><time datetime="${page.expiresAt}">${dateTime(page.expiresAt)}</time></dd>
      <dt>Downloads left</dt>
      <dd id="downloads-left">${page.downloadsLeft}</dd>
    </dl>
    ${notice ? html`<p class="notice" id="notice" role="alert">${NOTICES[notice]}</p>` : ''}
    <form method="post" action="${action}/download" class="download">
      ${
        page.needsPassword
          ? html`<label for="password">Password</label>
              <input
                type="password"
                id="password"
                name="password"
                required
                autocomplete="off"
                maxlength="200"
              />`
          : ''
      }
      <button type="submit" id="download">Download</button>
    </form>
    <details class="report">
      <summary>Report this file</summary>
      <form method="post" action="${action}/report">
        <label for="reason">What is wrong with it?</label>
        <textarea id="reason" name="reason" maxlength="1000" required></textarea>
        <button type="submit" id="report">Send report</button>
      </form>
    </details>`;
  return documentOf(`${page.fileName}: shared file`, body);
}

/**
 * The one answer for a link that does not open (unknown, expired, revoked, exhausted, not
 * clean, taken down): the same bytes every time, so it tells nothing about the token.
 */
export const GONE_PAGE = documentOf(
  'Link not available',
  html`<h1>This link is not available</h1>
    <p id="gone">
      It may have expired, reached its download limit or been withdrawn. Ask the sender for a new
      link.
    </p>`,
);

/** A thank-you for a report: it says nothing about whether the link was known. */
export const REPORTED_PAGE = documentOf(
  'Report received',
  html`<h1>Thank you</h1>
    <p id="reported">Your report has been received.</p>`,
);

export const BAD_REQUEST_PAGE = documentOf(
  'Request not valid',
  html`<h1>That request was not valid</h1>
    <p>Go back and try again.</p>`,
);

export const TOO_MANY_REPORTS_PAGE = documentOf(
  'Too many reports',
  html`<h1>Too many reports</h1>
    <p>Reports from your address are limited. Try again later.</p>`,
);
