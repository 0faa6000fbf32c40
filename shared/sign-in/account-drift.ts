import { accountStateOf, type Account, type Identities, type MailboxAccount } from './identities';

export type { MailboxAccount };

/** What the directory (the table) says of each mailbox, a page at a time. */
export interface MailboxAccounts {
  listMailboxAccounts(cursor?: string): Promise<{ items: MailboxAccount[]; next?: string }>;
}

export interface AccountDrift {
  address: string;
  /** What differs; the directory is right, the user pool is to be brought in line. */
  problem: 'no-account' | 'no-mailbox' | 'tenant' | 'groups' | 'enabled';
  directory?: string;
  identityProvider?: string;
}

const sameGroups = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Every disagreement between the directory and the user pool: a mailbox without an account
 * (nobody can sign in to it), an account without a mailbox, and for the others the tenant,
 * the role groups and enabled (active) against disabled (leaver). A report only: the table
 * is the source of truth, and doing the tenancy operation again brings the account in line.
 */
export async function findAccountDrift(
  directory: MailboxAccounts,
  identities: Pick<Identities, 'listAccounts'>,
): Promise<{ mailboxes: number; accounts: number; drift: AccountDrift[] }> {
  const accounts = new Map<string, Account>();
  let cursor: string | undefined;
  do {
    const page = await identities.listAccounts(cursor);
    for (const account of page.items) accounts.set(account.address, account);
    cursor = page.next;
  } while (cursor);

  const drift: AccountDrift[] = [];
  let mailboxes = 0;
  const seen = new Set<string>();
  do {
    const page = await directory.listMailboxAccounts(cursor);
    for (const mailbox of page.items) {
      mailboxes++;
      seen.add(mailbox.address);
      const want = accountStateOf(mailbox);
      const have = accounts.get(mailbox.address);
      const address = mailbox.address;
      if (!have) {
        drift.push({
          address,
          problem: 'no-account',
          directory: `${mailbox.status} in ${mailbox.tenantId}`,
        });
        continue;
      }
      if (have.tenantId !== want.tenantId) {
        drift.push({
          address,
          problem: 'tenant',
          directory: want.tenantId,
          identityProvider: have.tenantId ?? '(none)',
        });
      }
      if (!sameGroups(have.groups, want.groups)) {
        drift.push({
          address,
          problem: 'groups',
          directory: want.groups.join(' ') || '(none)',
          identityProvider: have.groups.join(' ') || '(none)',
        });
      }
      if (have.enabled !== want.enabled) {
        drift.push({
          address,
          problem: 'enabled',
          directory: mailbox.status,
          identityProvider: have.enabled ? 'enabled' : 'disabled',
        });
      }
    }
    cursor = page.next;
  } while (cursor);
  for (const account of accounts.values()) {
    if (!seen.has(account.address)) {
      drift.push({
        address: account.address,
        problem: 'no-mailbox',
        identityProvider: `account in ${account.tenantId ?? '(no tenant)'}`,
      });
    }
  }
  return { mailboxes, accounts: accounts.size, drift };
}
