import type { FunctionId } from '../config/resource-names';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway v2 path syntax: `{name}` for a path parameter. */
  path: string;
  /** The Lambda (functions/<function>) that serves the route. */
  function: FunctionId;
  /** `jwt`: the JWT authorizer guards the route; `public`: nobody is asked for a token. */
  auth: 'jwt' | 'public';
}

/**
 * The one route table. CDK builds the HTTP API's routes from it and the local gateway
 * (infra/local/http-gateway) matches requests against it; handlers dispatch on `routeKey`.
 */
export const ROUTES = [
  { method: 'GET', path: '/mailboxes/me/messages', function: 'mailbox', auth: 'jwt' },
  { method: 'GET', path: '/mailboxes/me/messages/{id}', function: 'mailbox', auth: 'jwt' },
  { method: 'DELETE', path: '/mailboxes/me/messages/{id}', function: 'mailbox', auth: 'jwt' },
  // Inbound (issue 3): downloads as 303 to a presigned URL, and threads.
  {
    method: 'GET',
    path: '/mailboxes/me/messages/{id}/attachments/{n}',
    function: 'mailbox',
    auth: 'jwt',
  },
  { method: 'GET', path: '/mailboxes/me/messages/{id}/raw', function: 'mailbox', auth: 'jwt' },
  { method: 'GET', path: '/mailboxes/me/threads/{id}', function: 'mailbox', auth: 'jwt' },
  // Search (issue 11, item 5).
  { method: 'GET', path: '/mailboxes/me/search', function: 'mailbox', auth: 'jwt' },
  // Tenancy (issue 4): platform admin, tenant admin, and every user's own account.
  { method: 'POST', path: '/admin/tenants', function: 'admin', auth: 'jwt' },
  { method: 'GET', path: '/admin/tenants', function: 'admin', auth: 'jwt' },
  { method: 'PATCH', path: '/admin/tenants/{tenantId}', function: 'admin', auth: 'jwt' },
  { method: 'GET', path: '/admin/usage', function: 'admin', auth: 'jwt' },
  // Tenant domains (issue 8): the platform admin adds and removes, the tenant admin reads.
  { method: 'POST', path: '/admin/tenants/{tenantId}/domains', function: 'admin', auth: 'jwt' },
  {
    method: 'DELETE',
    path: '/admin/tenants/{tenantId}/domains/{domain}',
    function: 'admin',
    auth: 'jwt',
  },
  { method: 'GET', path: '/tenants/{tenantId}/domains', function: 'tenant-admin', auth: 'jwt' },
  { method: 'POST', path: '/tenants/{tenantId}/users', function: 'tenant-admin', auth: 'jwt' },
  {
    method: 'PATCH',
    path: '/tenants/{tenantId}/users/{address}',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/users/{address}/transfer',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  // Transfers need the receiving tenant's consent (issue 8): offers to and from a tenant.
  { method: 'GET', path: '/tenants/{tenantId}/transfers', function: 'tenant-admin', auth: 'jwt' },
  {
    method: 'GET',
    path: '/tenants/{tenantId}/transfers/{offerId}',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/transfers/{offerId}/accept',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/transfers/{offerId}/decline',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  {
    method: 'DELETE',
    path: '/tenants/{tenantId}/transfers/{offerId}',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  { method: 'POST', path: '/tenants/{tenantId}/imports', function: 'tenant-admin', auth: 'jwt' },
  {
    method: 'GET',
    path: '/tenants/{tenantId}/imports/{jobId}',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/imports/{jobId}/run',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  { method: 'GET', path: '/tenants/{tenantId}/usage', function: 'tenant-admin', auth: 'jwt' },
  { method: 'GET', path: '/directory', function: 'account', auth: 'jwt' },
  { method: 'GET', path: '/me', function: 'account', auth: 'jwt' },
  // Large-file share, core (issue 9): the owner's uploads, shares and audit trail.
  { method: 'POST', path: '/shares', function: 'shares', auth: 'jwt' },
  { method: 'GET', path: '/shares', function: 'shares', auth: 'jwt' },
  { method: 'GET', path: '/shares/{id}', function: 'shares', auth: 'jwt' },
  { method: 'DELETE', path: '/shares/{id}', function: 'shares', auth: 'jwt' },
  { method: 'POST', path: '/shares/{id}/parts', function: 'shares', auth: 'jwt' },
  { method: 'GET', path: '/shares/{id}/upload', function: 'shares', auth: 'jwt' },
  { method: 'POST', path: '/shares/{id}/complete', function: 'shares', auth: 'jwt' },
  { method: 'GET', path: '/shares/{id}/events', function: 'shares', auth: 'jwt' },
  // Share links, public side (issue 9, share-links): no token; the link's own token is the key.
  { method: 'GET', path: '/s/{token}', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/s/{token}/download', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/s/{token}/report', function: 'share-public', auth: 'public' },
  { method: 'GET', path: '/assets/{name}', function: 'share-public', auth: 'public' },
  // Request files, public side (issue 9, share-links): the upload page and what its script calls.
  { method: 'GET', path: '/r/{token}', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/r/{token}/files', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/r/{token}/files/{id}/parts', function: 'share-public', auth: 'public' },
  { method: 'GET', path: '/r/{token}/files/{id}/upload', function: 'share-public', auth: 'public' },
  {
    method: 'POST',
    path: '/r/{token}/files/{id}/complete',
    function: 'share-public',
    auth: 'public',
  },
  // [secure] delivery, public side (issue 10, item 10): the page, the code, files, the reply.
  { method: 'GET', path: '/m/{token}', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/m/{token}/code', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/m/{token}/open', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/m/{token}/files/{n}', function: 'share-public', auth: 'public' },
  { method: 'POST', path: '/m/{token}/reply', function: 'share-public', auth: 'public' },
  // Share links, the owner's side (issue 9, share-links): served by the shares function.
  { method: 'POST', path: '/shares/{id}/links', function: 'shares', auth: 'jwt' },
  { method: 'GET', path: '/shares/{id}/links', function: 'shares', auth: 'jwt' },
  { method: 'PATCH', path: '/shares/{id}/links/{linkId}', function: 'shares', auth: 'jwt' },
  { method: 'DELETE', path: '/shares/{id}/links/{linkId}', function: 'shares', auth: 'jwt' },
  // Request files, the staff member's side (issue 9, share-links).
  { method: 'POST', path: '/share-requests', function: 'shares', auth: 'jwt' },
  // Abuse and takedown (issue 9, share-links): the tenant admin's view of the tenant's shares.
  { method: 'GET', path: '/tenants/{tenantId}/shares', function: 'tenant-admin', auth: 'jwt' },
  {
    method: 'GET',
    path: '/tenants/{tenantId}/share-reports',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/shares/{shareId}/takedown',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  // Organise mail (issue 11): folders, flags and moves, recoverable items, changes, release.
  { method: 'GET', path: '/mailboxes/me/folders', function: 'mailbox', auth: 'jwt' },
  { method: 'POST', path: '/mailboxes/me/folders', function: 'mailbox', auth: 'jwt' },
  { method: 'PATCH', path: '/mailboxes/me/folders/{id}', function: 'mailbox', auth: 'jwt' },
  { method: 'DELETE', path: '/mailboxes/me/folders/{id}', function: 'mailbox', auth: 'jwt' },
  { method: 'PATCH', path: '/mailboxes/me/messages/{id}', function: 'mailbox', auth: 'jwt' },
  { method: 'POST', path: '/mailboxes/me/messages/bulk', function: 'mailbox', auth: 'jwt' },
  { method: 'GET', path: '/mailboxes/me/recoverable', function: 'mailbox', auth: 'jwt' },
  {
    method: 'POST',
    path: '/mailboxes/me/recoverable/{id}/restore',
    function: 'mailbox',
    auth: 'jwt',
  },
  { method: 'GET', path: '/mailboxes/me/changes', function: 'mailbox', auth: 'jwt' },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/mailboxes/{address}/messages/{id}/release',
    function: 'tenant-admin',
    auth: 'jwt',
  },
  // Sending (issue 10): compose and send, drafts.
  { method: 'POST', path: '/mailboxes/me/send', function: 'send', auth: 'jwt' },
  { method: 'POST', path: '/mailboxes/me/drafts', function: 'send', auth: 'jwt' },
  { method: 'PUT', path: '/mailboxes/me/drafts/{id}', function: 'send', auth: 'jwt' },
  { method: 'POST', path: '/mailboxes/me/drafts/{id}/send', function: 'send', auth: 'jwt' },
  { method: 'DELETE', path: '/mailboxes/me/drafts/{id}', function: 'send', auth: 'jwt' },
  { method: 'POST', path: '/mailboxes/me/uploads', function: 'send', auth: 'jwt' },
  // [secure] delivery (issue 10, item 10): who opened what of a secure message, and when.
  { method: 'GET', path: '/mailboxes/me/messages/{id}/secure', function: 'send', auth: 'jwt' },
  { method: 'DELETE', path: '/mailboxes/me/messages/{id}/secure', function: 'send', auth: 'jwt' },
  // Sending (issue 10): a tenant admin lifts the suppression of an address.
  {
    method: 'DELETE',
    path: '/tenants/{tenantId}/suppressions/{address}',
    function: 'tenant-admin',
    auth: 'jwt',
  },
] as const satisfies readonly Route[];

type TableRoute = (typeof ROUTES)[number];

/** `METHOD /path` of one route of the table, as API Gateway puts it in `event.routeKey`. */
type KeyOf<R extends TableRoute> = R extends TableRoute ? `${R['method']} ${R['path']}` : never;

export type RouteKey = KeyOf<TableRoute>;

/** The route keys a function serves: its handler's operation table is keyed by exactly these. */
export type RouteKeyOf<F extends FunctionId> = KeyOf<Extract<TableRoute, { function: F }>>;

export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
