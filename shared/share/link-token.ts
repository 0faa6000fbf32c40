import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 bytes from the CSPRNG: 256 bits, as base64url (43 characters, no padding). */
export const LINK_TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface LinkToken {
  /** Goes into the URL, once, to the owner; never stored. */
  token: string;
  /** What the table keeps: the hex SHA-256 of the token. */
  hash: string;
}

/** A new link token and its hash. */
export function newLinkToken(): LinkToken {
  const token = randomBytes(LINK_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

/**
 * The hash a token is stored under, or undefined when the text cannot be a token we issued.
 * A lookup by hash is already constant-time in what it reveals about the token: the hash of a
 * near-miss shares nothing with the real one.
 */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isWellFormedToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** Equality of two secrets (hashes, derived keys) without an early exit. */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  // Lengths of hashes and derived keys are public (fixed by the algorithm); only equal-length
  // buffers are compared byte by byte.
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}
