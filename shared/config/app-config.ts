import { domainError } from '../errors/domain-error';
import { ENV } from './resource-names';
import { resolveTiers, type TierTable } from './tiers';

/** What a function needs to know about its world, read once at cold start. */
export interface RuntimeConfig {
  tableName: string;
  rawMailBucket: string;
  attachmentsBucket: string;
  tiers: TierTable;
}

export class MissingConfigError extends domainError('MissingConfig') {}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new MissingConfigError(`environment variable ${name} is required`);
  return value;
}

/** Reads and validates the runtime configuration; a missing variable fails the cold start. */
export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const tiersJson = env[ENV.tiers];
  return {
    tableName: required(env, ENV.tableName),
    rawMailBucket: required(env, ENV.rawMailBucket),
    attachmentsBucket: required(env, ENV.attachmentsBucket),
    tiers: resolveTiers(tiersJson ? JSON.parse(tiersJson) : undefined),
  };
}

/** The user pool id, for the function that keeps sign-in accounts (tenant-admin). */
export function loadUserPoolId(env: NodeJS.ProcessEnv = process.env): string {
  return required(env, ENV.userPoolId);
}

/** The share bucket, for the functions of the large-file share (issue 9). */
export function loadShareBucket(env: NodeJS.ProcessEnv = process.env): string {
  return required(env, ENV.shareBucket);
}
