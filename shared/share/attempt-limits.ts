/** At most `limit` attempts in any `windowSeconds` (a sliding window, not calendar slots). */
export interface AttemptRule {
  limit: number;
  windowSeconds: number;
}

/**
 * Wrong-password guesses: per link and client address, so that one office behind a NAT guessing
 * at one link does not lock out the recipient of another; and per link, so that many addresses
 * cannot share the work of guessing one.
 */
export const PASSWORD_ATTEMPTS = {
  perLinkAndClient: { limit: 5, windowSeconds: 10 * 60 },
  perLink: { limit: 50, windowSeconds: 60 * 60 },
} as const satisfies Record<string, AttemptRule>;

/** Abuse reports: per client address and link, and per client address over all links. */
export const REPORT_ATTEMPTS = {
  perLinkAndClient: { limit: 3, windowSeconds: 60 * 60 },
  perClient: { limit: 20, windowSeconds: 60 * 60 },
} as const satisfies Record<string, AttemptRule>;

/** One attempt taken from a window, which can be given back (a right password costs nothing). */
export interface AttemptReceipt {
  key: string;
  slot: number;
  at: number;
}

/** The port: counters that refuse past their rule (DynamoDB items with TTL in both worlds). */
export interface AttemptLimiter {
  /** Takes one attempt under `key`; undefined when the rule's limit is reached. */
  take(key: string, rule: AttemptRule, now: Date): Promise<AttemptReceipt | undefined>;
  giveBack(receipt: AttemptReceipt): Promise<void>;
}

/**
 * Takes one attempt from each rule in order; if one refuses, the ones already taken are given
 * back and the answer is undefined.
 */
export async function takeAll(
  limiter: AttemptLimiter,
  rules: { key: string; rule: AttemptRule }[],
  now: Date,
): Promise<AttemptReceipt[] | undefined> {
  const taken: AttemptReceipt[] = [];
  for (const { key, rule } of rules) {
    const receipt = await limiter.take(key, rule, now);
    if (!receipt) {
      await Promise.all(taken.map((r) => limiter.giveBack(r)));
      return undefined;
    }
    taken.push(receipt);
  }
  return taken;
}
