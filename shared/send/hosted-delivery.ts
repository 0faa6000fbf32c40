import { ingestMessage, type IngestDeps, type RecipientOutcome } from '../inbound/ingest-message';
import type { SesReceiptNotification } from '../inbound/ses-notification';
import type { DeliveryStatus } from '../mailbox/model';

/** A message sesame delivers to its own mailboxes, its raw bytes already stored. */
export interface HostedMessage {
  /** Names the stored objects and makes each recipient's item id (redelivery-safe). */
  sesMessageId: string;
  /** The envelope sender; empty for a notice that must never bounce. */
  from: string;
  recipients: string[];
  raw: { bucket: string; key: string };
  at: Date;
}

/** Delivers to hosted mailboxes through the ingest pipeline; what became of each recipient. */
export type HostedDelivery = (message: HostedMessage) => Promise<RecipientOutcome[]>;

/**
 * The SES receipt notification ingest would get for this message had it come in by SMTP. The
 * sender is signed in to sesame, so SPF, DKIM and DMARC are PASS (its bounces must reach it);
 * spam and virus are GRAY ("not checked"), as from the local listener: our own scan runs on it
 * exactly as on inbound mail (content checks, attachment policy, ClamAV when configured).
 */
export function internalNotification(message: HostedMessage): SesReceiptNotification {
  const at = message.at.toISOString();
  const pass = { status: 'PASS' };
  const gray = { status: 'GRAY' };
  return {
    notificationType: 'Received',
    mail: {
      timestamp: at,
      source: message.from,
      messageId: message.sesMessageId,
      destination: message.recipients,
      headersTruncated: false,
      headers: [],
      commonHeaders: {},
    },
    receipt: {
      timestamp: at,
      processingTimeMillis: 0,
      recipients: message.recipients,
      spamVerdict: gray,
      virusVerdict: gray,
      spfVerdict: pass,
      dkimVerdict: pass,
      dmarcVerdict: pass,
      action: {
        type: 'S3',
        bucketName: message.raw.bucket,
        objectKeyPrefix: message.raw.key.slice(0, message.raw.key.lastIndexOf('/') + 1),
        objectKey: message.raw.key,
      },
    },
  };
}

/**
 * Hosted recipients get mail through the same pipeline as mail from outside (parse, scan,
 * quotas, bounces, threads, idempotent per recipient), never out through SES and back in.
 */
export function ingestDelivery(deps: IngestDeps): HostedDelivery {
  return (message) => ingestMessage(internalNotification(message), deps);
}

/** What a hosted recipient's outcome shows on the Sent copy: delivered, or bounced and why. */
export function hostedStatus(outcome: RecipientOutcome | undefined, at: Date): DeliveryStatus {
  const delivered = outcome?.outcome === 'indexed' || outcome?.outcome === 'duplicate';
  return delivered
    ? { status: 'delivered', at: at.toISOString() }
    : { status: 'bounced', at: at.toISOString(), detail: outcome?.outcome ?? 'not delivered' };
}
