import type { Caller } from '../http/identity';
import { ForbiddenError } from '../mailbox/read-mailbox';
import type { Tenant } from '../mailbox/model';
import { NoSuchTenantError } from './errors';
import type { TenancyStore } from './tenancy-store';

export const isPlatformAdmin = (caller: Caller) => caller.roles.includes('platform-admin');

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
  tenantId: string,
): Promise<Tenant> {
  const own = caller.tenantId === tenantId;
  if (!isPlatformAdmin(caller)) {
    if (!own) throw new NoSuchTenantError();
    if (!caller.roles.includes('tenant-admin')) {
      throw new ForbiddenError('This needs the tenant-admin role.');
    }
  }
  const tenant = await store.getTenant(tenantId);
  if (!tenant) throw new NoSuchTenantError();
  return tenant;
}
