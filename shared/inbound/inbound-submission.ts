import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../config/resource-names';
import type { SesReceiptNotification } from './ses-notification';

/**
 * Hands a message to the ingest pipeline the way SES does: a receipt notification naming the
 * stored raw object. In AWS it is published to the inbound topic that SES notifies (which feeds
 * the ingest queue); on one machine it is written into the local ingest queue's folder, which
 * the queue picks up within a second (as `npm run redrive` does). Used by the public page of a
 * [secure] message for its one reply, so that the reply is scanned, charged and threaded like
 * any mail, without the public function holding ingest's grants.
 */
export interface InboundSubmission {
  submit(notification: SesReceiptNotification): Promise<void>;
}

export class SnsInboundSubmission implements InboundSubmission {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async submit(notification: SesReceiptNotification): Promise<void> {
    await this.client.send(
      new PublishCommand({ TopicArn: this.topicArn, Message: JSON.stringify(notification) }),
    );
  }
}

/** The local queue's folder: a record in the shape the queue keeps (infra/local/ingest-queue). */
export class LocalQueueSubmission implements InboundSubmission {
  constructor(private readonly queueDir: string) {}

  async submit(notification: SesReceiptNotification): Promise<void> {
    await mkdir(this.queueDir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const entry = {
      sqsMessageId: id,
      notification,
      attempts: 0,
      enqueuedAt: new Date().toISOString(),
    };
    // Whole or not at all: the queue reads only `.json` names, so the rename publishes it.
    const path = join(this.queueDir, `${id}.json`);
    await writeFile(`${path}.tmp`, JSON.stringify(entry), { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  }
}

/** The local queue's folder when set (one machine), else the inbound topic (AWS). */
export function inboundSubmissionFromEnv(env: NodeJS.ProcessEnv = process.env): InboundSubmission {
  const queueDir = env[ENV.localIngestQueueDir];
  if (queueDir) return new LocalQueueSubmission(queueDir);
  const topicArn = env[ENV.inboundTopicArn];
  if (!topicArn) throw new Error(`${ENV.inboundTopicArn} is not set`);
  return new SnsInboundSubmission(new SNSClient({}), topicArn);
}
