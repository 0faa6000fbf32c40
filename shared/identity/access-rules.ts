import type { Caller } from '../http/identity';
import { ForbiddenError } from '../mailbox/read-mailbox';
import type { Mailbox, Tenant } from '../mailbox/model';
import { NoSuchTenantError } from './errors';
import type { TenancyStore } from './tenancy-store';

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
export const isTenantAdmin = (caller: Caller, own: Mailbox) =>
  caller.roles.includes('tenant-admin') &&
  own.role === 'tenant-admin' &&
  own.address === caller.address &&
  own.tenantId === caller.tenantId;

/** Platform routes: the role, and nothing else, opens them. */
export function requirePlatformAdmin(caller: Caller): void {
  if (!isPlatformAdmin(caller)) throw new ForbiddenError('This needs the platform-admin role.');
}

/**
 * The tenant a caller may administer. A platform admin may act on any tenant; a tenant admin
 * on their own only. Another tenant is 404 whatever the role, so nobody learns it exists;
 * a plain user of the same tenant is 403 (they know their own tenant exists).
 */
export async function administeredTenant(
  store: Pick<TenancyStore, 'getTenant'>,
  caller: Caller,
  own: Mailbox,
  tenantId: string,
): Promise<Tenant> {
  if (!isPlatformAdmin(caller)) {
    if (caller.tenantId !== tenantId) throw new NoSuchTenantError();
    if (!isTenantAdmin(caller, own)) {
      throw new ForbiddenError('This needs the tenant-admin role.');
    }
  }
  const tenant = await store.getTenant(tenantId);
  if (!tenant) throw new NoSuchTenantError();
  return tenant;
}

/**
 * A platform operator's mailbox (stored role `platform-admin`) is changed by platform admins
 * only (`by` absent: not a platform admin). Platform access needs the operator's own mailbox to
 * be active and in their tenant, so a tenant admin who could mark it a leaver, demote or transfer
 * it could lock the operator out.
 */
export function requireMayManage(caller: Caller | undefined, target: Mailbox): void {
  if (target.role === 'platform-admin' && !(caller && isPlatformAdmin(caller))) {
    throw new ForbiddenError(
      'This user is a platform operator; only a platform admin may change them.',
    );
  }
}
