import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { DomainError } from '../errors/domain-error';
import { logger } from '../log/logger';
import * as z from '../validation/zod';
import {
  HttpProblemError,
  PROBLEM_CODES,
  PROBLEM_CONTENT_TYPE,
  problemOf,
  type Problem,
} from './problem';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;
export type ApiHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/** A code the problem table knows. */
function isKnownCode(code: string): code is keyof typeof PROBLEM_CODES {
  return code in PROBLEM_CODES;
}

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function problemResponse(problem: Problem): ApiResult {
  return {
    statusCode: problem.status,
    headers: {
      'content-type': PROBLEM_CONTENT_TYPE,
      ...(problem.retryAfter !== undefined && { 'retry-after': String(problem.retryAfter) }),
    },
    body: JSON.stringify(problem),
  };
}

/** Maps any error to problem+json; details of a 5xx stay in the log, never in the response. */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof z.$ZodError) {
    return problemOf('InputValidationError', 'One or more parameters are not valid.', {
      instance: requestId,
      errors: error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    });
  }
  if (error instanceof HttpProblemError) {
    return problemOf(error.code, error.message, {
      instance: requestId,
      ...(error.errors && { errors: error.errors }),
    });
  }
  if (
    error instanceof DomainError &&
    isKnownCode(error.code) &&
    PROBLEM_CODES[error.code].status < 500
  ) {
    // A limit that lifts with time (a rate limit) says when: Retry-After.
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return problemOf(error.code, error.message, {
      instance: requestId,
      ...(typeof retryAfter === 'number' && { retryAfter }),
    });
  }
  logger.error('unhandled error', { requestId, error: error as Error });
  return problemOf('InternalError', undefined, { instance: requestId });
}

const problemJson = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  onError: (request) => {
    const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
    request.response = problemResponse(toProblem(request.error, requestId));
  },
});

const requestLogging = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: (request) => {
    logger.appendKeys({ requestId: request.event.requestContext?.requestId });
  },
  after: (request) => {
    logger.info('request', {
      routeKey: request.event.routeKey,
      status: request.response?.statusCode,
    });
    logger.resetKeys();
  },
});

/** The middy stack every API function shares: middlewares first, the handler last. */
export function httpHandler(handler: ApiHandler) {
  return middy<ApiEvent, ApiResult>().use(requestLogging()).use(problemJson()).handler(handler);
}
