import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryStatus } from '../mailbox/model';
import type { ThreadAliases } from '../mailbox/thread-id';
import type { UploadRecord, UploadStore } from '../send/uploads';
import type { AllowanceRefusal, SendLimits, SendStateStore, SentCopyRef } from '../send/send-state';
import { sentOnPlan } from '../mailbox/message-state';
import { readState, stateItems } from './change-log';
import { jitter, STATE_ATTEMPTS } from './folder-counters';
import { DynamoMessageChanges } from './message-changes';
import { keys } from './keys';
import { transactWrite } from './transact-write';

const FAILED = 'ConditionalCheckFailed';
/** Window items outlive their window by a day, then TTL removes them. */
const WINDOW_TTL_SECONDS = 2 * 24 * 3600;
/** Outbound lookups live as long as SES may still report on a message (bounces come late). */
const OUTBOUND_TTL_SECONDS = 30 * 24 * 3600;
const BATCH_GET_KEYS = 100;

/** Sending's own items on the one table: rate windows, suppressions, SES id lookups, statuses. */
/** The Message-ID SES gives what it sends: `<SES message id@<region>.amazonses.com>`. */
const SES_MESSAGE_ID = /^<?([^<>@\s]+)@[a-z0-9-]+\.amazonses\.com>?$/i;

export class DynamoSendState implements SendStateStore, UploadStore, ThreadAliases {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async consumeAllowance(
    address: string,
    recipients: number,
    limits: SendLimits,
    now: Date,
  ): Promise<AllowanceRefusal | undefined> {
    const iso = now.toISOString();
    const expiresAt = Math.floor(now.getTime() / 1000) + WINDOW_TTL_SECONDS;
    const { reasons } = await transactWrite(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.sendWindow(address, `MIN#${iso.slice(0, 16)}`),
          UpdateExpression: 'ADD messages :one SET expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(messages) OR messages < :max',
          ExpressionAttributeValues: {
            ':one': 1,
            ':ttl': expiresAt,
            ':max': limits.messagesPerMinute,
          },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.sendWindow(address, `DAY#${iso.slice(0, 10)}`),
          UpdateExpression: 'ADD recipients :n SET expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(recipients) OR recipients <= :maxBefore',
          ExpressionAttributeValues: {
            ':n': recipients,
            ':ttl': expiresAt,
            ':maxBefore': limits.recipientsPerDay - recipients,
          },
        },
      },
    ]);
    if (!reasons) return undefined;
    const seconds = now.getTime() / 1000;
    if (reasons[0] === FAILED) {
      return {
        limit: 'messages-per-minute',
        retryAfterSeconds: Math.max(1, Math.ceil(60 - (seconds % 60))),
      };
    }
    return {
      limit: 'recipients-per-day',
      retryAfterSeconds: Math.max(1, Math.ceil(86_400 - (seconds % 86_400))),
    };
  }

  async suppressedAmong(tenantId: string, addresses: string[]): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; i < addresses.length; i += BATCH_GET_KEYS) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.tableName]: {
          Keys: addresses.slice(i, i + BATCH_GET_KEYS).map((a) => keys.suppression(tenantId, a)),
        },
      };
      while (request && Object.keys(request).length > 0) {
        const result = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.tableName] ?? []) {
          found.push(String(item.address));
        }
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return found.sort();
  }

  async suppress(tenantId: string, address: string, reason: string, at: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.suppression(tenantId, address), address, reason, at: at.toISOString() },
      }),
    );
  }

  async liftSuppression(tenantId: string, address: string): Promise<boolean> {
    const result = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.suppression(tenantId, address),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  async putUpload(address: string, upload: UploadRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.upload(address, upload.id), type: 'upload', ...upload },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async getUpload(address: string, id: string): Promise<UploadRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.upload(address, id) }),
    );
    const item = result.Item;
    // Past its TTL but not yet removed by DynamoDB: gone all the same.
    if (!item || Number(item.expiresAt) * 1000 < Date.now()) return undefined;
    const { id: uploadId, name, size, contentType, key, createdAt, expiresAt } = item;
    return { id: uploadId, name, size, contentType, key, createdAt, expiresAt } as UploadRecord;
  }

  async recordOutbound(sesMessageId: string, copy: SentCopyRef): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.outbound(sesMessageId),
          ...copy,
          expiresAt: Math.floor(Date.now() / 1000) + OUTBOUND_TTL_SECONDS,
        },
      }),
    );
  }

  async findOutbound(sesMessageId: string): Promise<SentCopyRef | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.outbound(sesMessageId) }),
    );
    const item = result.Item;
    if (!item) return undefined;
    return {
      mailbox: String(item.mailbox),
      id: String(item.id),
      tenantId: String(item.tenantId),
      ...(item.messageIdHeader && { messageIdHeader: String(item.messageIdHeader) }),
    };
  }

  async rootFor(messageId: string): Promise<string | undefined> {
    const sesId = SES_MESSAGE_ID.exec(messageId.trim())?.[1];
    if (!sesId) return undefined;
    return (await this.findOutbound(sesId))?.messageIdHeader;
  }

  /**
   * Records recipients' statuses (and SES ids) on the Sent copy. Not a state field of the
   * message (no version, no counter moves), but a change a client shows: the same transaction
   * moves the mailbox's state and logs the copy as `updated`, so GET /changes reports it.
   */
  async setDelivery(
    copy: Pick<SentCopyRef, 'mailbox' | 'id'>,
    statuses: Record<string, DeliveryStatus>,
    outboundIds: string[] = [],
  ): Promise<void> {
    const entries = Object.entries(statuses);
    if (entries.length === 0 && outboundIds.length === 0) return;
    const names: Record<string, string> = { '#d': 'delivery' };
    const values: Record<string, unknown> = {};
    const sets = entries.map(([recipient, status], i) => {
      names[`#r${i}`] = recipient;
      values[`:s${i}`] = status;
      return `#d.#r${i} = :s${i}`;
    });
    if (outboundIds.length > 0) {
      values[':ids'] = outboundIds;
      values[':none'] = [];
      sets.push('outboundIds = list_append(if_not_exists(outboundIds, :none), :ids)');
    }
    for (let attempt = 0; attempt < STATE_ATTEMPTS; attempt++) {
      const read = await readState(this.client, this.tableName, copy.mailbox);
      if (!read) return;
      const { mailbox, log } = stateItems(
        this.tableName,
        copy.mailbox,
        read.state,
        { messages: { updated: [copy.id] } },
        new Date(),
      );
      const { reasons } = await transactWrite(this.client, [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.message(copy.mailbox, copy.id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(PK) AND attribute_exists(#d)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        mailbox,
        log,
      ]);
      // Gone (deleted by its owner meanwhile): there is nothing left to record on.
      if (!reasons || reasons[0] === FAILED) return;
      await jitter(attempt);
    }
    throw new Error(`mailbox ${copy.mailbox} kept changing while recording delivery; try again`);
  }

  /** Through the one path of message changes: counters, version and change log stay right. */
  async flag(mailbox: string, id: string, flag: 'answered' | 'forwarded'): Promise<void> {
    await new DynamoMessageChanges(this.client, this.tableName).changeMessages(
      mailbox,
      [id],
      sentOnPlan(flag),
      new Date(),
    );
  }
}
