import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import type { FunctionLimits } from '@shared/config/function-limits';

import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';

/** Names the local stand-in uses where API Gateway would put the API id. */
const LOCAL_API_ID = 'local';
/** What a Lambda gets told it has left; matches the API's integration timeout (30 s). */
const INTEGRATION_TIMEOUT_MS = 30_000;

/** Bodies API Gateway passes as text; anything else arrives base64-encoded. */
const TEXT_CONTENT_TYPE =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export interface RequestFacts {
  request: IncomingMessage;
  url: URL;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string>;
  requestId: string;
  receivedAt: Date;
  /** Verified claims for `jwt` routes; undefined for public routes (no authorizer block). */
  claims?: JWTPayload;
}

/**
 * API Gateway hands every JWT claim to the function as a string: numbers and booleans as
 * their text, a list as `[a b]`, an object as its JSON.
 */
export function stringifyClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's `requestContext.time`. */
function clfTime(at: Date): string {
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`
  );
}

/** Repeated query parameters arrive joined with commas, as HTTP APIs deliver them. */
function queryParameters(url: URL): Record<string, string> | undefined {
  const joined: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) {
    joined[name] = url.searchParams.getAll(name).join(',');
  }
  return Object.keys(joined).length > 0 ? joined : undefined;
}

/** Lower-case names, repeated headers joined with commas; cookies travel separately. */
function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

/** The payload format 2.0 event an HTTP API with a JWT authorizer sends its Lambda. */
export function buildApiGatewayEvent(facts: RequestFacts): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { request, url, body, receivedAt } = facts;
  const headers = headersOf(request);
  const isText = body.length === 0 || TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '');
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const query = queryParameters(url);
  const hasPathParameters = Object.keys(facts.pathParameters).length > 0;
  const host = headers.host ?? '127.0.0.1';
  const requestContext = {
    accountId: LOCAL_ACCOUNT,
    apiId: LOCAL_API_ID,
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    http: {
      method: request.method ?? 'GET',
      path: url.pathname,
      protocol: `HTTP/${request.httpVersion}`,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: facts.requestId,
    routeKey: facts.routeKey,
    stage: '$default',
    time: clfTime(receivedAt),
    timeEpoch: receivedAt.getTime(),
  };
  const event = {
    version: '2.0',
    routeKey: facts.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies && cookies.length > 0 && { cookies }),
    headers,
    ...(query && { queryStringParameters: query }),
    ...(hasPathParameters && { pathParameters: facts.pathParameters }),
    requestContext: facts.claims
      ? {
          ...requestContext,
          authorizer: {
            principalId: '',
            integrationLatency: 0,
            jwt: { claims: stringifyClaims(facts.claims), scopes: null },
          },
        }
      : requestContext,
    ...(body.length > 0 && { body: body.toString(isText ? 'utf8' : 'base64') }),
    isBase64Encoded: !isText,
  };
  // A public route's event has no authorizer block, as in AWS; the handler type still names
  // the JWT variant because every handler of this app is written against that one.
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** The Lambda context object, for handlers (and middy middlewares) that read it. */
export function lambdaContextFor(
  functionId: string,
  requestId: string,
  limits: FunctionLimits = { timeoutSeconds: INTEGRATION_TIMEOUT_MS / 1000, memoryMb: 1024 },
): Context {
  const deadline = Date.now() + limits.timeoutSeconds * 1000;
  const functionName = `sesame-local-${functionId}`;
  const unsupported = () => {
    throw new Error('the callback-style Lambda context API is not supported locally');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(limits.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
