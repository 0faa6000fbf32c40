import { domainError } from '../errors/domain-error';
import type { Caller, Role } from './caller';

export class ForbiddenError extends domainError('Forbidden') {}

/** What the rules read of a stored mailbox (shared/tenancy/model's Mailbox has all of it). */
export interface StoredRole {
  address: string;
  tenantId: string;
  role: Role;
}

/**
 * Platform operators: the Cognito group is the source of truth (operators are managed in the
 * user pool, not through this API), so the claim alone opens the platform routes.
 */
export const isPlatformAdmin = (caller: Caller) => caller.roles.includes('platform-admin');

/**
 * Tenant administrators need both the group claim and the stored role of their own mailbox
 * (`own`, as `ownMailbox` returned it: active and in the token's tenant). The group outlives
 * what the API changes: a demotion (`role: "user"`) or a transfer (which resets the role) only
 * rewrite the mailbox, so the claim alone would keep the rights.
 */
export const isTenantAdmin = (caller: Caller, own: StoredRole) =>
  caller.roles.includes('tenant-admin') &&
  own.role === 'tenant-admin' &&
  own.address === caller.address &&
  own.tenantId === caller.tenantId;

/** Platform routes: the role, and nothing else, opens them. */
export function requirePlatformAdmin(caller: Caller): void {
  if (!isPlatformAdmin(caller)) throw new ForbiddenError('This needs the platform-admin role.');
}

/**
 * A platform operator's mailbox (stored role `platform-admin`) is changed by platform admins
 * only (`by` absent: not a platform admin). Platform access needs the operator's own mailbox to
 * be active and in their tenant, so a tenant admin who could mark it a leaver, demote or transfer
 * it could lock the operator out.
 */
export function requireMayManage(caller: Caller | undefined, target: StoredRole): void {
  if (target.role === 'platform-admin' && !(caller && isPlatformAdmin(caller))) {
    throw new ForbiddenError(
      'This user is a platform operator; only a platform admin may change them.',
    );
  }
}
