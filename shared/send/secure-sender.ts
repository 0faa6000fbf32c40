import type { BlobStore } from '../blob/blob-store';
import type { MailStore } from '../mailbox/mail-store';
import type { MessageRecord } from '../mailbox/model';
import { NoSuchMessageError } from '../mailbox/read-message';
import { NoSuchLinkError } from '../share/link-model';
import { revokeLink } from '../share/manage-links';
import { secureContentKey } from './secure-delivery';
import type { Mailbox } from '../tenancy/model';
import type { SendShareDeps } from './linked-attachments';
import type { SecureEvent } from './secure-model';
import type { SecureMessageStore } from './secure-store';

/** The sender's side of a secure message: its trail, and its withdrawal. */
export interface SecureSenderDeps {
  store: Pick<MailStore, 'getMessage'>;
  secure: SecureMessageStore;
  blobs: Pick<BlobStore, 'delete'>;
  shares: SendShareDeps;
  now?: () => Date;
}

/** The caller's own Sent copy of a secure message; anything else is 404 NoSuchMessage. */
async function ownSecureMessage(
  deps: Pick<SecureSenderDeps, 'store'>,
  mailbox: Mailbox,
  id: string,
): Promise<MessageRecord & { secure: NonNullable<MessageRecord['secure']> }> {
  const message = await deps.store.getMessage(mailbox.address, id);
  if (!message?.secure || message.recoverable) throw new NoSuchMessageError();
  return message as MessageRecord & { secure: NonNullable<MessageRecord['secure']> };
}

/**
 * GET /mailboxes/me/messages/{id}/secure: the audit trail of a secure message of the caller's
 * (who was notified, asked for a code, opened it, downloaded which file, replied, and its
 * withdrawal; when and from where). Another mailbox's message, or one not sent secure, is 404.
 */
export async function secureTrail(
  deps: Pick<SecureSenderDeps, 'store' | 'secure'>,
  mailbox: Mailbox,
  id: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ recipients: string[]; items: SecureEvent[]; nextCursor: string | null }> {
  const message = await ownSecureMessage(deps, mailbox, id);
  const found = await deps.secure.listEvents(message.secure.id, page.limit, page.cursor);
  // Paged as every list route answers: `nextCursor`, null on the last page.
  return {
    recipients: message.secure.recipients,
    items: found.items,
    nextCursor: found.next ?? null,
  };
}

/**
 * DELETE /mailboxes/me/messages/{id}/secure: the sender withdraws a secure message (sent to the
 * wrong person, or no longer to be read). In the order that cuts access first: every outsider's
 * page answers the one 410 (sessions opened before included; the trail says `withdrawn` once per
 * recipient), the page's content is deleted, then each recipient's links to its files are
 * revoked (the shares stay the sender's, to delete or share again). Safe to repeat, and what a
 * repeat finds done it leaves.
 */
export async function withdrawSecureMessage(
  deps: SecureSenderDeps,
  mailbox: Mailbox,
  id: string,
): Promise<void> {
  const message = await ownSecureMessage(deps, mailbox, id);
  const now = deps.now?.() ?? new Date();
  const secureId = message.secure.id;
  // Only this message's records of this sender's, whatever the index says.
  const records = (await deps.secure.listRecipients(secureId)).filter(
    (r) => r.secureId === secureId && r.owner === mailbox.address,
  );
  for (const record of records) {
    if (!(await deps.secure.revoke(record.tokenHash, now))) continue;
    const event: SecureEvent = {
      kind: 'withdrawn',
      recipient: record.recipient,
      at: now.toISOString(),
    };
    await deps.secure.appendEvent(secureId, event, record.expiresAt);
  }
  await deps.blobs.delete(deps.shares.objects.bucket, [
    secureContentKey(mailbox.tenantId, secureId),
  ]);
  const linkDeps = { shares: deps.shares.store, links: deps.shares.links, now: () => now };
  for (const attachment of records.flatMap((r) => r.attachments)) {
    const link = await deps.shares.links.getByTokenHash(attachment.linkTokenHash);
    const share = link && !link.revokedAt && (await deps.shares.store.getShare(link.shareId));
    if (!link || !share) continue;
    try {
      await revokeLink(linkDeps, share, link.id, mailbox.address);
    } catch (error) {
      // Gone meanwhile (the share deleted): nothing left to revoke.
      if (!(error instanceof NoSuchLinkError)) throw error;
    }
  }
}
