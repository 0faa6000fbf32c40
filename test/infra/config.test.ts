import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { buildApp } from '../../infra/build-app';
import {
  CONTEXT_KEYS,
  DEFAULT_REGION,
  readSesameConfig,
  REMOVED_HOSTED_DOMAINS_KEY,
  SesameConfigError,
} from '../../infra/config';
import { cdkJsonContext, SKIP_BUNDLING } from './synth-sesame';

const valid = {};
const read = (context: Record<string, unknown>) => readSesameConfig((key) => context[key]);

describe('the cdk.json context', () => {
  it('is valid as checked in, and its app command runs infra/app.ts', () => {
    const config = read(cdkJsonContext());
    expect(config.region).toBe('eu-west-1');
    expect(cdkJsonContext()).not.toHaveProperty([REMOVED_HOSTED_DOMAINS_KEY]);
  });

  it('falls back to eu-west-1 and the default tiers', () => {
    expect(read(valid)).toEqual({
      region: DEFAULT_REGION,
      tiers: DEFAULT_TIERS,
      shareUploadOrigins: [],
    });
  });

  it('accepts objects and numbers given as `-c key=value` strings', () => {
    const config = read({
      [CONTEXT_KEYS.tiers]: '{"premium":{"maxLinkDays":45}}',
    });
    expect(config.tiers.premium.maxLinkDays).toBe(45);
  });

  it.each([
    [
      'the removed static list of hosted domains',
      { [REMOVED_HOSTED_DOMAINS_KEY]: ['mail.sesame.example'] },
      /sesame:hostedDomains is no longer read.*POST \/admin\/tenants/,
    ],
    ['a malformed region', { ...valid, [CONTEXT_KEYS.region]: 'Ireland' }, /sesame:region/],
    [
      'a negative quota',
      { ...valid, [CONTEXT_KEYS.tiers]: { commodity: { mailboxBytes: -1 } } },
      /sesame:tiers.*commodity\.mailboxBytes/,
    ],
    ['an unknown tier', { ...valid, [CONTEXT_KEYS.tiers]: { gold: {} } }, /sesame:tiers/],
    ['tiers that are not an object', { ...valid, [CONTEXT_KEYS.tiers]: 'lots' }, /sesame:tiers/],
  ])('rejects %s with a SesameConfigError naming the key', (_name, context, message) => {
    expect(() => read(context)).toThrow(SesameConfigError);
    expect(() => read(context)).toThrow(message);
  });

  it('stops buildApp before any stack is built', () => {
    const context = { ...cdkJsonContext(), ...SKIP_BUNDLING, [CONTEXT_KEYS.region]: 'Ireland' };
    expect(() => buildApp({ context })).toThrow(/invalid cdk context sesame:region/);
  });
});
