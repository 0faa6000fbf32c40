import { createCipheriv, createHash } from 'node:crypto';
import type { HttpAnswer } from './http-client';

/**
 * Test-side helpers for the large-file share (issue 9): deterministic file content made part by
 * part (never the whole file at once) and the browser's side of an upload, plain fetch PUTs to
 * the presigned part URLs.
 */

const KEY = Buffer.alloc(16, 7);

/** Part `n` (1-based) of a file of `size` bytes cut in `partSize` parts: AES-CTR keystream, so
 * the same part is the same bytes every time it is made, fast and incompressible. */
export function partBytes(size: number, partSize: number, n: number): Buffer {
  const start = (n - 1) * partSize;
  const length = Math.max(0, Math.min(partSize, size - start));
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(n, 12);
  const cipher = createCipheriv('aes-128-ctr', KEY, iv);
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/** The SHA-256 of the whole file, made part by part. */
export function fileSha256(size: number, partSize: number): string {
  const hash = createHash('sha256');
  const parts = Math.max(1, Math.ceil(size / partSize));
  for (let n = 1; n <= parts; n++) hash.update(partBytes(size, partSize, n));
  return hash.digest('hex');
}

/** PUTs one part to its presigned URL as a browser would; answers S3's status and ETag. */
export async function putPart(url: string, body: Uint8Array, signal?: AbortSignal) {
  const response = await fetch(url, { method: 'PUT', body, ...(signal && { signal }) });
  await response.arrayBuffer();
  return { status: response.status, etag: response.headers.get('etag') };
}

export interface StartedShare {
  id: string;
  partSize: number;
  partCount: number;
  parts: { partNumber: number; url: string }[];
}

/** Uploads a small file in one part and completes it: the share then waits for its scan. */
export async function uploadSmallFile(
  api: <T = Record<string, unknown>>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ) => Promise<HttpAnswer<T>>,
  token: string,
  file: { name: string; contentType: string; bytes: Uint8Array },
): Promise<string> {
  const started = await api<StartedShare>('POST', '/shares', token, {
    name: file.name,
    size: file.bytes.byteLength,
    contentType: file.contentType,
  });
  if (started.status !== 201) throw new Error(`POST /shares: ${started.status} ${started.text}`);
  const [part] = started.body.parts;
  if (!part) throw new Error('no part URL');
  const put = await putPart(part.url, file.bytes);
  if (put.status !== 200) throw new Error(`part PUT: ${put.status}`);
  const completed = await api('POST', `/shares/${started.body.id}/complete`, token);
  if (completed.status !== 202) throw new Error(`complete: ${completed.status} ${completed.text}`);
  return started.body.id;
}
