import type { RequestPage } from '@shared/share/share-requests';
import { documentOf, html, humanSize } from './html';

const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * GET /r/{token}: who asks for files, and a file picker. The upload itself is /assets/upload.js
 * (multipart straight to the object store, resumable); the page holds no inline script.
 */
export function requestPage(page: RequestPage): string {
  const { sender } = page;
  return documentOf(
    `Send files to ${sender.name}`,
    html`<h1>Send files to <span id="requester-name">${sender.name}</span></h1>
      <dl class="facts">
        <dt>For</dt>
        <dd id="requester">
          <span>${sender.name}</span> &lt;${sender.address}&gt;,
          <span id="requester-organisation">${sender.organisation}</span>
        </dd>
        ${
          page.note
            ? html`<dt>Note</dt>
                <dd id="note">${page.note}</dd>`
            : ''
        }
        <dt>Files</dt>
        <dd id="files-left">
          up to ${page.filesLeft} more, each up to ${humanSize(page.maxFileBytes)}
        </dd>
        <dt>Open until</dt>
        <dd id="expires"><time datetime="${page.expiresAt}">${dateTime(page.expiresAt)}</time></dd>
      </dl>
      <p>Files are checked for viruses before ${sender.name} can open them.</p>
      <form id="upload-form" class="upload">
        <label for="files">Files</label>
        <input type="file" id="files" name="files" multiple required />
        <button type="submit" id="upload">Upload</button>
      </form>
      <ul id="uploads"></ul>`,
    '/assets/upload.js',
  );
}

/** The one answer for a request link that does not open. */
export const REQUEST_GONE_PAGE = documentOf(
  'Upload link not available',
  html`<h1>This upload link is not available</h1>
    <p id="gone">
      It may have expired, been used for as many files as it allows, or been withdrawn. Ask the
      sender for a new link.
    </p>`,
);
