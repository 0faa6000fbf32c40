import { Readable } from 'node:stream';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createShareScanHandler } from '../../functions/share-scan/process-events';
import { DEFAULT_ATTACHMENT_POLICY } from '@shared/scan/attachment-policy';
import type { Share, ShareState } from '@shared/share/model';
import type { ShareScanDeps } from '@shared/share/scan-uploaded-share';
import type { ShareStore } from '@shared/share/share-store';
import type { SharedObjects } from '@shared/share/shared-objects';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const KEY = `shares/demo/${ID}`;

/** In-memory fakes of the two ports: the unit under test is the handler's event handling. */
function depsWith(state: ShareState | undefined) {
  const verdicts: string[] = [];
  const share =
    state &&
    ({
      id: ID,
      key: KEY,
      state,
      name: 'a.txt',
      contentType: 'text/plain',
      size: 5,
      tenantId: 'demo',
    } as Share);
  const store = {
    getShare: async () => share,
    recordVerdict: async (_s: Share, verdict: { state: string }) => {
      verdicts.push(verdict.state);
      return true;
    },
  } as unknown as ShareStore;
  const objects = {
    read: async () => Readable.from([Buffer.from('hello')]),
  } as unknown as SharedObjects;
  const deps: ShareScanDeps = { store, objects, policyFor: async () => DEFAULT_ATTACHMENT_POLICY };
  return { deps, verdicts };
}

const sqs = (...bodies: unknown[]): SQSEvent =>
  ({
    Records: bodies.map((body, i) => ({ messageId: `m${i}`, body: JSON.stringify(body) })),
  }) as unknown as SQSEvent;
const created = (key = KEY) => ({
  Records: [{ eventName: 'ObjectCreated:CompleteMultipartUpload', s3: { object: { key } } }],
});

describe('the share scan function', () => {
  it('records a verdict for an uploaded share', async () => {
    const { deps, verdicts } = depsWith('scanning');
    expect(await createShareScanHandler(deps)(sqs(created()))).toEqual({ batchItemFailures: [] });
    expect(verdicts).toEqual(['clean']);
  });

  it('hands back an event that came before the completion was committed, to come again', async () => {
    const { deps, verdicts } = depsWith('uploading');
    expect(await createShareScanHandler(deps)(sqs(created()))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }],
    });
    expect(verdicts).toEqual([]);
  });

  it('lets redelivered events, deleted shares, test events and foreign keys pass, scanning nothing', async () => {
    for (const state of ['clean', undefined] as const) {
      const { deps, verdicts } = depsWith(state);
      const answer = await createShareScanHandler(deps)(
        sqs(created(), { Event: 's3:TestEvent' }, created('attachments/x/1')),
      );
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(verdicts).toEqual([]);
    }
  });

  it('fails only the record whose body is not an S3 event', async () => {
    const { deps } = depsWith('scanning');
    const event = sqs(created());
    event.Records.unshift({ ...event.Records[0]!, messageId: 'bad', body: 'not json' });
    expect(await createShareScanHandler(deps)(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'bad' }],
    });
  });
});
