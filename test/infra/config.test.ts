import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '@shared/config/tiers';
import { buildApp } from '../../infra/build-app';
import {
  CONTEXT_KEYS,
  DEFAULT_REGION,
  readSesameConfig,
  SesameConfigError,
} from '../../infra/config';
import { cdkJsonContext, SKIP_BUNDLING } from './synth-sesame';

const valid = { [CONTEXT_KEYS.hostedDomains]: ['mail.sesame.example'] };
const read = (context: Record<string, unknown>) => readSesameConfig((key) => context[key]);

describe('the cdk.json context', () => {
  it('is valid as checked in, and its app command runs infra/app.ts', () => {
    const config = read(cdkJsonContext());
    expect(config.region).toBe('eu-west-1');
    expect(config.hostedDomains.length).toBeGreaterThan(0);
  });

  it('falls back to eu-west-1 and the default tiers', () => {
    expect(read(valid)).toEqual({
      region: DEFAULT_REGION,
      hostedDomains: ['mail.sesame.example'],
      tiers: DEFAULT_TIERS,
    });
  });

  it('accepts lists and numbers given as `-c key=value` strings', () => {
    const config = read({
      [CONTEXT_KEYS.hostedDomains]: 'a.example, b.example',
      [CONTEXT_KEYS.tiers]: '{"premium":{"maxLinkDays":45}}',
    });
    expect(config.hostedDomains).toEqual(['a.example', 'b.example']);
    expect(config.tiers.premium.maxLinkDays).toBe(45);
    expect(read({ [CONTEXT_KEYS.hostedDomains]: '["c.example"]' }).hostedDomains).toEqual([
      'c.example',
    ]);
  });

  it.each([
    [
      'no hosted domains',
      { [CONTEXT_KEYS.hostedDomains]: [] },
      /sesame:hostedDomains.*at least one/,
    ],
    ['missing hosted domains', {}, /sesame:hostedDomains/],
    [
      'a malformed domain',
      { [CONTEXT_KEYS.hostedDomains]: ['not a domain'] },
      /sesame:hostedDomains \(at 0\)/,
    ],
    ['a duplicate domain', { [CONTEXT_KEYS.hostedDomains]: ['a.example', 'A.example'] }, /unique/],
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
    const context = { ...cdkJsonContext(), ...SKIP_BUNDLING, [CONTEXT_KEYS.hostedDomains]: [] };
    expect(() => buildApp({ context })).toThrow(/invalid cdk context sesame:hostedDomains/);
  });
});
