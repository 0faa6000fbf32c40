import { afterAll, beforeAll } from 'vitest';
import { resolveTiers } from '@shared/config/tiers';
import type { Actor } from '@shared/identity/access-rules';
import type { Caller } from '@shared/identity/caller';
import { startLocalWorld, type LocalWorld } from './local-world';

/** Tiny tiers: the numbers are configuration, and small ones read easily. */
export const TINY_TIERS = resolveTiers({
  commodity: { mailboxBytes: 1_000_000 },
  premium: { mailboxBytes: 2_000_000, largeMailboxBytes: 50_000_000 },
});

/** The tenancy tests' clock. */
export const TEST_NOW = new Date('2026-11-20T09:00:00Z');

/** A plain user's identity, as the token would give it. */
export const plainCaller = (address: string, tenantId: string): Caller => ({
  address,
  tenantId,
  roles: ['user'],
});

/** Fresh local stand-ins for this test file (Cognito emulator included): started before its tests, stopped after. */
export function useLocalWorld(ready: (world: LocalWorld) => void): void {
  let world: LocalWorld | undefined;
  beforeAll(async () => {
    world = await startLocalWorld({ identities: true });
    ready(world);
  });
  afterAll(async () => {
    await world?.stop();
  });
}

/** A tenant admin acting on their own tenant, as the tenant admin API passes them on. */
export const tenantAdmin = (address: string, tenantId: string): Actor => ({
  caller: { address, tenantId, roles: ['user', 'tenant-admin'] },
  own: { address, tenantId, role: 'tenant-admin' },
});
