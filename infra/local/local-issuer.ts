import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Role } from '@shared/identity/caller';
import { CLAIMS } from '@shared/http/identity';

/** Stands in for the Cognito user pool's issuer URL; fixed so tokens survive a port change. */
export const LOCAL_ISSUER = 'urn:sesame:local-issuer';
/** Stands in for the Cognito app client id, the `aud` of an ID token. */
export const LOCAL_AUDIENCE = 'sesame-local-client';
/** Asymmetric like Cognito's RS256, so the gateway holds no signing secret; ES256 is faster. */
const ALGORITHM = 'ES256';
/** Cognito's default ID token lifetime. */
export const TOKEN_LIFETIME_SECONDS = 60 * 60;
const ISSUER_FILE = 'issuer.json';

interface IssuerFile {
  alg: typeof ALGORITHM;
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: string;
}

export interface IdTokenSubject {
  address: string;
  tenantId: string;
  groups?: Exclude<Role, 'user'>[];
}

export interface LocalIssuer {
  /** An ID token shaped like Cognito's, with sesame's claim names. */
  sign(subject: IdTokenSubject): Promise<string>;
  /** Checks signature, `iss`, `aud` and `exp` the way API Gateway's JWT authorizer does. */
  verify(token: string): Promise<JWTPayload>;
}

export class IssuerMissingError extends Error {
  readonly code = 'IssuerMissing';
}

/** Cognito's `sub` is a stable UUID per user; derive one from the address so it stays put. */
function subjectId(address: string): string {
  const hex = createHash('sha256').update(address.toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function issuerFrom(file: IssuerFile): Promise<LocalIssuer> {
  const privateKey = (await importJWK(file.privateJwk, file.alg)) as CryptoKey;
  const publicKey = (await importJWK(file.publicJwk, file.alg)) as CryptoKey;
  return {
    sign({ address, tenantId, groups = [] }) {
      const claims: JWTPayload = {
        [CLAIMS.address]: address,
        [CLAIMS.tenantId]: tenantId,
        email_verified: true,
        token_use: 'id',
        ...(groups.length > 0 && { [CLAIMS.groups]: groups }),
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: file.alg, kid: file.kid, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(subjectId(address))
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
        .sign(privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [file.alg],
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    },
  };
}

/** The issuer of a data dir; `IssuerMissingError` if `npm start` never ran there. */
export async function loadIssuer(dataDir: string): Promise<LocalIssuer> {
  let text: string;
  try {
    text = await readFile(join(dataDir, ISSUER_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new IssuerMissingError(`no ${ISSUER_FILE} in ${dataDir}`);
  }
  return issuerFrom(JSON.parse(text) as IssuerFile);
}

/**
 * The issuer of a data dir, with a key pair made on first use and kept (owner-only) in
 * `<dataDir>/issuer.json`, so tokens stay valid across restarts.
 */
export async function loadOrCreateIssuer(dataDir: string): Promise<LocalIssuer> {
  try {
    return await loadIssuer(dataDir);
  } catch (error) {
    if (!(error instanceof IssuerMissingError)) throw error;
  }
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const file: IssuerFile = {
    alg: ALGORITHM,
    kid: randomUUID(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
    createdAt: new Date().toISOString(),
  };
  try {
    // `wx`: if another start won the race, its key is the one to use.
    await writeFile(join(dataDir, ISSUER_FILE), JSON.stringify(file, null, 2), {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadIssuer(dataDir);
  }
  return issuerFrom(file);
}
