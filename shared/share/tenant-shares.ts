import type { Tenant } from '../tenancy/model';
import type { Page } from '../tenancy/tenancy-store';
import { NoSuchShareError } from './errors';
import type { Share } from './model';
import { shareView, type ShareView } from './owner-shares';
import { shareEvent } from './share-events';
import type { ShareReport, ShareReportStore } from './share-reports';
import type { ShareStore } from './share-store';

/** What a tenant admin sees of their tenant's shares: the owner's view, and whose it is. */
export type TenantShareView = ShareView & {
  owner: string;
  takenDownAt?: string;
  takenDownBy?: string;
};

export interface TenantShareDeps {
  store: Pick<ShareStore, 'getShare' | 'listTenantShares' | 'takeDown'>;
  reports: Pick<ShareReportStore, 'listTenantReports'>;
  now?: () => Date;
}

function tenantShareView(share: Share): TenantShareView {
  return {
    ...shareView(share),
    owner: share.owner,
    ...(share.takenDownAt && { takenDownAt: share.takenDownAt }),
    ...(share.takenDownBy && { takenDownBy: share.takenDownBy }),
  };
}

/** GET /tenants/{tenantId}/shares: the tenant's shares, newest first. */
export async function listTenantShares(
  deps: TenantShareDeps,
  tenant: Tenant,
  page: { limit: number; cursor?: string },
): Promise<Page<TenantShareView>> {
  const found = await deps.store.listTenantShares(tenant.id, page.limit, page.cursor);
  return { items: found.items.map(tenantShareView), ...(found.next && { next: found.next }) };
}

/** GET /tenants/{tenantId}/share-reports: abuse reports of the tenant's shares, newest first. */
export function listTenantReports(
  deps: TenantShareDeps,
  tenant: Tenant,
  page: { limit: number; cursor?: string },
): Promise<Page<ShareReport>> {
  return deps.reports.listTenantReports(tenant.id, page.limit, page.cursor);
}

/**
 * POST /tenants/{tenantId}/shares/{shareId}/takedown: one write on the share, which every grant
 * checks, so all its links answer 410 at once. Another tenant's share is 404. Taking a share
 * down twice is a no-op.
 */
export async function takeDownShare(
  deps: TenantShareDeps,
  tenant: Tenant,
  shareId: string,
  by: string,
): Promise<TenantShareView> {
  const share = await deps.store.getShare(shareId);
  if (!share || share.tenantId !== tenant.id) throw new NoSuchShareError();
  if (share.takenDown) return tenantShareView(share);
  const at = (deps.now?.() ?? new Date()).toISOString();
  if (!(await deps.store.takeDown(share, by, at, shareEvent(share, 'taken-down', by, at)))) {
    throw new NoSuchShareError();
  }
  return tenantShareView({ ...share, takenDown: true, takenDownAt: at, takenDownBy: by });
}
