import { randomBytes, randomInt } from 'node:crypto';
import { NoSuchObjectError, type BlobStore } from '../blob/blob-store';
import { domainOf } from '../address/address';
import { SECURE_REPLY_KEY_PREFIX, SYSTEM_SENDERS } from '../config/resource-names';
import type { InboundSubmission } from '../inbound/inbound-submission';
import type { Mailer } from '../outbound/mailer';
import { takeAll } from '../share/attempt-limits';
import type { PublicClient, PublicLinkDeps } from '../share/link-deps';
import { linkState, TooManyAttemptsError, type Sender } from '../share/link-model';
import { constantTimeEqual, hashLinkToken, isWellFormedToken } from '../share/link-token';
import { isShareable } from '../share/model';
import { grantLink, type ShareDownload } from '../share/open-link';
import { NoSuchAttachmentError } from '../mailbox/download-message';
import { composeMime } from './compose-mime';
import { internalNotification } from './hosted-delivery';
import { SECURE_REPLY_ID_PREFIX } from '../inbound/secure-reply-gate';
import { prefixedSubject } from './prepare-message';
import {
  AlreadyRepliedError,
  AttachmentNotReadyError,
  CODE_ATTEMPTS,
  CODE_SENDS,
  CodeRefusedError,
  SECURE_LIMITS,
  secretHash,
  SecureMessageGoneError,
  SessionExpiredError,
  type SecureContent,
  type SecureEvent,
  type SecureRecipient,
} from './secure-model';
import type { SecureMessageStore } from './secure-store';

/** The public page's ports: the records, the content, codes by mail, grants, the reply. */
export interface SecureAccessDeps extends PublicLinkDeps {
  secure: SecureMessageStore;
  blobs: Pick<BlobStore, 'get' | 'put'>;
  /** Where the content objects are (the share bucket). */
  shareBucket: string;
  /** Where the reply's raw message is stored for ingest. */
  rawMailBucket: string;
  /** Mails the one-time codes (SES; the outbox locally), from postmaster of the sender's domain. */
  mailer: Mailer;
  inbound: InboundSubmission;
}

/** What the page shows before the code: who sent it, to whom (masked), until when. */
export interface SecureCover {
  sender: Sender;
  recipient: string;
  expiresAt: string;
  replied: boolean;
}

/** What the page shows with the code: the message, its files, and whether a reply is left. */
export interface SecureView extends SecureCover {
  content: SecureContent;
  attachments: { n: number; name: string; size: number; contentType: string }[];
}

/** `jane.doe@outside.example` as `j•••@outside.example`: enough to recognise, not to harvest. */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, 1)}•••${address.slice(at)}`;
}

const nowOf = (deps: Pick<SecureAccessDeps, 'now'>) => deps.now?.() ?? new Date();

/** The record of a token that still opens; otherwise the one SecureMessageGone. */
async function openRecord(deps: SecureAccessDeps, token: string): Promise<SecureRecipient> {
  if (!isWellFormedToken(token)) throw new SecureMessageGoneError();
  const record = await deps.secure.getByTokenHash(hashLinkToken(token));
  if (!record || record.revokedAt || Date.parse(record.expiresAt) <= nowOf(deps).getTime()) {
    throw new SecureMessageGoneError();
  }
  return record;
}

/** The record, only within a session opened with the code (its secret is the form's field). */
async function inSession(
  deps: SecureAccessDeps,
  token: string,
  session: string | undefined,
): Promise<SecureRecipient> {
  const record = await openRecord(deps, token);
  const live =
    session !== undefined &&
    record.sessionHash !== undefined &&
    record.sessionExpiresAt !== undefined &&
    Date.parse(record.sessionExpiresAt) > nowOf(deps).getTime() &&
    constantTimeEqual(secretHash(record.tokenHash, session), record.sessionHash);
  if (!live) throw new SessionExpiredError();
  return record;
}

async function audit(
  deps: SecureAccessDeps,
  record: SecureRecipient,
  event: Omit<SecureEvent, 'recipient' | 'at'>,
  client?: PublicClient,
): Promise<void> {
  await deps.secure.appendEvent(
    record.secureId,
    {
      ...event,
      recipient: record.recipient,
      at: nowOf(deps).toISOString(),
      ...(client && { clientAddress: client.address, userAgent: client.userAgent }),
    },
    record.expiresAt,
  );
}

const coverOf = (record: SecureRecipient): SecureCover => ({
  sender: record.sender,
  recipient: maskedAddress(record.recipient),
  expiresAt: record.expiresAt,
  replied: record.repliedAt !== undefined,
});

/** GET /m/{token}: who sent it and where the code will go; nothing of the message. */
export async function viewSecureCover(deps: SecureAccessDeps, token: string): Promise<SecureCover> {
  return coverOf(await openRecord(deps, token));
}

/**
 * POST /m/{token}/code: a fresh one-time code (replacing any earlier one), mailed to the
 * recipient's own address from postmaster at the sender's domain; at most CODE_SENDS an hour.
 */
export async function sendSecureCode(
  deps: SecureAccessDeps,
  token: string,
  client: PublicClient,
): Promise<SecureCover> {
  const record = await openRecord(deps, token);
  const now = nowOf(deps);
  if (!(await deps.limiter.take(`secure-code#${record.tokenHash}`, CODE_SENDS, now))) {
    throw new TooManyAttemptsError();
  }
  const code = String(randomInt(0, 10 ** SECURE_LIMITS.codeDigits)).padStart(
    SECURE_LIMITS.codeDigits,
    '0',
  );
  const until = new Date(now.getTime() + SECURE_LIMITS.codeMinutes * 60_000).toISOString();
  if (!(await deps.secure.setCode(record.tokenHash, secretHash(record.tokenHash, code), until))) {
    throw new SecureMessageGoneError();
  }
  const domain = domainOf(record.owner);
  const from = `${SYSTEM_SENDERS.notices}@${domain}`;
  const raw = await composeMime({
    from: { address: from, name: record.sender.organisation },
    to: [{ address: record.recipient }],
    cc: [],
    subject: `Your code to read a secure message from ${record.sender.name}`,
    text: [
      `Your one-time code is ${code}`,
      '',
      `Enter it on the page of the secure message ${record.sender.name} sent you.`,
      `It works once, for ${SECURE_LIMITS.codeMinutes} minutes. If you did not ask for it,`,
      'you can ignore this email: nobody can read the message without the code.',
    ].join('\n'),
    messageId: `<${randomBytes(16).toString('hex')}@${domain}>`,
    date: now,
    headers: {},
    attachments: [],
  });
  await deps.mailer.send({ from, to: [record.recipient], raw });
  await audit(deps, record, { kind: 'code-sent' }, client);
  return coverOf(record);
}

const CODE_PATTERN = new RegExp(`^\\d{${SECURE_LIMITS.codeDigits}}$`);

/**
 * POST /m/{token}/open: the code, once. Every attempt is charged to the per-link-and-address
 * and per-link windows BEFORE it is checked; a right code gives its charge back, uses the code
 * up and opens a session whose secret the page carries in its forms (no cookie).
 */
export async function openSecureMessage(
  deps: SecureAccessDeps,
  token: string,
  code: string,
  client: PublicClient,
): Promise<{ session: string; view: SecureView }> {
  const record = await openRecord(deps, token);
  const now = nowOf(deps);
  const charged = await takeAll(
    deps.limiter,
    [
      {
        key: `secure-open#${record.tokenHash}#${client.address}`,
        rule: CODE_ATTEMPTS.perLinkAndClient,
      },
      { key: `secure-open#${record.tokenHash}`, rule: CODE_ATTEMPTS.perLink },
    ],
    now,
  );
  if (!charged) throw new TooManyAttemptsError();
  const given = code.replace(/\s+/g, '');
  const session = randomBytes(32).toString('base64url');
  const opened =
    CODE_PATTERN.test(given) &&
    (await deps.secure.openSession(
      record.tokenHash,
      secretHash(record.tokenHash, given),
      {
        hash: secretHash(record.tokenHash, session),
        expiresAt: new Date(now.getTime() + SECURE_LIMITS.sessionMinutes * 60_000).toISOString(),
      },
      now,
    ));
  if (!opened) {
    await audit(deps, record, { kind: 'code-refused' }, client);
    throw new CodeRefusedError();
  }
  await Promise.all(charged.map((receipt) => deps.limiter.giveBack(receipt)));
  await audit(deps, record, { kind: 'opened' }, client);
  return { session, view: await viewOf(deps, record) };
}

async function viewOf(deps: SecureAccessDeps, record: SecureRecipient): Promise<SecureView> {
  let bytes: Uint8Array;
  try {
    bytes = await deps.blobs.get(deps.shareBucket, record.contentKey);
  } catch (error) {
    // Withdrawn while this request was on its way: the same answer as a withdrawn link.
    if (error instanceof NoSuchObjectError) throw new SecureMessageGoneError();
    throw error;
  }
  const content = JSON.parse(Buffer.from(bytes).toString('utf8')) as SecureContent;
  return {
    ...coverOf(record),
    content,
    attachments: record.attachments.map((a, n) => ({
      n,
      name: a.name,
      size: a.size,
      contentType: a.contentType,
    })),
  };
}

/** The message again within the session (after a download or a refused reply). */
export async function readSecureMessage(
  deps: SecureAccessDeps,
  token: string,
  session: string | undefined,
): Promise<SecureView> {
  return viewOf(deps, await inSession(deps, token, session));
}

/**
 * POST /m/{token}/files/{n}: the recipient's own share link to that attachment, granted as any
 * link is (one conditional write that checks the scan said clean), within the session.
 */
export async function downloadSecureAttachment(
  deps: SecureAccessDeps,
  token: string,
  session: string | undefined,
  n: number,
  client: PublicClient,
): Promise<ShareDownload> {
  const record = await inSession(deps, token, session);
  const attachment = record.attachments[n];
  if (!attachment) throw new NoSuchAttachmentError();
  const now = nowOf(deps);
  const link = await deps.links.getByTokenHash(attachment.linkTokenHash);
  const share = link && (await deps.shares.getShare(attachment.shareId));
  if (
    !link ||
    !share ||
    linkState(link, now) !== 'active' ||
    !isShareable(share, link.allowUnscannable === true) ||
    Date.parse(share.expiresAt) <= now.getTime()
  ) {
    throw new AttachmentNotReadyError();
  }
  let download: ShareDownload;
  try {
    download = await grantLink(deps, link, share, client, now);
  } catch {
    throw new AttachmentNotReadyError();
  }
  await audit(deps, record, { kind: 'attachment-downloaded', attachment: attachment.name }, client);
  return download;
}

/**
 * POST /m/{token}/reply: the one reply, from the recipient's (code-checked) address to the
 * sender, threaded under the message. Claimed first (one conditional write: a second reply,
 * or a race of two, gets AlreadyReplied), stored as raw mail and handed to ingest as SES would
 * (scanned, charged to the sender's quota, threaded). If ingest cannot be told, the claim is
 * given back and the reply can be sent again.
 */
export async function replyToSecureMessage(
  deps: SecureAccessDeps,
  token: string,
  session: string | undefined,
  text: string,
  client: PublicClient,
): Promise<void> {
  const record = await inSession(deps, token, session);
  const now = nowOf(deps);
  if (record.repliedAt) throw new AlreadyRepliedError();
  if (
    !(await deps.secure.claimReply(
      record.tokenHash,
      secretHash(record.tokenHash, session ?? ''),
      now,
    ))
  ) {
    const again = await deps.secure.getByTokenHash(record.tokenHash);
    throw again?.repliedAt ? new AlreadyRepliedError() : new SessionExpiredError();
  }
  // Named after the recipient's record: ingest admits it only if this record claimed a reply
  // (shared/inbound/secure-reply-gate), and a reply handed over twice is indexed once.
  const sesMessageId = `${SECURE_REPLY_ID_PREFIX}${record.tokenHash}`;
  const raw = { bucket: deps.rawMailBucket, key: `${SECURE_REPLY_KEY_PREFIX}${record.tokenHash}` };
  const replyId = randomBytes(16).toString('hex');
  try {
    const bytes = await composeMime({
      from: { address: record.recipient },
      to: [{ address: record.owner, name: record.sender.name }],
      cc: [],
      subject: prefixedSubject('Re', record.subject),
      text,
      messageId: `<${replyId}@${domainOf(record.owner)}>`,
      date: now,
      inReplyTo: record.messageIdHeader,
      references: [record.messageIdHeader],
      headers: {},
      attachments: [],
    });
    await deps.blobs.put(raw.bucket, raw.key, bytes, 'message/rfc822');
    // The envelope sender is the address the code proved: if ingest refuses the reply (the
    // sender's mailbox full), the outsider gets the bounce rather than silence.
    await deps.inbound.submit(
      internalNotification({
        sesMessageId,
        from: record.recipient,
        recipients: [record.owner],
        raw,
        at: now,
      }),
    );
  } catch (error) {
    await deps.secure.releaseReply(record.tokenHash);
    throw error;
  }
  await audit(deps, record, { kind: 'replied' }, client);
}
