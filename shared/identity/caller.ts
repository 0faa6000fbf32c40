/**
 * Who is calling, whatever carried the claim (an API Gateway JWT today). A leaf: domain code
 * takes this type, never the HTTP event, so it does not depend on shared/http.
 */
export type Role = 'user' | 'tenant-admin' | 'platform-admin';

/** The roles a token's groups may grant; every caller is a `user`. */
export const GRANTABLE_ROLES: readonly Role[] = ['tenant-admin', 'platform-admin'];

export interface Caller {
  address: string;
  tenantId: string;
  roles: Role[];
}
