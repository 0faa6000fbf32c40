import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of the codebase: structured JSON lines, level from POWERTOOLS_LOG_LEVEL. */
export const logger = new Logger({ serviceName: 'sesame' });
