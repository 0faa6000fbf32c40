import type { Mailbox, Tenant } from './model';
import type { TenancyStore } from './tenancy-store';

/** "Active users" are those seen through the API in this window. */
export const ACTIVE_WINDOW_DAYS = 30;
const PAGE = 200;

export interface TenantUsage {
  tenantId: string;
  name: string;
  tier: string;
  registeredUsers: number;
  activeUsers: number;
  leavers: number;
  largeMailboxSeats: number;
  largeMailboxSeatsUsed: number;
  storageUsedBytes: number;
  quotaAllocatedBytes: number;
}

export const USAGE_COLUMNS: (keyof TenantUsage)[] = [
  'tenantId',
  'name',
  'tier',
  'registeredUsers',
  'activeUsers',
  'leavers',
  'largeMailboxSeats',
  'largeMailboxSeatsUsed',
  'storageUsedBytes',
  'quotaAllocatedBytes',
];

async function* pages<T>(next: (cursor?: string) => Promise<{ items: T[]; next?: string }>) {
  let cursor: string | undefined;
  do {
    const page = await next(cursor);
    yield* page.items;
    cursor = page.next;
  } while (cursor);
}

/**
 * One tenant's usage, read from its members (GSI3 `TENANT#<id>#MEMBERS`): cost follows the
 * tenant's size, which billing needs anyway. Registered users are the active mailboxes; leavers
 * are counted apart (their mail is still kept and counts in storage).
 */
export async function tenantUsage(
  store: Pick<TenancyStore, 'listMembers'>,
  tenant: Tenant,
  now: Date,
): Promise<TenantUsage> {
  const since = new Date(now.getTime() - ACTIVE_WINDOW_DAYS * 86_400_000).toISOString();
  const usage: TenantUsage = {
    tenantId: tenant.id,
    name: tenant.name,
    tier: tenant.tier,
    registeredUsers: 0,
    activeUsers: 0,
    leavers: 0,
    largeMailboxSeats: tenant.largeMailboxSeats,
    largeMailboxSeatsUsed: tenant.largeMailboxSeatsUsed ?? 0,
    storageUsedBytes: 0,
    quotaAllocatedBytes: 0,
  };
  for await (const member of pages<Mailbox>((cursor) =>
    store.listMembers(tenant.id, PAGE, cursor),
  )) {
    usage.storageUsedBytes += member.usedBytes;
    if (member.status !== 'active') {
      usage.leavers++;
      continue;
    }
    usage.registeredUsers++;
    usage.quotaAllocatedBytes += member.quotaBytes;
    if (member.lastSeenAt && member.lastSeenAt >= since) usage.activeUsers++;
  }
  return usage;
}

/** Every tenant's usage and the platform's totals. */
export async function platformUsage(
  store: Pick<TenancyStore, 'listMembers' | 'listTenants'>,
  now: Date,
): Promise<{ tenants: TenantUsage[]; totals: Omit<TenantUsage, 'tenantId' | 'name' | 'tier'> }> {
  const tenants: TenantUsage[] = [];
  for await (const tenant of pages<Tenant>((cursor) => store.listTenants(PAGE, cursor))) {
    tenants.push(await tenantUsage(store, tenant, now));
  }
  const totals = {
    registeredUsers: 0,
    activeUsers: 0,
    leavers: 0,
    largeMailboxSeats: 0,
    largeMailboxSeatsUsed: 0,
    storageUsedBytes: 0,
    quotaAllocatedBytes: 0,
  };
  for (const usage of tenants) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += usage[key];
  }
  return { tenants, totals };
}

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function usageCsv(rows: TenantUsage[]): string {
  const lines = [
    USAGE_COLUMNS.join(','),
    ...rows.map((row) => USAGE_COLUMNS.map((c) => cell(row[c])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
