import { dynamo } from '@shared/aws/dynamo-client';

/**
 * The least a sesame function can be, for `npm run bench:cold`: the DynamoDB client every
 * function builds and a handler that uses it. What it takes to import is the floor of the
 * functions' figures on this machine: the SDK's own code, before any of sesame's.
 */
export const handler = async (): Promise<unknown> => dynamo.config.region();
