import { readFileSync } from 'node:fs';
import { resolveTiers, TierConfigError, type TierTable } from '@shared/config/tiers';

/** The env var naming the local tier table file (JSON, a partial table over the defaults). */
export const TIERS_FILE_ENV = 'SESAME_TIERS';

/**
 * The tier table for `npm start`: the file SESAME_TIERS names, merged over the DESIGN defaults;
 * no variable, the defaults. A missing, unreadable or bad file throws a TierConfigError that
 * names the file and the bad field, so start-up stops with one clear line.
 */
export function tiersFromEnv(env: NodeJS.ProcessEnv = process.env): TierTable {
  const path = env[TIERS_FILE_ENV];
  if (!path) return resolveTiers(undefined);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TierConfigError(
      `${TIERS_FILE_ENV}=${path}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  try {
    return resolveTiers(json);
  } catch (error) {
    if (!(error instanceof TierConfigError)) throw error;
    throw new TierConfigError(`${TIERS_FILE_ENV}=${path}: ${error.message}`);
  }
}
