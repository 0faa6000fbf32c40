import type { SecureCover, SecureView } from '@shared/send/secure-access';
import { SECURE_LIMITS } from '@shared/send/secure-model';
import { documentOf, html, humanSize, Html } from './html';

const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** What a page says above its forms after a step. */
export type SecureNotice =
  | 'code-sent'
  | 'code-refused'
  | 'too-many-attempts'
  | 'session-expired'
  | 'file-not-ready'
  | 'no-such-file'
  | 'already-replied'
  | 'bad-input';

const NOTICES: Record<SecureNotice, (cover: SecureCover) => string> = {
  'code-sent': (c) =>
    `We have emailed a code to ${c.recipient}. It works once, for ${SECURE_LIMITS.codeMinutes} minutes.`,
  'code-refused': () => 'That code is not right, or it has expired. Ask for a new one.',
  'too-many-attempts': () => 'Too many attempts. Try again later.',
  'session-expired': () =>
    'The message has been open too long. Ask for a new code to open it again.',
  'file-not-ready': () =>
    'That file is not available: it may still be being checked for viruses. Try again shortly.',
  'no-such-file': () => 'This message has no such file.',
  'already-replied': () => 'A reply to this message has already been sent.',
  'bad-input': () =>
    `That was not understood: a reply needs some text, at most ${SECURE_LIMITS.maxReplyChars.toLocaleString('en-GB')} characters.`,
};

function noticeOf(cover: SecureCover, notice?: SecureNotice): Html | string {
  return notice
    ? html`<p class="notice" id="notice" role="alert">${NOTICES[notice](cover)}</p>`
    : '';
}

function senderFacts(cover: SecureCover): Html {
  const { sender } = cover;
  return html`<dt>From</dt>
    <dd id="sender">
      <span id="sender-name">${sender.name}</span> &lt;${sender.address}&gt;,
      <span id="sender-organisation">${sender.organisation}</span>
    </dd>`;
}

/**
 * GET /m/{token}: who sent a secure message and where the code goes; nothing of the message.
 * Two forms: ask for a code (mailed to the recipient), and open the message with it.
 */
export function secureCoverPage(token: string, cover: SecureCover, notice?: SecureNotice): string {
  const action = `/m/${token}`;
  return documentOf(
    `Secure message from ${cover.sender.name}`,
    html`<h1>A secure message for you</h1>
      <dl class="facts">
        ${senderFacts(cover)}
        <dt>For</dt>
        <dd id="recipient">${cover.recipient}</dd>
        <dt>Available until</dt>
        <dd id="expires">
          <time datetime="${cover.expiresAt}">${dateTime(cover.expiresAt)}</time>
        </dd>
      </dl>
      <p>
        To read it, ask for a one-time code: we email it to the address above, so that only its
        owner can open the message.
      </p>
      ${noticeOf(cover, notice)}
      <form method="post" action="${action}/code">
        <button type="submit" id="send-code">Email me a code</button>
      </form>
      <form method="post" action="${action}/open">
        <label for="code">Code</label>
        <input
          type="text"
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          maxlength="20"
          required
        />
        <button type="submit" id="open">Open the message</button>
      </form>`,
  );
}

function body(view: SecureView): Html {
  const { content } = view;
  if (content.text !== undefined) {
    return html`<pre class="message-text" id="message-text">${content.text}</pre>`;
  }
  // Sanitised when sent (shared/mime/sanitise-html); the CSP allows no script, style or image
  // from anywhere else besides.
  return html`<div class="message-html" id="message-html">${new Html(content.html ?? '')}</div>`;
}

/** The message, opened with the code: its files (each its own grant) and the one reply. */
export function secureMessagePage(
  token: string,
  session: string,
  view: SecureView,
  notice?: SecureNotice,
): string {
  const action = `/m/${token}`;
  const { content } = view;
  const sessionField = html`<input type="hidden" name="session" value="${session}" />`;
  const files = view.attachments.map(
    (file) =>
      html`<li>
        <form method="post" action="${action}/files/${file.n}">
          ${sessionField}
          <button type="submit" class="file" id="file-${file.n}">
            Download ${file.name} (${humanSize(file.size)})
          </button>
        </form>
      </li>`,
  );
  return documentOf(
    content.subject || 'Secure message',
    html`<h1 id="subject">${content.subject || '(no subject)'}</h1>
      <dl class="facts">
        ${senderFacts(view)}
        <dt>To</dt>
        <dd id="to">${content.to.join(', ')}</dd>
        ${
          content.cc.length > 0
            ? html`<dt>Cc</dt>
                <dd id="cc">${content.cc.join(', ')}</dd>`
            : ''
        }
        <dt>Sent</dt>
        <dd id="date"><time datetime="${content.date}">${dateTime(content.date)}</time></dd>
      </dl>
      ${noticeOf(view, notice)} ${body(view)}
      ${
        files.length > 0
          ? html`<h2>Files</h2>
              <p>Each file was checked for viruses before it can be downloaded.</p>
              <ul class="files" id="files">
                ${files}
              </ul>`
          : ''
      }
      <h2>Reply</h2>
      ${
        view.replied
          ? html`<p id="replied">A reply to this message has been sent.</p>`
          : html`<form method="post" action="${action}/reply">
              ${sessionField}
              <label for="reply-text">Your reply to ${view.sender.name} (you can reply once)</label>
              <textarea
                id="reply-text"
                name="text"
                maxlength="${SECURE_LIMITS.maxReplyChars}"
                rows="8"
                required
              ></textarea>
              <button type="submit" id="send-reply">Send reply</button>
            </form>`
      }`,
  );
}

export const SECURE_REPLIED_PAGE = documentOf(
  'Reply sent',
  html`<h1>Reply sent</h1>
    <p id="reply-sent">Your reply has been delivered securely. You can close this page.</p>`,
);

/** The one answer for a secure link that does not open: unknown, expired or withdrawn. */
export const SECURE_GONE_PAGE = documentOf(
  'Message not available',
  html`<h1>This secure message is not available</h1>
    <p id="gone">It may have expired or been withdrawn. Ask the sender to send it again.</p>`,
);
