/**
 * `npm run bench:share` (issue 9): a file uploaded through presigned part URLs to the local S3,
 * as a browser does (4 parts in flight), against the same bytes sent by one direct PutObject;
 * and the peak RSS of the sesame process while it serves the upload, completes it and scans it,
 * for 100 MiB and 1 GiB. Each size runs against a sesame process of its own (test/bench/
 * share-sesame.ts), so each peak is that size's alone. Figures, not assertions.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { LOCAL_RESOURCE_NAMES } from '@shared/config/resource-names';
import { localS3Client } from '../../infra/local/stand-ins';
import { httpClient } from '../support/http-client';
import { partBytes, putPart, type StartedShare } from '../support/share-upload';

const MiB = 1024 ** 2;
const SIZES = [100 * MiB, 1024 * MiB];
const PARTS_IN_FLIGHT = 4;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

interface Ready {
  apiUrl: string;
  s3Endpoint: string;
  token: string;
}

function startSesame() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./share-sesame.ts', import.meta.url))],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>() => JSON.parse(((await lines.next()).value as string) ?? 'null') as T;
  return {
    ready: () => next<Ready>(),
    rss: async () => {
      child.stdin.write('rss\n');
      return next<{ maxRssBytes: number; rssBytes: number }>();
    },
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.stdin.write('stop\n');
      }),
  };
}

/**
 * Uploads `size` bytes through the API's presigned part URLs: seconds until the last part is
 * stored, and seconds for the completion (s3rver copies every part into the object then; S3
 * does not, so the two are shown apart).
 */
async function presignedUpload(
  ready: Ready,
  size: number,
  afterParts: () => Promise<void>,
): Promise<{ partsSeconds: number; completeSeconds: number }> {
  const api = httpClient(ready.apiUrl);
  const started = Date.now();
  const created = await api<StartedShare>('POST', '/shares', ready.token, {
    name: 'bench.bin',
    size,
    contentType: 'application/octet-stream',
  });
  if (created.status !== 201) throw new Error(`POST /shares: ${created.status} ${created.text}`);
  const { id, partSize, partCount } = created.body;
  const urls = new Map(created.body.parts.map((p) => [p.partNumber, p.url]));
  for (let from = created.body.parts.length + 1; from <= partCount; from += 100) {
    const numbers = Array.from({ length: Math.min(100, partCount - from + 1) }, (_, i) => from + i);
    const more = await api<{ parts: { partNumber: number; url: string }[] }>(
      'POST',
      `/shares/${id}/parts`,
      ready.token,
      { partNumbers: numbers },
    );
    for (const part of more.body.parts) urls.set(part.partNumber, part.url);
  }
  let nextPart = 1;
  await Promise.all(
    Array.from({ length: PARTS_IN_FLIGHT }, async () => {
      while (nextPart <= partCount) {
        const n = nextPart++;
        const put = await putPart(urls.get(n)!, partBytes(size, partSize, n));
        if (put.status !== 200) throw new Error(`part ${n}: ${put.status}`);
      }
    }),
  );
  const partsDone = Date.now();
  await afterParts();
  let completed = await api('POST', `/shares/${id}/complete`, ready.token);
  // A client tries a failed completion again: it completes from S3's own view, so a retry is safe.
  if (completed.status >= 500) {
    console.error(`complete answered ${completed.status}; trying again`);
    completed = await api('POST', `/shares/${id}/complete`, ready.token);
  }
  if (completed.status !== 202) throw new Error(`complete: ${completed.status} ${completed.text}`);
  return {
    partsSeconds: (partsDone - started) / 1000,
    completeSeconds: (Date.now() - partsDone) / 1000,
  };
}

/** The same bytes, made the same way, in one PutObject straight to the local S3. */
async function directPut(ready: Ready, size: number, partSize: number): Promise<number> {
  const s3 = localS3Client(ready.s3Endpoint);
  const parts = Math.ceil(size / partSize);
  const body = Readable.from(
    (function* () {
      for (let n = 1; n <= parts; n++) yield partBytes(size, partSize, n);
    })(),
  );
  const started = Date.now();
  await s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_RESOURCE_NAMES.shareBucket,
      Key: 'bench/direct.bin',
      Body: body,
      ContentLength: size,
    }),
  );
  s3.destroy();
  return (Date.now() - started) / 1000;
}

console.log(
  'size      presigned parts     (+ s3rver completion)  direct PutObject    ratio (parts / with completion)   sesame process RSS: start -> peak',
);
for (const size of SIZES) {
  const sesame = startSesame();
  try {
    const ready = await sesame.ready();
    const before = await sesame.rss();
    let uploadPeak = 0;
    const presigned = await presignedUpload(ready, size, async () => {
      uploadPeak = (await sesame.rss()).maxRssBytes;
    });
    const direct = await directPut(ready, size, 8 * MiB);
    const after = await sesame.rss();
    const rate = (seconds: number) => `${(size / MiB / seconds).toFixed(0)} MiB/s`;
    const total = presigned.partsSeconds + presigned.completeSeconds;
    console.log(
      [
        `${mib(size)} MiB`.padEnd(11),
        `${presigned.partsSeconds.toFixed(1)} s ${rate(presigned.partsSeconds)}`.padEnd(20),
        `+ ${presigned.completeSeconds.toFixed(1)} s`.padEnd(23),
        `${direct.toFixed(1)} s ${rate(direct)}`.padEnd(20),
        `${(direct / presigned.partsSeconds).toFixed(2)} / ${(direct / total).toFixed(2)}`.padEnd(
          34,
        ),
        `${mib(before.rssBytes)} MiB -> ${mib(uploadPeak)} MiB after the parts, ${mib(after.maxRssBytes)} MiB after completion, scan and direct put`,
      ].join(''),
    );
  } finally {
    await sesame.stop();
  }
}
