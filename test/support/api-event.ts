import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ACCEPTED_TOKEN_USE, CLAIMS } from '@shared/http/identity';

/** An API Gateway v2 event as the JWT authorizer hands it to a function. */
export function apiEvent(options: {
  routeKey: string;
  caller?: { address: string; tenantId: string; groups?: string[]; tokenUse?: string };
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** Serialised as JSON, as a client would send it. */
  body?: unknown;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', path = '/'] = options.routeKey.split(' ');
  const rawPath = path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => options.pathParameters?.[name] ?? '',
  );
  const claims: Record<string, string> = options.caller
    ? {
        [CLAIMS.address]: options.caller.address,
        [CLAIMS.tenantId]: options.caller.tenantId,
        [CLAIMS.tokenUse]: options.caller.tokenUse ?? ACCEPTED_TOKEN_USE,
        ...(options.caller.groups && { [CLAIMS.groups]: `[${options.caller.groups.join(' ')}]` }),
      }
    : {};
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {},
    ...(options.query && { queryStringParameters: options.query }),
    ...(options.pathParameters && { pathParameters: options.pathParameters }),
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  };
}
