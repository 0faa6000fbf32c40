import { domainError } from '../errors/domain-error';
import type { Caller, Role } from './caller';

export class ForbiddenError extends domainError('Forbidden') {}

/** What the rules read of a stored mailbox (shared/tenancy/model's Mailbox has all of it). */
export interface StoredRole {
  address: string;
  tenantId: string;
  role: Role;
}

/** Who acts: the token's caller and their own mailbox (as `ownMailbox` returned it). */
export interface Actor {
  caller: Caller;
  own: StoredRole;
}

/**
 * The one rule for admin rights: the token's group claim and the stored role of the caller's
 * own mailbox (`own`, as `ownMailbox` returned it: active and in the token's tenant). The group
 * outlives what the API changes: a demotion, a transfer (which resets the role) or an operator
 * taken off the platform only rewrite the mailbox, so the claim alone would keep the rights.
 */
const holds = (role: Role, caller: Caller, own: StoredRole) =>
  caller.roles.includes(role) &&
  own.role === role &&
  own.address === caller.address &&
  own.tenantId === caller.tenantId;

/** A platform operator: group `platform-admin` and that role stored on their own mailbox. */
export const isPlatformAdmin = (caller: Caller, own: StoredRole) =>
  holds('platform-admin', caller, own);

/** A tenant administrator (of `own.tenantId`): group and stored role `tenant-admin`. */
export const isTenantAdmin = (caller: Caller, own: StoredRole) =>
  holds('tenant-admin', caller, own);

/** Platform routes: the role, and nothing else, opens them. */
export function requirePlatformAdmin(caller: Caller, own: StoredRole): void {
  if (!isPlatformAdmin(caller, own)) {
    throw new ForbiddenError('This needs the platform-admin role.');
  }
}

/**
 * A platform operator's mailbox (stored role `platform-admin`) is changed by platform admins
 * only (`by` absent: not a platform admin). Platform access needs the operator's own mailbox to
 * be active, in their tenant and still holding the role, so a tenant admin who could mark it a
 * leaver, demote or transfer it could lock the operator out.
 */
export function requireMayManage(by: Actor | undefined, target: StoredRole): void {
  if (target.role === 'platform-admin' && !(by && isPlatformAdmin(by.caller, by.own))) {
    throw new ForbiddenError(
      'This user is a platform operator; only a platform admin may change them.',
    );
  }
}
