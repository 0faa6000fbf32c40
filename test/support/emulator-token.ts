import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { importJWK, SignJWT, type JWK } from 'jose';
import { CLAIMS } from '@shared/http/identity';
import type { RoleGroup } from '@shared/sign-in/identities';
import type { LocalRuntime } from '../../infra/local/local-runtime';

/** cognito-local signs every token with one static key pair, shipped in its package. */
const EMULATOR_KEY = createRequire(import.meta.url)(
  'cognito-local/lib/keys/cognitoLocal.private.json',
) as { jwk: JWK };
/** The `kid` the emulator's JWKS names its key by. */
const EMULATOR_KID = 'CognitoLocal';
/** Cognito's and the emulator's default ID token lifetime. */
const ID_TOKEN_SECONDS = 60 * 60;

export interface TokenClaims {
  address: string;
  tenantId: string;
  groups?: RoleGroup[];
}

/**
 * An ID token shaped and signed exactly as the running sesame's Cognito emulator issues them,
 * with the claims a test chooses, for the tests that need a token the directory and the user
 * pool do not back: groups the mailbox's stored role lacks, another tenant than its own, a
 * stale token. The gateway verifies it like any other (JWKS, issuer, audience). A test about
 * signing in uses the emulator itself (`sesame.cognito.signIn`).
 */
export async function emulatorToken(sesame: LocalRuntime, claims: TokenClaims): Promise<string> {
  const key = await importJWK(EMULATOR_KEY.jwk, 'RS256');
  return new SignJWT({
    [CLAIMS.address]: claims.address,
    email_verified: true,
    [CLAIMS.tenantId]: claims.tenantId,
    token_use: 'id',
    'cognito:username': claims.address,
    ...(claims.groups && claims.groups.length > 0 && { [CLAIMS.groups]: claims.groups }),
  })
    .setProtectedHeader({ alg: 'RS256', kid: EMULATOR_KID, typ: 'JWT' })
    .setIssuer(sesame.cognito.issuer)
    .setAudience(sesame.cognito.clientId)
    .setSubject(randomUUID())
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${ID_TOKEN_SECONDS}s`)
    .sign(key);
}
