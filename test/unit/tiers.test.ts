import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, resolveTiers, TierConfigError } from '@shared/config/tiers';

describe('the tier table', () => {
  it('defaults to the design numbers', () => {
    expect(resolveTiers(undefined)).toEqual(DEFAULT_TIERS);
    expect(DEFAULT_TIERS.commodity.mailboxBytes).toBe(4 * 1024 ** 3);
    expect(DEFAULT_TIERS.premium.largeMailboxBytes).toBe(50 * 1024 ** 3);
  });

  it('keeps the defaults for what an override leaves out', () => {
    const tiers = resolveTiers({ commodity: { mailboxBytes: 1_000_000 } });
    expect(tiers.commodity.mailboxBytes).toBe(1_000_000);
    expect(tiers.commodity.maxLinkDays).toBe(DEFAULT_TIERS.commodity.maxLinkDays);
    expect(tiers.premium).toEqual(DEFAULT_TIERS.premium);
  });

  it.each([
    [{ commodity: { mailboxBytes: -1 } }, 'commodity.mailboxBytes'],
    [{ premium: { maxLinkDays: 'ten' } }, 'premium.maxLinkDays'],
    [{ gold: {} }, '(root)'],
    [{ commodity: { mailboxBites: 5 } }, 'commodity'],
  ])('names the bad field of %j', (override, field) => {
    expect(() => resolveTiers(override)).toThrow(TierConfigError);
    expect(() => resolveTiers(override)).toThrow(field);
  });
});
