import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { normaliseAddress } from '../address/address';
import {
  ROLE_GROUPS,
  type Account,
  type AccountState,
  type Identities,
  type RoleGroup,
} from './identities';

/** The user pool attribute that ties an account to a tenant (infra/constructs/mail-api.ts). */
export const TENANT_ATTRIBUTE = 'custom:tenantId';
/** ListUsers and ListUsersInGroup return at most 60 users a call. */
const LIST_PAGE = 60;

export interface CognitoIdentitiesOptions {
  userPoolId: string;
  /**
   * Revoke a leaver's refresh tokens (AdminUserGlobalSignOut) as well as disabling the account.
   * Default true. The local emulator (cognito-local 5.3.0) does not implement that call and
   * cannot revoke its tokens anyway; there, as in AWS, sesame's per-request mailbox check is
   * what refuses a leaver's ID token that is still unexpired.
   */
  signOutOnDisable?: boolean;
  /**
   * Email the new user Cognito's invitation (a temporary password to change at first sign-in).
   * Default true: nobody else tells a new member of staff how to sign in. A retried create
   * finds the account there and sends nothing again.
   */
  invite?: boolean;
}

type Client = Pick<CognitoIdentityProviderClient, 'send'>;

/** What putAccount needs to know of an existing account. */
interface StoredAccount {
  username: string;
  tenantId: string | undefined;
  enabled: boolean;
}

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((candidate) => candidate.Name === name)?.Value;

const isRoleGroup = (name: string | undefined): name is RoleGroup =>
  ROLE_GROUPS.some((group) => group === name);

const named = (error: unknown, name: string) => (error as { name?: string } | null)?.name === name;

/**
 * The Identities port on the Cognito user pool API. The pool signs in by email
 * (`signInAliases: { email: true }`), so every admin call names the account by its address.
 * Each write is preceded by a read of what is there, so doing it again changes nothing.
 */
export class CognitoIdentities implements Identities {
  private readonly signOutOnDisable: boolean;
  private readonly invite: boolean;

  constructor(
    private readonly client: Client,
    private readonly options: CognitoIdentitiesOptions,
  ) {
    this.signOutOnDisable = options.signOutOnDisable ?? true;
    this.invite = options.invite ?? true;
  }

  private get pool() {
    return { UserPoolId: this.options.userPoolId };
  }

  async putAccount(state: AccountState): Promise<{ created: boolean }> {
    let current = await this.getAccount(state.address);
    let created = false;
    if (!current) {
      const username = await this.create(state);
      created = username !== undefined;
      current = username
        ? { username, tenantId: state.tenantId, enabled: true }
        : await this.getAccount(state.address);
      if (!current) throw new Error(`${state.address}: the account vanished while being created`);
    }
    // The pool's own name for the account (its `sub` in AWS, where the address is an alias):
    // group membership is recorded under it.
    const Username = current.username;
    if (current.tenantId !== state.tenantId) {
      await this.client.send(
        new AdminUpdateUserAttributesCommand({
          ...this.pool,
          Username,
          UserAttributes: [{ Name: TENANT_ATTRIBUTE, Value: state.tenantId }],
        }),
      );
    }
    if (state.groups) {
      const held = created ? [] : await this.groupsOf(Username);
      for (const group of state.groups.filter((wanted) => !held.includes(wanted))) {
        await this.client.send(
          new AdminAddUserToGroupCommand({ ...this.pool, Username, GroupName: group }),
        );
      }
      for (const group of held.filter((had) => !state.groups?.includes(had))) {
        await this.client.send(
          new AdminRemoveUserFromGroupCommand({ ...this.pool, Username, GroupName: group }),
        );
      }
    }
    if (!state.enabled) {
      if (current.enabled) {
        await this.client.send(new AdminDisableUserCommand({ ...this.pool, Username }));
      }
      // Every time, not only when disabling: a retry must finish a sign-out that failed after
      // the account was disabled. Signing out a signed-out account changes nothing.
      if (this.signOutOnDisable) {
        await this.client.send(new AdminUserGlobalSignOutCommand({ ...this.pool, Username }));
      }
    } else if (!current.enabled) {
      await this.client.send(new AdminEnableUserCommand({ ...this.pool, Username }));
    }
    return { created };
  }

  async deleteAccount(address: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ ...this.pool, Username: address }));
    } catch (error) {
      if (!named(error, 'UserNotFoundException')) throw error;
    }
  }

  /**
   * One page of ListUsers; the role groups come from ListUsersInGroup, read in full for every
   * page (two groups, few members: cheaper than one AdminListGroupsForUser per account).
   */
  async listAccounts(cursor?: string): Promise<{ items: Account[]; next?: string }> {
    const members = new Map<string, RoleGroup[]>();
    for (const group of ROLE_GROUPS) {
      let token: string | undefined;
      do {
        const page = await this.client.send(
          new ListUsersInGroupCommand({
            ...this.pool,
            GroupName: group,
            Limit: LIST_PAGE,
            NextToken: token,
          }),
        );
        for (const user of page.Users ?? []) {
          const username = user.Username ?? '';
          members.set(username, [...(members.get(username) ?? []), group]);
        }
        token = page.NextToken;
      } while (token);
    }
    const page = await this.client.send(
      new ListUsersCommand({ ...this.pool, Limit: LIST_PAGE, PaginationToken: cursor }),
    );
    const items = (page.Users ?? []).map((user) => ({
      ...accountOf(user),
      groups: members.get(user.Username ?? '') ?? [],
    }));
    return { items, ...(page.PaginationToken && { next: page.PaginationToken }) };
  }

  /** The new account's username; undefined if someone created it meanwhile (caller reads it). */
  private async create(state: AccountState): Promise<string | undefined> {
    try {
      const answer = await this.client.send(
        new AdminCreateUserCommand({
          ...this.pool,
          Username: state.address,
          UserAttributes: [
            { Name: 'email', Value: state.address },
            // The tenant admin vouches for the address: it is a mailbox sesame hosts.
            { Name: 'email_verified', Value: 'true' },
            { Name: TENANT_ATTRIBUTE, Value: state.tenantId },
          ],
          ...(this.invite ? { DesiredDeliveryMediums: ['EMAIL'] } : { MessageAction: 'SUPPRESS' }),
        }),
      );
      return answer.User?.Username ?? state.address;
    } catch (error) {
      if (named(error, 'UsernameExistsException')) return undefined;
      throw error;
    }
  }

  private async getAccount(address: string): Promise<StoredAccount | undefined> {
    try {
      const user = await this.client.send(
        new AdminGetUserCommand({ ...this.pool, Username: address }),
      );
      return {
        username: user.Username ?? address,
        tenantId: attribute(user.UserAttributes, TENANT_ATTRIBUTE),
        enabled: user.Enabled ?? true,
      };
    } catch (error) {
      if (named(error, 'UserNotFoundException')) return undefined;
      throw error;
    }
  }

  private async groupsOf(Username: string): Promise<RoleGroup[]> {
    const groups: RoleGroup[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new AdminListGroupsForUserCommand({ ...this.pool, Username, NextToken: token }),
      );
      for (const group of page.Groups ?? []) {
        if (isRoleGroup(group.GroupName)) groups.push(group.GroupName);
      }
      token = page.NextToken;
    } while (token);
    return groups;
  }
}

function accountOf(user: UserType): Omit<Account, 'groups'> {
  return {
    address: normaliseAddress(attribute(user.Attributes, 'email') ?? user.Username ?? ''),
    tenantId: attribute(user.Attributes, TENANT_ATTRIBUTE),
    enabled: user.Enabled ?? true,
  };
}
