import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { normaliseAddress } from '../address/address';
import { GRANTABLE_ROLES, type Caller, type Role } from '../identity/caller';
import { HttpProblemError } from './problem';

/**
 * The claims sesame reads from a token. Cognito ID tokens carry them natively (`email`,
 * the custom attribute `custom:tenantId`, the groups in `cognito:groups`); the local issuer
 * (infra/local) signs tokens with the same names.
 */
export const CLAIMS = {
  address: 'email',
  tenantId: 'custom:tenantId',
  groups: 'cognito:groups',
  tokenUse: 'token_use',
} as const;

/**
 * Only ID tokens name the caller: a Cognito access token carries neither `email` nor
 * `custom:tenantId` as the ID token does, and sesame's rules are written against the ID token's
 * claims, so an access token (`token_use: "access"`) or a token without the claim is 401.
 */
export const ACCEPTED_TOKEN_USE = 'id';

/**
 * API Gateway hands JWT claims over as strings; a list claim arrives as `[a b]`. The local
 * gateway does the same, so one parser serves both worlds.
 */
function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** Who is calling, from the claims the authorizer verified. No claims: 401. */
export function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  if (claims[CLAIMS.tokenUse] !== ACCEPTED_TOKEN_USE) {
    throw new HttpProblemError('Unauthorized', 'Only an ID token is accepted here.');
  }
  const address = claims[CLAIMS.address];
  const tenantId = claims[CLAIMS.tenantId];
  if (typeof address !== 'string' || !address || typeof tenantId !== 'string' || !tenantId) {
    throw new HttpProblemError('Unauthorized', 'The token does not name a mailbox and tenant.');
  }
  const groups = parseGroups(claims[CLAIMS.groups]);
  const roles: Role[] = ['user', ...GRANTABLE_ROLES.filter((role) => groups.includes(role))];
  return { address: normaliseAddress(address), tenantId, roles };
}
