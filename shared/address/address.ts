/**
 * Mail addresses and domain names: how sesame compares them and what it accepts. A leaf: the
 * mailbox, tenancy, inbound and HTTP layers and the CDK app all read the same rules here.
 */

/** Mailbox addresses compare case-insensitively; we store them lower-cased. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The domain part of an address, lower-cased. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : normaliseAddress(address.slice(at + 1));
}

/** A DNS name of at least two labels, lower case: what a hosted domain must look like. */
export const DOMAIN_NAME_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
