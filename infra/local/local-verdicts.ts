import { domainError } from '@shared/errors/domain-error';
import * as z from '@shared/validation/zod';

/** The env var `npm start` reads; see the README (Running it locally). */
export const LOCAL_VERDICTS_ENV = 'SESAME_LOCAL_VERDICTS';

const VERDICT_NAMES = ['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const;
type VerdictName = (typeof VERDICT_NAMES)[number];
const statusSchema = z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED']);
export type VerdictStatus = z.infer<typeof statusSchema>;

/** The five verdicts the local listener puts in every notification it queues. */
export type LocalVerdicts = Record<VerdictName, VerdictStatus>;

/**
 * What the listener reports when nothing says otherwise: it checks nothing, so GRAY ("could
 * not be determined") for all five, and no sender is authenticated (no bounce is sent).
 */
export const UNCHECKED_VERDICTS: LocalVerdicts = {
  spam: 'GRAY',
  virus: 'GRAY',
  spf: 'GRAY',
  dkim: 'GRAY',
  dmarc: 'GRAY',
};

/**
 * The shorthands set the sender-authentication verdicts (SPF, DKIM, DMARC) only; spam and virus
 * stay GRAY, since nothing local scans for them.
 */
const SHORTHANDS = { pass: 'PASS', gray: 'GRAY', fail: 'FAIL' } as const;

/**
 * `npm start`'s default: PASS, so that the demo bounces mail for a missing mailbox as SES would
 * for an authenticated sender. The listener only listens on 127.0.0.1: its senders are local.
 */
export const DEFAULT_LOCAL_VERDICTS = 'pass';

const overridesSchema = z.strictObject({
  spam: z.optional(statusSchema),
  virus: z.optional(statusSchema),
  spf: z.optional(statusSchema),
  dkim: z.optional(statusSchema),
  dmarc: z.optional(statusSchema),
});

export class LocalVerdictsError extends domainError('InvalidLocalVerdicts') {}

/**
 * `pass`, `gray` or `fail` (SPF, DKIM and DMARC at once), or a JSON object naming any of the
 * five verdicts, e.g. `{"spf":"FAIL","dkim":"PASS"}` (the others GRAY).
 */
export function parseLocalVerdicts(text: string): LocalVerdicts {
  const value = text.trim();
  const shorthand = SHORTHANDS[value.toLowerCase() as keyof typeof SHORTHANDS];
  if (shorthand)
    return { ...UNCHECKED_VERDICTS, spf: shorthand, dkim: shorthand, dmarc: shorthand };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new LocalVerdictsError(
      `${LOCAL_VERDICTS_ENV} must be pass, gray, fail or a JSON object of verdicts, not "${text}"`,
    );
  }
  const parsed = overridesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LocalVerdictsError(
      `${LOCAL_VERDICTS_ENV}: ${issue?.path.join('.') || '(root)'}: ${issue?.message} ` +
        `(verdicts: ${VERDICT_NAMES.join(', ')}; statuses: ${statusSchema.options.join(', ')})`,
    );
  }
  return { ...UNCHECKED_VERDICTS, ...parsed.data };
}

export function localVerdictsFromEnv(env: NodeJS.ProcessEnv = process.env): LocalVerdicts {
  const text = env[LOCAL_VERDICTS_ENV];
  return parseLocalVerdicts(text === undefined || text === '' ? DEFAULT_LOCAL_VERDICTS : text);
}
