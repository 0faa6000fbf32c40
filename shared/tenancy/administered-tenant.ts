import type { Caller } from '../identity/caller';
import { ForbiddenError, isPlatformAdmin, isTenantAdmin } from '../identity/access-rules';
import { NoSuchTenantError } from './errors';
import type { AccountReads, Mailbox, Tenant } from './model';

/**
 * The tenant a caller may administer. A platform admin may act on any tenant; a tenant admin
 * on their own only. Another tenant is 404 whatever the role, so nobody learns it exists;
 * a plain user of the same tenant is 403 (they know their own tenant exists).
 */
export async function administeredTenant(
  store: Pick<AccountReads, 'getTenant'>,
  caller: Caller,
  own: Mailbox,
  tenantId: string,
): Promise<Tenant> {
  if (!isPlatformAdmin(caller, own)) {
    if (caller.tenantId !== tenantId) throw new NoSuchTenantError();
    if (!isTenantAdmin(caller, own)) {
      throw new ForbiddenError('This needs the tenant-admin role.');
    }
  }
  const tenant = await store.getTenant(tenantId);
  if (!tenant) throw new NoSuchTenantError();
  return tenant;
}
