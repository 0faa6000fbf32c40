import type { Role } from '../identity/caller';

/** The identity provider's groups that carry a role (the same names as the roles). */
export const ROLE_GROUPS = ['tenant-admin', 'platform-admin'] as const satisfies readonly Role[];
export type RoleGroup = (typeof ROLE_GROUPS)[number];

/** A sign-in account as the identity provider holds it. */
export interface Account {
  address: string;
  tenantId: string | undefined;
  groups: RoleGroup[];
  enabled: boolean;
}

/**
 * What the directory wants an account to be. Fields left out are left as they are (a profile
 * change does not touch groups an operator may have set in the user pool).
 */
export interface AccountState {
  address: string;
  tenantId: string;
  /** Exactly these role groups; absent: groups unchanged. */
  groups?: RoleGroup[];
  /** false: disabled and signed out everywhere (a leaver). */
  enabled: boolean;
}

/**
 * The identity provider's sign-in accounts (Cognito in both worlds: the user pool in AWS, a
 * Cognito-API emulator locally). Every write is idempotent and converges on the state asked
 * for, whatever part of it an earlier, failed attempt already wrote, so the tenancy functions
 * retry by simply doing the operation again.
 */
export interface Identities {
  /** Creates the account if absent, then sets tenant, groups and enabled as asked. */
  putAccount(state: AccountState): Promise<{ created: boolean }>;
  /** Removes the account; nothing to do if it is not there. */
  deleteAccount(address: string): Promise<void>;
  /** Every account, a page at a time (for reconcile). */
  listAccounts(cursor?: string): Promise<{ items: Account[]; next?: string }>;
}

/**
 * What the directory holds that an account follows (a tenancy `Mailbox` is one). Structural, so
 * that tenancy, which calls this port, is not imported back.
 */
export interface MailboxAccount {
  address: string;
  tenantId: string;
  role: Role;
  status: 'active' | 'leaver';
}

/** The groups a stored role gives: a role is one group, a plain user none. */
export const groupsFor = (role: Role): RoleGroup[] => (role === 'user' ? [] : [role]);

/** The account a mailbox should have, as the directory says (the directory is the source). */
export function accountStateOf(mailbox: MailboxAccount): Required<AccountState> {
  return {
    address: mailbox.address,
    tenantId: mailbox.tenantId,
    groups: groupsFor(mailbox.role),
    enabled: mailbox.status === 'active',
  };
}
