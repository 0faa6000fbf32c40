import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { constantTimeEqual } from './link-token';

/**
 * scrypt (node:crypto, no dependency) at one of OWASP's equivalent minimum costs: N = 2^15,
 * r = 8, p = 3 (the same work as N = 2^17, p = 1, with 32 MiB of memory instead of 128, which
 * suits a 512 MB Lambda). The parameters are stored with each hash, so raising them later
 * leaves old links readable.
 */
export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt refuses a cost over maxmem; 128 * N * r plus headroom. */
const maxmemFor = (cost: { N: number; r: number }) => 128 * cost.N * cost.r + 16 * 1024 * 1024;

/** The shortest password a link takes: anything shorter falls to the per-link limit too soon. */
export const MIN_LINK_PASSWORD_LENGTH = 8;
/** The longest password a link takes: a passphrase, not a file. */
export const MAX_LINK_PASSWORD_LENGTH = 200;

function derive(password: string, salt: Buffer, cost: ScryptOptions & { N: number; r: number }) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { ...cost, maxmem: maxmemFor(cost) },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** `scrypt$N$r$p$<salt b64url>$<key b64url>` */
export async function hashLinkPassword(
  password: string,
  cost: { N: number; r: number; p: number } = SCRYPT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return [
    'scrypt',
    cost.N,
    cost.r,
    cost.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** True when `password` is the one `stored` was made from; the keys are compared in constant time. */
export async function verifyLinkPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return constantTimeEqual(actual, expected);
}
