import * as z from '@shared/validation/zod';
import { resolveTiers, TierConfigError, type TierTable } from '@shared/config/tiers';

/** The cdk.json context keys the app reads; `cdk synth -c <key>=<value>` overrides them. */
export const CONTEXT_KEYS = {
  region: 'sesame:region',
  tiers: 'sesame:tiers',
  // Large-file share (issue 9): web origins that upload parts straight to the share bucket.
  shareUploadOrigins: 'sesame:shareUploadOrigins',
} as const;

/** SES receives mail only in some regions; eu-west-1 is one of them (DESIGN, Tiers). */
export const DEFAULT_REGION = 'eu-west-1';

/** Everything the stacks need from configuration, validated once. */
export interface SesameConfig {
  region: string;
  tiers: TierTable;
  /** Besides the API's own origin (the public request page), e.g. a web client's. */
  shareUploadOrigins: string[];
}

export class SesameConfigError extends Error {
  readonly code = 'InvalidCdkContext';
}

/**
 * The static list of hosted domains that the table replaced: a deployment still giving it would
 * expect it to do something, so it is refused rather than ignored.
 */
export const REMOVED_HOSTED_DOMAINS_KEY = 'sesame:hostedDomains';

const contextSchema = z.object({
  region: z._default(
    z
      .string()
      .check(z.regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1')),
    DEFAULT_REGION,
  ),
  shareUploadOrigins: z._default(
    z.array(
      z.string().check(z.regex(/^https:\/\/[a-z0-9.-]+(?::\d+)?$/i, 'must be an https origin')),
    ),
    [],
  ),
});

/**
 * `-c key=value` on the command line always gives a string; cdk.json gives JSON values. Objects
 * given on the command line are therefore accepted as JSON text.
 */
function fromCommandLine(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return value; // let the schema report the bad value
    }
  }
  return value;
}

/**
 * Reads and validates the sesame context (cdk.json, `-c`, or an App's `context` prop). A bad value
 * throws a SesameConfigError naming the context key, so `cdk synth` fails before building anything.
 */
export function readSesameConfig(tryGetContext: (key: string) => unknown): SesameConfig {
  if (tryGetContext(REMOVED_HOSTED_DOMAINS_KEY) !== undefined) {
    throw new SesameConfigError(
      `cdk context ${REMOVED_HOSTED_DOMAINS_KEY} is no longer read: tenant domains live in the ` +
        'table; add them with POST /admin/tenants/{tenantId}/domains',
    );
  }
  const parsed = contextSchema.safeParse({
    region: tryGetContext(CONTEXT_KEYS.region),
    shareUploadOrigins: fromCommandLine(tryGetContext(CONTEXT_KEYS.shareUploadOrigins)),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    const key = CONTEXT_KEYS[field as keyof typeof CONTEXT_KEYS] ?? String(field ?? '(root)');
    const at = issue && issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
    throw new SesameConfigError(
      `invalid cdk context ${key}${at}: ${issue?.message ?? 'invalid value'}`,
    );
  }

  let tiers: TierTable;
  try {
    tiers = resolveTiers(fromCommandLine(tryGetContext(CONTEXT_KEYS.tiers)));
  } catch (error) {
    if (!(error instanceof TierConfigError)) throw error;
    throw new SesameConfigError(`invalid cdk context ${CONTEXT_KEYS.tiers}: ${error.message}`);
  }

  return { ...parsed.data, tiers };
}
